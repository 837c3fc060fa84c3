using Pipeline.Runtime.Actors;
using Pipeline.Sharding.Api;

namespace Pipeline.Sharding.Tests.Support;

/// <summary>
/// The entity of most tests: records its activations and the numbered messages it gets, answers
/// <see cref="WhoAreYou"/>, passivates on request, and (if stubborn) ignores <see cref="StopCommand"/>.
/// </summary>
public sealed class TestEntity : ActorBase
{
    private readonly string _id;
    private readonly ActivationLog _log;
    private readonly bool _stubborn;
    private long _startedAt;
    private int _count;

    public TestEntity(string id, ActivationLog log, bool stubborn = false)
    {
        _id = id;
        _log = log;
        _stubborn = stubborn;
    }

    public static Func<string, Props> Factory(ActivationLog log, bool stubborn = false) => id => Props.Create(() => new TestEntity(id, log, stubborn));

    protected override void PreStart() => _startedAt = _log.Started(_id, Self.Path.ToString());

    protected override void PostStop() => _log.Stopped(_id, _startedAt);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Numbered n:
                _count++;
                _log.Received(_id, n.Seq);
                return true;
            case WhoAreYou:
                Reply(new Identity(_id, Self.Path.ToString(), _count));
                return true;
            case PassivateYourself:
                Context.Parent.Tell(new Passivate(new StopCommand()), Self);
                return true;
            case StopCommand:
                if (!_stubborn) Context.Stop(Self);
                return true;
            case string s:
                Reply(_id + ":" + s);
                return true;
            default:
                return false;
        }
    }
}
