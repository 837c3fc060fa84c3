namespace Pipeline.Streams.Implementation;

/// <summary>
/// Runs the fused stages of one island: port events are delivered by direct calls while the target stage is
/// not already running a handler (so a linear chain runs as plain calls), otherwise through a FIFO ring of
/// (connection, event) pairs. No allocation per element; elements never exceed demand (a push without a pull throws).
/// </summary>
internal sealed class GraphInterpreter
{
    private const byte PushEvent = 1, PullEvent = 2, CompleteEvent = 3, CancelEvent = 4;
    private const int MaxDepth = 64;

    private readonly GraphStageLogic[] _logics;
    private (Connection Conn, byte Kind)[] _queue = new (Connection, byte)[64];
    private int _head, _count, _depth, _live;
    private bool _started;

    internal GraphInterpreter(GraphStageLogic[] logics, IslandShell shell)
    {
        _logics = logics;
        _live = logics.Length;
        Shell = shell;
        foreach (var l in logics)
        {
            l.Interpreter = this;
            l.Shell = shell;
        }
    }

    internal IslandShell Shell { get; }

    internal bool IsFinished => _live == 0;

    internal bool HasQueuedEvents => _count > 0;

    internal void Start()
    {
        if (_started) return;
        _started = true;
        // every stage is marked running while the PreStarts run, so that events between them queue up and no
        // handler runs before its stage's PreStart
        foreach (var logic in _logics) { logic.Started = true; logic.Running = true; }
        foreach (var logic in _logics)
        {
            if (logic.Finished) continue;
            try { logic.PreStart(); }
            catch (Exception e) { SafeFail(logic, e); }
        }
        foreach (var logic in _logics) logic.Running = false;
        foreach (var logic in _logics) CheckFinished(logic);
    }

    internal void Pull(GraphStageLogic caller, Connection c)
    {
        if (c.InClosed) throw new InvalidOperationException($"{caller.StageName}: cannot pull inlet {c.InIndex}: it is closed.");
        if (c.Pulled || c.HasElement) throw new InvalidOperationException($"{caller.StageName}: cannot pull inlet {c.InIndex} twice before its element arrived and was grabbed.");
        c.Pulled = true;
        if (c.UpstreamDone) return;
        var target = c.OutOwner;
        if (c.Queued == 0 && !target.Running && _depth < MaxDepth && !target.Finished)
        {
            // fast path: call the upstream's handler directly (a linear chain runs as plain calls)
            target.Running = true;
            _depth++;
            try { c.OutHandler!.OnPull(); }
            catch (Exception e) { Failed(target, e, duringPush: false); }
            finally
            {
                _depth--;
                target.Running = false;
            }
            if (target.OpenPorts <= 0) CheckFinished(target);
        }
        else Enqueue(c, PullEvent);
    }

    internal void Push<T>(GraphStageLogic caller, Connection<T> c, T element)
    {
        if (c.OutClosed) throw new InvalidOperationException($"{caller.StageName}: cannot push to outlet {c.OutIndex}: it is closed.");
        if (c.DownstreamDone) { c.Pulled = false; return; }
        if (!c.Pulled) throw new InvalidOperationException($"{caller.StageName}: cannot push to outlet {c.OutIndex}: the downstream did not pull (demand exceeded).");
        c.Pulled = false;
        c.Element = element;
        c.HasElement = true;
        var target = c.InOwner;
        if (c.Queued == 0 && !target.Running && _depth < MaxDepth && !target.Finished)
        {
            target.Running = true;
            _depth++;
            try { c.InHandler!.OnPush(); }
            catch (Exception e) { Failed(target, e, duringPush: true); }
            finally
            {
                _depth--;
                target.Running = false;
            }
            if (target.OpenPorts <= 0) CheckFinished(target);
        }
        else Enqueue(c, PushEvent);
    }

    internal void Complete(GraphStageLogic caller, Connection c, Exception? failure)
    {
        if (c.OutClosed) return;
        c.OutClosed = true;
        c.UpstreamDone = true;
        c.Failure = failure;
        PortClosed(c.OutOwner);
        if (c.InClosed) return;
        if (c.Queued == 0 && !c.InOwner.Running && _depth < MaxDepth) Deliver(c, CompleteEvent);
        else Enqueue(c, CompleteEvent);
    }

    internal void Cancel(GraphStageLogic caller, Connection c, Exception? cause)
    {
        if (c.InClosed) return;
        c.InClosed = true;
        c.DownstreamDone = true;
        c.CancelCause = cause;
        c.Pulled = false;
        if (c.HasElement) { c.HasElement = false; c.ClearElement(); }
        PortClosed(c.InOwner);
        if (c.OutClosed) return;
        if (c.Queued == 0 && !c.OutOwner.Running && _depth < MaxDepth) Deliver(c, CancelEvent);
        else Enqueue(c, CancelEvent);
    }

    private void PortClosed(GraphStageLogic logic)
    {
        logic.OpenPorts--;
        if (logic.OpenPorts <= 0 && !logic.Running) CheckFinished(logic);
    }

    internal void CheckFinished(GraphStageLogic logic)
    {
        if (logic.Finished || logic.OpenPorts > 0 || logic.KeepGoing || !logic.Started) return;
        FinishLogic(logic);
    }

    private void FinishLogic(GraphStageLogic logic)
    {
        logic.Finished = true;
        logic.CancelAllTimers();
        try { logic.PostStop(); }
        catch (Exception) { /* a failing PostStop must not break the other stages; the stream's outcome is already decided */ }
        _live--;
        if (_live == 0) Shell.OnFinished();
    }

    private void Deliver(Connection c, byte kind)
    {
        GraphStageLogic target;
        switch (kind)
        {
            case PushEvent:
                if (c.InClosed || !c.HasElement) return;
                target = c.InOwner;
                break;
            case PullEvent:
                if (c.OutClosed || !c.Pulled) return;
                target = c.OutOwner;
                break;
            case CompleteEvent:
                if (c.InClosed) return;
                target = c.InOwner;
                break;
            default:
                if (c.OutClosed) return;
                target = c.OutOwner;
                break;
        }
        if (target.Finished) return;
        target.Running = true;
        _depth++;
        try
        {
            switch (kind)
            {
                case PushEvent:
                    c.InHandler!.OnPush();
                    break;
                case PullEvent:
                    c.OutHandler!.OnPull();
                    break;
                case CompleteEvent:
                    c.InClosed = true;
                    c.Pulled = false;
                    target.OpenPorts--;
                    if (c.Failure is { } f) c.InHandler!.OnUpstreamFailure(f);
                    else c.InHandler!.OnUpstreamFinish();
                    break;
                default:
                    c.OutClosed = true;
                    target.OpenPorts--;
                    c.OutHandler!.OnDownstreamFinish(c.CancelCause);
                    break;
            }
        }
        catch (Exception e) { Failed(target, e, kind == PushEvent); }
        finally
        {
            _depth--;
            target.Running = false;
        }
        if (target.OpenPorts <= 0) CheckFinished(target);
    }

    private void Failed(GraphStageLogic target, Exception e, bool duringPush)
    {
        try { target.HandleHandlerException(e, duringPush); }
        catch (Exception again) { SafeFail(target, again); }
    }

    private void SafeFail(GraphStageLogic logic, Exception cause)
    {
        try { logic.FailStageInternal(cause); }
        catch (Exception) { if (!logic.Finished) FinishLogic(logic); }
    }

    private void Enqueue(Connection c, byte kind)
    {
        if (_count == _queue.Length)
        {
            var bigger = new (Connection, byte)[_queue.Length * 2];
            for (var i = 0; i < _count; i++) bigger[i] = _queue[(_head + i) % _queue.Length];
            _queue = bigger;
            _head = 0;
        }
        _queue[(_head + _count) % _queue.Length] = (c, kind);
        _count++;
        c.Queued++;
    }

    /// <summary>Runs queued events; returns true when the queue is empty.</summary>
    internal bool RunQueue(int limit)
    {
        while (_count > 0 && limit-- > 0)
        {
            var (c, kind) = _queue[_head];
            _queue[_head] = default;
            _head = (_head + 1) % _queue.Length;
            _count--;
            c.Queued--;
            Deliver(c, kind);
        }
        return _count == 0;
    }

    internal void RunInStage<T>(GraphStageLogic logic, Action<T> handler, T value)
    {
        if (logic.Finished || !logic.Started) return;
        logic.Running = true;
        try { handler(value); }
        catch (Exception e) { SafeFail(logic, e); }
        finally { logic.Running = false; }
        CheckFinished(logic);
    }

    internal void RunTimer(GraphStageLogic logic, object key, int generation, bool periodic)
    {
        if (logic.Finished || !logic.Started) return;
        logic.Running = true;
        try { logic.FireTimer(key, generation, periodic); }
        catch (Exception e) { SafeFail(logic, e); }
        finally { logic.Running = false; }
        CheckFinished(logic);
    }

    /// <summary>Stops every stage that is still running: they fail their outlets (sinks fail their results) and stop.</summary>
    internal void Abort(Exception cause)
    {
        foreach (var logic in _logics)
        {
            if (logic.Finished) continue;
            if (!logic.Started) logic.Started = true;
            SafeFail(logic, cause);
            if (!logic.Finished) FinishLogic(logic);
        }
        _count = 0;
    }
}
