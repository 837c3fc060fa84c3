using System.Runtime.CompilerServices;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Supervision;

namespace Pipeline.Streams.Implementation;

/// <summary>
/// The running part of a stage: its state and its reactions to port events. All handlers of the logics of one
/// island run one at a time on the island's interpreter, so a logic needs no locks; work from other threads
/// comes in through <see cref="GetAsyncCallback{T}"/> and timers.
/// </summary>
public abstract class GraphStageLogic
{
    private readonly IInHandler?[] _inHandlers;
    private readonly IOutHandler?[] _outHandlers;
    private Dictionary<object, (ITimer Timer, int Generation)>? _timers;
    private int _timerGeneration;
    private bool _keepGoing;

    /// <summary>Creates the logic for a stage of the given shape.</summary>
    protected GraphStageLogic(StageShape shape)
    {
        Shape = shape;
        _inHandlers = new IInHandler?[shape.Inlets.Count];
        _outHandlers = new IOutHandler?[shape.Outlets.Count];
        InConns = new Connection[shape.Inlets.Count];
        OutConns = new Connection[shape.Outlets.Count];
        OpenPorts = shape.Inlets.Count + shape.Outlets.Count;
    }

    /// <summary>The stage's ports.</summary>
    protected StageShape Shape { get; }

    internal Connection[] InConns { get; }
    internal Connection[] OutConns { get; }
    internal GraphInterpreter Interpreter = null!;
    internal IslandShell Shell = null!;
    internal int OpenPorts;
    internal bool Running;
    internal bool Finished;
    internal bool Started;
    internal string StageName = "stage";

    /// <summary>The stage's effective attributes (set before <see cref="PreStart"/>).</summary>
    protected internal Attributes Attributes { get; internal set; } = Attributes.None;

    /// <summary>The materializer that runs this stage (to run sub-streams).</summary>
    protected internal Materializer Materializer { get; internal set; } = null!;

    /// <summary>The clock of the actor system the stream runs in.</summary>
    protected TimeProvider TimeProvider => Materializer.TimeProvider;

    /// <summary>The stage's supervision decider (stopping unless set through attributes).</summary>
    protected Decider Decider => Attributes.SupervisionDecider ?? Deciders.Stopping;

    /// <summary>Keeps the stage alive after all its ports closed (until switched off or the stage completes itself).</summary>
    protected void SetKeepGoing(bool enabled)
    {
        _keepGoing = enabled;
        if (!enabled && Interpreter is not null && !Running) Interpreter.CheckFinished(this);
    }

    internal bool KeepGoing => _keepGoing;

    /// <summary>Called once before any event, on the island's interpreter.</summary>
    protected internal virtual void PreStart() { }

    /// <summary>Called once after the stage finished (all ports closed, or the stream was aborted).</summary>
    protected internal virtual void PostStop() { }

    /// <summary>Called when a timer scheduled with <see cref="ScheduleOnce"/> or <see cref="ScheduleRepeatedly"/> fires.</summary>
    protected internal virtual void OnTimer(object timerKey) { }

    /// <summary>Sets the handler of an inlet.</summary>
    protected void SetHandler(Inlet inlet, IInHandler handler)
    {
        _inHandlers[inlet.Index] = handler;
        if (InConns[inlet.Index] is { } c) c.InHandler = handler;
    }

    /// <summary>Sets the handler of an outlet.</summary>
    protected void SetHandler(Outlet outlet, IOutHandler handler)
    {
        _outHandlers[outlet.Index] = handler;
        if (OutConns[outlet.Index] is { } c) c.OutHandler = handler;
    }

    /// <summary>Sets the handlers of an inlet and an outlet at once (for logics that implement both).</summary>
    protected void SetHandlers<THandler>(Inlet inlet, Outlet outlet, THandler handler) where THandler : IInHandler, IOutHandler
    {
        SetHandler(inlet, handler);
        SetHandler(outlet, handler);
    }

    internal IInHandler InHandlerAt(int index) => _inHandlers[index]
        ?? throw new InvalidOperationException($"{StageName}: no handler for inlet '{Shape.Inlets[index].Name}'. Call SetHandler in the logic's constructor.");

    internal IOutHandler OutHandlerAt(int index) => _outHandlers[index]
        ?? throw new InvalidOperationException($"{StageName}: no handler for outlet '{Shape.Outlets[index].Name}'. Call SetHandler in the logic's constructor.");

    /// <summary>Takes the element that arrived on <paramref name="inlet"/>.</summary>
    protected T Grab<T>(Inlet<T> inlet)
    {
        var c = Unsafe.As<Connection<T>>(InConns[inlet.Index]);
        if (!c.HasElement) throw new InvalidOperationException($"{StageName}: cannot grab from '{inlet.Name}': no element is available.");
        var element = c.Element;
        c.Element = default!;
        c.HasElement = false;
        return element;
    }

    /// <summary>Asks the upstream of <paramref name="inlet"/> for one element.</summary>
    protected void Pull(Inlet inlet) => Interpreter.Pull(this, InConns[inlet.Index]);

    /// <summary>Pulls unless the inlet is closed or already pulled.</summary>
    protected void TryPull(Inlet inlet)
    {
        var c = InConns[inlet.Index];
        if (!c.InClosed && !c.Pulled && !c.HasElement) Interpreter.Pull(this, c);
    }

    /// <summary>Pushes an element to <paramref name="outlet"/>; only allowed after the downstream pulled.</summary>
    protected void Push<T>(Outlet<T> outlet, T element) => Interpreter.Push(this, Unsafe.As<Connection<T>>(OutConns[outlet.Index]), element);

    /// <summary>True when an element arrived on <paramref name="inlet"/> and was not grabbed yet.</summary>
    protected bool IsAvailable(Inlet inlet) => InConns[inlet.Index].HasElement;

    /// <summary>True when the downstream of <paramref name="outlet"/> pulled and may be pushed to.</summary>
    protected bool IsAvailable(Outlet outlet)
    {
        var c = OutConns[outlet.Index];
        return c.Pulled && !c.OutClosed && !c.DownstreamDone;
    }

    /// <summary>True when <paramref name="inlet"/> was pulled and its element has not been grabbed yet (pulling again is not allowed).</summary>
    protected bool HasBeenPulled(Inlet inlet)
    {
        var c = InConns[inlet.Index];
        return c.Pulled || c.HasElement;
    }

    /// <summary>True when <paramref name="inlet"/> is closed (this stage cancelled it or its upstream finished).</summary>
    protected bool IsClosed(Inlet inlet) => InConns[inlet.Index].InClosed;

    /// <summary>True when <paramref name="outlet"/> is closed (this stage completed it or the downstream cancelled).</summary>
    protected bool IsClosed(Outlet outlet)
    {
        var c = OutConns[outlet.Index];
        return c.OutClosed || c.DownstreamDone;
    }

    /// <summary>Completes <paramref name="outlet"/>.</summary>
    protected void Complete(Outlet outlet) => Interpreter.Complete(this, OutConns[outlet.Index], null);

    /// <summary>Fails <paramref name="outlet"/> with <paramref name="cause"/>.</summary>
    protected void Fail(Outlet outlet, Exception cause) => Interpreter.Complete(this, OutConns[outlet.Index], cause);

    /// <summary>Cancels <paramref name="inlet"/>: no more elements are wanted from it.</summary>
    protected void Cancel(Inlet inlet, Exception? cause = null) => Interpreter.Cancel(this, InConns[inlet.Index], cause);

    /// <summary>Completes every outlet and cancels every inlet.</summary>
    protected void CompleteStage()
    {
        _keepGoing = false;
        foreach (var c in OutConns) Interpreter.Complete(this, c, null);
        foreach (var c in InConns) Interpreter.Cancel(this, c, null);
        if (!Running) Interpreter.CheckFinished(this);
    }

    /// <summary>Fails every outlet with <paramref name="cause"/> and cancels every inlet.</summary>
    protected void FailStage(Exception cause)
    {
        _keepGoing = false;
        foreach (var c in OutConns) Interpreter.Complete(this, c, cause);
        foreach (var c in InConns) Interpreter.Cancel(this, c, cause);
        if (!Running) Interpreter.CheckFinished(this);
    }

    internal void FailStageInternal(Exception cause) => FailStage(cause);

    /// <summary>
    /// A thread-safe handle that runs <paramref name="handler"/> on this stage's interpreter; the way for tasks,
    /// actors and other threads to talk to the stage. Create it in the constructor or in <see cref="PreStart"/>.
    /// </summary>
    protected AsyncCallback<T> GetAsyncCallback<T>(Action<T> handler) => new(this, handler);

    /// <summary>Fires <see cref="OnTimer"/> with <paramref name="timerKey"/> once after <paramref name="delay"/> (replacing a timer of the same key).</summary>
    protected void ScheduleOnce(object timerKey, TimeSpan delay) => StartTimer(timerKey, delay, Timeout.InfiniteTimeSpan);

    /// <summary>Fires <see cref="OnTimer"/> with <paramref name="timerKey"/> after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    protected void ScheduleRepeatedly(object timerKey, TimeSpan initialDelay, TimeSpan interval) => StartTimer(timerKey, initialDelay, interval);

    /// <summary>Cancels the timer with <paramref name="timerKey"/>, if any.</summary>
    protected void CancelTimer(object timerKey)
    {
        if (_timers is not null && _timers.Remove(timerKey, out var t)) t.Timer.Dispose();
    }

    /// <summary>True when a timer with <paramref name="timerKey"/> is active.</summary>
    protected bool IsTimerActive(object timerKey) => _timers?.ContainsKey(timerKey) == true;

    private void StartTimer(object key, TimeSpan due, TimeSpan period)
    {
        _timers ??= new Dictionary<object, (ITimer, int)>();
        CancelTimer(key);
        var generation = ++_timerGeneration;
        var shell = Shell;
        var timer = TimeProvider.CreateTimer(static state =>
        {
            var (s, ev) = ((IslandShell, TimerEvent))state!;
            s.Enqueue(ev);
        }, (shell, new TimerEvent(this, key, generation, period != Timeout.InfiniteTimeSpan)), due < TimeSpan.Zero ? TimeSpan.Zero : due, period);
        _timers[key] = (timer, generation);
    }

    internal void FireTimer(object key, int generation, bool periodic)
    {
        if (_timers is null || !_timers.TryGetValue(key, out var t) || t.Generation != generation) return;
        if (!periodic)
        {
            _timers.Remove(key);
            t.Timer.Dispose();
        }
        OnTimer(key);
    }

    internal void CancelAllTimers()
    {
        if (_timers is null) return;
        foreach (var t in _timers.Values) t.Timer.Dispose();
        _timers.Clear();
    }

    /// <summary>
    /// Handles an exception thrown by a handler. Stages with one inlet and one outlet apply the supervision
    /// decider to failures in <see cref="IInHandler.OnPush"/>; all others (and Stop) fail the stage.
    /// </summary>
    internal virtual void HandleHandlerException(Exception cause, bool duringPush)
    {
        if (duringPush && this is ISupervisedLogic supervised && !Finished)
        {
            Directive directive;
            try { directive = Decider(cause); }
            catch (Exception deciderFailure) { FailStage(deciderFailure); return; }
            if (directive != Directive.Stop)
            {
                if (directive == Directive.Restart) supervised.OnRestart();
                var inC = InConns[0];
                var outC = OutConns[0];
                if (outC.Pulled && !outC.OutClosed && !inC.InClosed && !inC.Pulled && !inC.HasElement) Interpreter.Pull(this, inC);
                return;
            }
        }
        FailStage(cause);
    }
}
