using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Internal;

/// <summary>
/// Sends one request to several actors, collects the answers of type <typeparamref name="TReply"/> until all came
/// or the timeout passed, then sends <c>combine(answers)</c> to the requester and stops (queries over regions and shards).
/// </summary>
internal sealed class ReplyAggregator<TReply> : ActorBase where TReply : class
{
    private sealed record Timeout : INoSerializationVerificationNeeded;

    private readonly IReadOnlyList<IActorRef> _targets;
    private readonly object _request;
    private readonly TimeSpan _timeout;
    private readonly Func<IReadOnlyList<TReply>, object> _combine;
    private readonly IActorRef _replyTo;
    private readonly List<TReply> _replies = new();
    private bool _done;

    private ReplyAggregator(IReadOnlyList<IActorRef> targets, object request, TimeSpan timeout, Func<IReadOnlyList<TReply>, object> combine, IActorRef replyTo)
    {
        _targets = targets;
        _request = request;
        _timeout = timeout;
        _combine = combine;
        _replyTo = replyTo;
    }

    public static Props Props(IReadOnlyList<IActorRef> targets, object request, TimeSpan timeout, Func<IReadOnlyList<TReply>, object> combine, IActorRef replyTo)
        => Runtime.Actors.Props.Create(() => new ReplyAggregator<TReply>(targets, request, timeout, combine, replyTo));

    protected override void PreStart()
    {
        if (_targets.Count == 0)
        {
            Finish();
            return;
        }
        foreach (var t in _targets) t.Tell(_request, Self);
        Context.System.Scheduler.ScheduleTellOnce(_timeout, Self, new Timeout(), Self);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case TReply reply:
                _replies.Add(reply);
                if (_replies.Count >= _targets.Count) Finish();
                return true;
            case Timeout:
                Finish();
                return true;
            default:
                return false;
        }
    }

    private void Finish()
    {
        if (_done) return;
        _done = true;
        _replyTo.Tell(_combine(_replies), Context.Parent);
        Context.Stop(Self);
    }
}
