using Pipeline.Runtime.Actors;

namespace Pipeline.Sharding.Tests.Support;

/// <summary>Sends numbered messages to many entities continuously (round robin, through one region) until stopped.</summary>
public sealed class Traffic
{
    private readonly IActorRef _region;
    private readonly string[] _entities;
    private readonly int[] _sent;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public Traffic(IActorRef region, IEnumerable<string> entities)
    {
        _region = region;
        _entities = entities.ToArray();
        _sent = new int[_entities.Length];
    }

    public void Start() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            for (var i = 0; i < _entities.Length; i++) _region.Tell(new Numbered(_entities[i], ++_sent[i]));
            await Task.Delay(2);
        }
    });

    public async Task<IReadOnlyDictionary<string, int>> StopAsync()
    {
        _stop.Cancel();
        if (_loop is not null) await _loop;
        return _entities.Select((e, i) => (e, _sent[i])).ToDictionary(x => x.e, x => x.Item2);
    }
}
