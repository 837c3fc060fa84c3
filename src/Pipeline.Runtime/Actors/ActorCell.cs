using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Pipeline.Runtime.Dispatch;

namespace Pipeline.Runtime.Actors;

/// <summary>
/// A local actor: its reference, its context and the machinery around its instance (mailbox, children,
/// watchers, supervision). One object per actor that survives restarts, kept small because a node may host
/// millions of idle actors; rarely used state lives in <see cref="CellExtras"/>, allocated on first use.
/// </summary>
internal sealed partial class ActorCell : InternalActorRef, IActorContext
{
    private readonly ActorSystem _system;
    private readonly InternalActorRef _parent;
    private readonly ActorPath _path;
    private readonly Props _props;
    private readonly Mailbox _mailbox;
    private ActorBase? _actor;
    private Envelope _current;
    private CellExtras? _extras;

    /// <summary>The lifecycle flags below, kept in the mailbox's padding (see <see cref="Mailbox.CellState"/>).</summary>
    private ref int State => ref _mailbox.CellState;

    private const int StateFailed = 1;
    private const int StateTerminating = 2;
    private const int StateTerminated = 4;
    private const int StateAsyncInFlight = 8;

    public ActorCell(ActorSystem system, InternalActorRef parent, ActorPath path, Props props, MessageDispatcher dispatcher)
    {
        _system = system;
        _parent = parent;
        _path = path;
        _props = props;
        _mailbox = new Mailbox(props.Mailbox.Capacity is { } capacity ? new BoundedMessageQueue(capacity, props.Mailbox.Overflow) : null);
        _mailbox.Attach(this, dispatcher);
    }

    public MessageDispatcher Dispatcher => _mailbox.Dispatcher;

    internal Mailbox Mailbox => _mailbox;

    internal ActorBase? Actor => _actor;

    private CellExtras Extras => _extras ??= new CellExtras();

    /// <summary>Starts the cell: attaches it to its dispatcher and sends Create.</summary>
    public void Start()
    {
        Dispatcher.Attach(this);
        _system.Metrics.ActorStarted();
        _mailbox.PostSystem(new Create());
    }

    // ---- IActorRef -------------------------------------------------------------------------------------

    public override ActorPath Path => _path;

    public override InternalActorRef Parent => _parent;

    public override bool IsTerminated => _mailbox.IsClosed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Tell(object message, IActorRef? sender = null)
    {
        if (message is null) throw new InvalidMessageException("Message must not be null.");
        if (_system.SerializeAllMessages && message is not INoSerializationVerificationNeeded) message = _system.VerifySerialization(message);
        if (_mailbox.IsClosed)
        {
            _system.DeadLetter(message, sender, this, "recipient terminated");
            return;
        }
        var result = _mailbox.Post(new Envelope(message, sender), out var evicted);
        if (result != EnqueueResult.Enqueued) OnOverflow(result, message, sender, evicted);
    }

    /// <summary>
    /// Tells as part of a delivery burst: when this actor was idle, its next turn is claimed into
    /// <paramref name="batch"/>, which runs it on the delivering thread after the burst.
    /// </summary>
    internal void TellInBatch(object message, IActorRef? sender, InlineTurnBatch batch)
    {
        // (no serialization check: what a batch delivers was just deserialized from the wire)
        // the messages of a run go to one actor: once the batch holds its turn, the checks below were made
        if (batch.TryAppendToLast(_mailbox, message, sender)) return;
        if (_mailbox.Bounded is not null || !_mailbox.Dispatcher.AllowsInlineTurns)
        {
            Tell(message, sender);
            return;
        }
        if (_mailbox.IsClosed)
        {
            _system.DeadLetter(message, sender, this, "recipient terminated");
            return;
        }
        batch.Post(_mailbox, new Envelope(message, sender));
    }

    /// <summary>A message delivered to this actor after it stopped.</summary>
    internal void DeadLetterAfterStop(in Envelope envelope) => _system.DeadLetter(envelope.Message, envelope.Sender, this, "recipient terminated");

    /// <summary>Tells and, for a bounded mailbox with the backpressure policy, waits until there is room.</summary>
    public override async ValueTask TellAsync(object message, IActorRef? sender, CancellationToken cancellationToken)
    {
        if (message is null) throw new InvalidMessageException("Message must not be null.");
        var bounded = _mailbox.Bounded;
        if (bounded is null)
        {
            Tell(message, sender);
            return;
        }
        if (_system.SerializeAllMessages && message is not INoSerializationVerificationNeeded) message = _system.VerifySerialization(message);
        while (true)
        {
            if (_mailbox.IsClosed)
            {
                _system.DeadLetter(message, sender, this, "recipient terminated");
                return;
            }
            var result = _mailbox.Post(new Envelope(message, sender), out var evicted);
            if (result != EnqueueResult.Full)
            {
                if (result != EnqueueResult.Enqueued) OnOverflow(result, message, sender, evicted);
                return;
            }
            if (_props.Mailbox.Overflow != OverflowStrategy.Backpressure) { OnOverflow(result, message, sender, evicted); return; }
            await bounded.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnOverflow(EnqueueResult result, object message, IActorRef? sender, Envelope evicted)
    {
        switch (result)
        {
            case EnqueueResult.DroppedNewest:
                _system.Metrics.MailboxDropped();
                _system.DeadLetter(message, sender, this, "mailbox full (drop-newest)");
                break;
            case EnqueueResult.EnqueuedDroppedOldest:
                _system.Metrics.MailboxDropped();
                _system.DeadLetter(evicted.Message, evicted.Sender, this, "mailbox full (drop-oldest)");
                break;
            case EnqueueResult.Full:
                _system.Metrics.MailboxDropped();
                throw new MailboxOverflowException(_props.Mailbox.Overflow == OverflowStrategy.Backpressure
                    ? $"Mailbox of {_path} is full ({_props.Mailbox.Capacity} messages); it applies backpressure: send with TellAsync to wait for room."
                    : $"Mailbox of {_path} is full ({_props.Mailbox.Capacity} messages) and its overflow policy is Fail.");
        }
    }

    internal override void SendSystemMessage(SystemMessage message)
    {
        _mailbox.PostSystem(message);
        if (_mailbox.IsClosed) DrainSystemMessagesAfterDeath();
    }

    public override void Stop() => SendSystemMessage(new Terminate());

    public override InternalActorRef? GetChild(string name) => _extras?.Children?.Get(name);

    internal override ActorSystem? OwnerSystem => _system;

    // ---- IActorContext ---------------------------------------------------------------------------------

    public IActorRef Self => this;

    public IActorRef Sender => _current.Sender ?? _system.DeadLetters;

    IActorRef IActorContext.Parent => _parent;

    public Props Props => _props;

    public ActorSystem System => _system;

    public ILogger Log => Extras.Logger ??= new ActorLogger(_system.LoggerFactory.CreateLogger(_props.ActorType), _path);

    public IStash Stash => Extras.Stash ??= new StashBuffer(this, _props.StashCapacity);

    internal object? CurrentMessage => _current.Message;

    internal void RunWithSender(IActorRef? sender, Action action)
    {
        var saved = _current;
        _current = new Envelope(saved.Message ?? action, sender);
        try
        {
            action();
        }
        finally
        {
            _current = saved;
        }
    }

    /// <summary>
    /// The behaviour set by Become, or null for the actor's own Receive: the top of the behaviour stack, which
    /// lives in the extras, so that an actor that never calls Become carries no field for it.
    /// </summary>
    internal Func<object, bool>? Behavior => _extras?.Stack is { Count: > 0 } stack ? stack.Peek() : null;

    internal Envelope CurrentEnvelope => _current;

    public void Become(Func<object, bool> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        var stack = Extras.BehaviorStack;
        if (stack.Count > 0) stack.Pop();
        stack.Push(receive);
    }

    public void BecomeStacked(Func<object, bool> receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        Extras.BehaviorStack.Push(receive);
    }

    public void UnbecomeStacked()
    {
        var stack = Extras.BehaviorStack;
        if (stack.Count > 0) stack.Pop();
    }

    // ---- message processing ----------------------------------------------------------------------------

    /// <summary>Processes one user message.</summary>
    internal void Invoke(Envelope envelope)
    {
        _current = envelope;
        try
        {
            var message = envelope.Message;
            if (message is IAutoReceivedMessage) AutoReceive(message);
            else if (message is ReceiveTimeoutTick tick) OnReceiveTimeoutTick(tick);
            else if (message is SelectionMessage selection) DeliverSelection(selection);
            else
            {
                if (!_actor!.InvokeReceive(message)) _actor!.InvokeUnhandled(message);
                if (_extras?.ReceiveTimeout is not null && message is not INotInfluenceReceiveTimeout) MarkActivity();
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
        finally
        {
            if ((State & StateAsyncInFlight) == 0) _current = default;
        }
    }

    internal void OnTurnProcessed(int count)
    {
        var metrics = _system.Metrics;
        metrics.MessagesProcessed(count);
        if (metrics.MailboxDepthEnabled) metrics.MailboxDepth(_mailbox.NumberOfMessages);
    }

    private void AutoReceive(object message)
    {
        switch (message)
        {
            case Terminated t:
                if (_extras?.TerminatedQueued is { } queued && queued.Remove(t.ActorRef))
                {
                    if (!_actor!.InvokeReceive(t)) _actor!.InvokeUnhandled(t);
                }
                break;
            case PoisonPill:
                Stop(this);
                break;
            case Kill:
                throw new ActorKilledException($"{_path} received Kill.");
            case Identify identify:
                Sender.Tell(new ActorIdentity(identify.MessageId, this), this);
                break;
            default:
                if (!_actor!.InvokeReceive(message)) _actor!.InvokeUnhandled(message);
                break;
        }
    }

    internal void PublishUnhandled(object message)
    {
        _system.Metrics.Unhandled();
        _system.EventStream.Publish(new UnhandledMessage(message, _current.Sender, this));
    }

    /// <summary>Processes one system message.</summary>
    internal void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create: OnCreate(); break;
                case Watch w: OnWatch(w); break;
                case Unwatch u: OnUnwatch(u); break;
                case DeathWatchNotification n: OnDeathWatchNotification(n); break;
                case Failed f: OnChildFailed(f); break;
                case Recreate r: OnRecreate(r.Cause); break;
                case Suspend: OnSuspend(); break;
                case Resume r: OnResume(r.CausedByFailure); break;
                case Terminate: OnTerminate(); break;
                case RunContinuation c: OnRunContinuation(c); break;
                case AsyncHandlerCompleted a: OnAsyncHandlerCompleted(a); break;
                case EscalatedFailure e: HandleInvokeFailure(e.Cause); break;
            }
        }
        catch (Exception e)
        {
            HandleInvokeFailure(e);
        }
    }

    // ---- creation --------------------------------------------------------------------------------------

    private void OnCreate()
    {
        try
        {
            var actor = NewActor();
            actor.InvokePreStart();
        }
        catch (ActorInitializationException e)
        {
            HandleInvokeFailure(e);
        }
        catch (Exception e)
        {
            HandleInvokeFailure(new ActorInitializationException(this, $"{_path}: creating {_props.ActorType.Name} failed: {e.Message}", e));
        }
    }

    private ActorBase NewActor()
    {
        _extras?.Stack?.Clear();
        ActorBase actor;
        try
        {
            actor = _props.Factory();
        }
        catch (Exception e)
        {
            throw new ActorInitializationException(this, $"{_path}: the constructor of {_props.ActorType.Name} threw: {e.Message}", e);
        }
        if (actor is null) throw new ActorInitializationException(this, $"{_path}: the props factory returned null.", null);
        actor.Attach(this);
        _actor = actor;
        return actor;
    }

    public override string ToString() => base.ToString();
}
