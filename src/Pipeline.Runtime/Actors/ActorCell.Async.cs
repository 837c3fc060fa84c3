using System.Runtime.ExceptionServices;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

internal sealed partial class ActorCell
{
    /// <summary>
    /// Runs an async handler. Its continuations are posted back into this actor as system messages (so they
    /// see the actor's state and sender), and the mailbox takes no user message until the task completes:
    /// message order is kept.
    /// </summary>
    internal void RunAsync(Func<Task> handler)
    {
        var context = new ActorSynchronizationContext(this);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task task;
        try
        {
            task = handler();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (task.IsCompleted)
        {
            if (task.IsFaulted) ExceptionDispatchInfo.Capture(task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception).Throw();
            if (task.IsCanceled) throw new TaskCanceledException(task);
            return;
        }
        var extras = Extras;
        extras.AsyncContext = context;
        extras.AsyncEnvelope = _current;
        State |= StateAsyncInFlight;
        _mailbox.Suspend();
        task.ContinueWith(static (t, state) =>
        {
            var ctx = (ActorSynchronizationContext)state!;
            ctx.Cell.SendSystemMessage(new AsyncHandlerCompleted(t) { Context = ctx });
        }, context, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal void PostContinuation(ActorSynchronizationContext context, SendOrPostCallback callback, object? state)
        => SendSystemMessage(new RunContinuation(callback, state) { Context = context });

    private void OnRunContinuation(RunContinuation c)
    {
        if (!ReferenceEquals(c.Context, _extras?.AsyncContext) || c.Context!.IsAbandoned) return;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(c.Context);
        _current = _extras!.AsyncEnvelope;
        try
        {
            c.Callback(c.State);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void OnAsyncHandlerCompleted(AsyncHandlerCompleted a)
    {
        var extras = _extras;
        if (extras is null || !ReferenceEquals(a.Context, extras.AsyncContext)) return;
        extras.AsyncContext = null;
        State &= ~StateAsyncInFlight;
        var envelope = extras.AsyncEnvelope;
        extras.AsyncEnvelope = default;
        _current = envelope;
        _mailbox.Resume();
        if (a.Task.IsFaulted)
        {
            var e = a.Task.Exception!;
            HandleInvokeFailure(e.InnerExceptions.Count == 1 ? e.InnerException! : e);
        }
        else if (a.Task.IsCanceled)
        {
            HandleInvokeFailure(new TaskCanceledException(a.Task));
        }
        else if (_extras?.ReceiveTimeout is not null)
        {
            MarkActivity();
        }
        _current = default;
    }

    /// <summary>A restart or stop abandons an async handler in flight: its later continuations are dropped.</summary>
    private void AbandonAsyncHandler()
    {
        var extras = _extras;
        if (extras?.AsyncContext is not { } context) return;
        context.Abandon();
        extras.AsyncContext = null;
        extras.AsyncEnvelope = default;
        if ((State & StateAsyncInFlight) != 0)
        {
            State &= ~StateAsyncInFlight;
            _mailbox.Resume();
        }
    }
}

/// <summary>Routes await continuations of an async handler back into its actor.</summary>
internal sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
{
    private volatile bool _abandoned;

    public ActorCell Cell { get; } = cell;

    public bool IsAbandoned => _abandoned;

    public void Abandon() => _abandoned = true;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (_abandoned) return;
        Cell.PostContinuation(this, d, state);
    }

    public override void Send(SendOrPostCallback d, object? state)
        => throw new NotSupportedException("Synchronous Send into an actor would deadlock; use Post (await).");

    public override SynchronizationContext CreateCopy() => this;
}
