using System.Collections.Concurrent;

namespace Pipeline.Streams.Implementation;

/// <summary>
/// Drives one island's interpreter on the thread pool, one batch at a time (like an actor's mailbox run):
/// external events (callbacks, timers) come in through a lock-free queue; after a bounded batch the shell yields
/// so that endless synchronous sources do not starve other work.
/// </summary>
internal sealed class IslandShell : IThreadPoolWorkItem
{
    private const int EventBatch = 4096;
    private const int RoundsPerRun = 16;

    private readonly ConcurrentQueue<ShellEvent> _inbox = new();
    private readonly Materializer _materializer;
    private GraphInterpreter _interpreter = null!;
    private int _scheduled;
    private int _finished;

    internal IslandShell(Materializer materializer) => _materializer = materializer;

    internal void Attach(GraphInterpreter interpreter) => _interpreter = interpreter;

    internal bool IsFinished => Volatile.Read(ref _finished) == 1;

    internal void Enqueue(ShellEvent ev)
    {
        if (IsFinished) return;
        _inbox.Enqueue(ev);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    public void Execute()
    {
        try
        {
            for (var round = 0; round < RoundsPerRun && !_interpreter.IsFinished; round++)
            {
                var idle = _interpreter.RunQueue(EventBatch);
                var external = 0;
                while (external < EventBatch && _inbox.TryDequeue(out var ev))
                {
                    ev.Run(_interpreter);
                    external++;
                    if (_interpreter.HasQueuedEvents) _interpreter.RunQueue(EventBatch);
                }
                if (idle && external == 0 && !_interpreter.HasQueuedEvents) break;
            }
        }
        catch (Exception e)
        {
            _interpreter.Abort(new InvalidOperationException("The stream's interpreter failed; the stream was aborted.", e));
        }
        if (_interpreter.IsFinished)
        {
            OnFinished();
            return;
        }
        // a full fence, not a volatile write: the store of 0 must be visible before the inbox is read again. With a
        // plain release store, x64 may read the inbox first (store-load reordering). An Enqueue at that moment still
        // sees 1 and schedules nothing, and this run still sees an empty inbox: the event would wait forever (a stream
        // across async boundaries hung this way, once in many runs of the suite).
        Interlocked.Exchange(ref _scheduled, 0);
        if ((_interpreter.HasQueuedEvents || !_inbox.IsEmpty) && Interlocked.Exchange(ref _scheduled, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    internal void OnFinished()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _inbox.Clear();
            _materializer.Unregister(this);
        }
    }

    internal void Abort(Exception cause) => Enqueue(new AbortEvent(cause));
}
