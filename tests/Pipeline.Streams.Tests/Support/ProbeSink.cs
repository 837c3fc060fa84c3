using System.Threading.Channels;
using Pipeline.Streams.Dsl;
using Pipeline.Streams.Implementation;

namespace Pipeline.Streams.Tests.Support;

/// <summary>A test subscriber: pulls only as much as the test requested, records what arrives.</summary>
public sealed class ProbeSink<T> : GraphStageWithMaterializedValue<SinkProbe<T>>
{
    private readonly Inlet<T> _in = new("probe.in");

    public ProbeSink() => Shape = StageShape.Sink(_in);

    public override StageShape Shape { get; }

    public static Sink<T, SinkProbe<T>> Create() => Sink.FromGraph<T, SinkProbe<T>>(new ProbeSink<T>());

    public override (GraphStageLogic Logic, SinkProbe<T> Materialized) CreateLogicAndMaterializedValue(Attributes attributes)
    {
        var probe = new SinkProbe<T>();
        return (new Logic(this, probe), probe);
    }

    private sealed class Logic : GraphStageLogic, IInHandler
    {
        private readonly ProbeSink<T> _s;
        private readonly SinkProbe<T> _probe;
        private long _demand;

        public Logic(ProbeSink<T> s, SinkProbe<T> probe) : base(s.Shape)
        {
            _s = s;
            _probe = probe;
            SetHandler(s._in, this);
            probe.RequestCallback = GetAsyncCallback<long>(n => { _demand += n; TryPullNow(); });
            probe.CancelCallback = GetAsyncCallback<bool>(_ => CompleteStage());
        }

        private void TryPullNow()
        {
            if (_demand > 0 && !HasBeenPulled(_s._in) && !IsClosed(_s._in)) Pull(_s._in);
        }

        public void OnPush()
        {
            _demand--;
            if (_demand < 0) throw new InvalidOperationException("received more than requested");
            _probe.Events.Writer.TryWrite(new ProbeEvent<T>(ProbeEventKind.Next, Grab(_s._in), null));
            Interlocked.Increment(ref _probe.ReceivedCount);
            TryPullNow();
        }

        public void OnUpstreamFinish() => _probe.Events.Writer.TryWrite(new ProbeEvent<T>(ProbeEventKind.Complete, default!, null));

        public void OnUpstreamFailure(Exception cause) => _probe.Events.Writer.TryWrite(new ProbeEvent<T>(ProbeEventKind.Error, default!, cause));
    }
}

public enum ProbeEventKind { Next, Complete, Error }

public sealed record ProbeEvent<T>(ProbeEventKind Kind, T Value, Exception? Error);

public sealed class SinkProbe<T>
{
    internal readonly Channel<ProbeEvent<T>> Events = Channel.CreateUnbounded<ProbeEvent<T>>();
    internal AsyncCallback<long> RequestCallback = null!;
    internal AsyncCallback<bool> CancelCallback = null!;
    internal long ReceivedCount;

    public long Received => Interlocked.Read(ref ReceivedCount);

    public void Request(long n) => RequestCallback.Invoke(n);

    public void Cancel() => CancelCallback.Invoke(true);

    public async Task<ProbeEvent<T>> NextEventAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestKit.TestTimeouts.Default);
        try { return await Events.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException("The probe received nothing in time."); }
    }

    public async Task<T> ExpectNextAsync(TimeSpan? timeout = null)
    {
        var e = await NextEventAsync(timeout);
        Assert.True(e.Kind == ProbeEventKind.Next, $"expected an element, got {e.Kind} {e.Error}");
        return e.Value;
    }

    public async Task<IReadOnlyList<T>> ExpectNextNAsync(int n)
    {
        var list = new List<T>();
        for (var i = 0; i < n; i++) list.Add(await ExpectNextAsync());
        return list;
    }

    public async Task ExpectCompleteAsync()
    {
        var e = await NextEventAsync();
        Assert.True(e.Kind == ProbeEventKind.Complete, $"expected completion, got {e.Kind} {e.Value} {e.Error}");
    }

    public async Task<Exception> ExpectErrorAsync()
    {
        var e = await NextEventAsync();
        Assert.True(e.Kind == ProbeEventKind.Error, $"expected an error, got {e.Kind} {e.Value}");
        return e.Error!;
    }

    public async Task ExpectNoEventAsync(TimeSpan duration)
    {
        using var cts = new CancellationTokenSource(duration);
        try
        {
            var e = await Events.Reader.ReadAsync(cts.Token);
            Assert.Fail($"expected nothing, got {e.Kind} {e.Value} {e.Error}");
        }
        catch (OperationCanceledException) { }
    }
}
