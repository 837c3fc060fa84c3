using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Dispatch;

/// <summary>
/// Gives every actor its own dedicated thread. For actors that own a thread-affine resource, such as an
/// inference actor that owns a GPU and its CUDA stream: the device context never moves between threads.
/// </summary>
public sealed class PinnedDispatcher : MessageDispatcher
{
    private readonly Dictionary<ActorCell, PinnedThread> _threads = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    /// <summary>Creates a pinned dispatcher.</summary>
    public PinnedDispatcher(string id, int throughput = 1000) : base(id, throughput) { }

    internal override void Attach(ActorCell cell)
    {
        var thread = new PinnedThread(cell.Self.Path.ToString());
        lock (_lock) _threads[cell] = thread;
    }

    // The thread is looked up rather than kept on the mailbox: pinned actors are few, every actor pays for a field.
    internal override void Execute(Mailbox mailbox)
    {
        PinnedThread? thread;
        lock (_lock) _threads.TryGetValue(mailbox.Cell, out thread);
        thread?.Signal(mailbox);
    }

    internal override void Detach(ActorCell cell)
    {
        PinnedThread? thread;
        lock (_lock)
        {
            if (!_threads.Remove(cell, out thread)) return;
        }
        thread.Stop();
    }

    internal override void Shutdown()
    {
        PinnedThread[] all;
        lock (_lock)
        {
            all = _threads.Values.ToArray();
            _threads.Clear();
        }
        foreach (var t in all) t.Stop();
    }

    /// <summary>One dedicated thread that runs one mailbox whenever it is signalled.</summary>
    internal sealed class PinnedThread
    {
        private readonly SemaphoreSlim _signal = new(0);
        private readonly Thread _thread;
        private Mailbox? _mailbox;
        private volatile bool _stopped;

        public PinnedThread(string name)
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "pinned " + name };
            _thread.Start();
        }

        public int ManagedThreadId => _thread.ManagedThreadId;

        public void Signal(Mailbox mailbox)
        {
            _mailbox = mailbox;
            _signal.Release();
        }

        public void Stop()
        {
            _stopped = true;
            _signal.Release();
        }

        private void Loop()
        {
            while (true)
            {
                // A dedicated thread (not the pool) may block while it waits for work.
                _signal.Wait(Timeout.Infinite);
                var mailbox = _mailbox;
                if (mailbox is not null && !_stopped) mailbox.Execute();
                if (_stopped) return;
            }
        }
    }
}
