using System.Threading.Channels;
using Pipeline.Runtime.Actors;
using Pipeline.Streams.Actors;
using Pipeline.Streams.Implementation;
using Pipeline.Streams.Stages.FanOut;
using Pipeline.Streams.Stages.Sinks;

namespace Pipeline.Streams.Dsl;

/// <summary>Factories of sinks.</summary>
public static class Sink
{
    /// <summary>Consumes and discards everything; the task completes (or fails) with the stream.</summary>
    public static Sink<T, Task> Ignore<T>() => Sink<T, Task>.FromStage(new IgnoreSink<T>());

    /// <summary>Runs <paramref name="action"/> for each element; the task completes (or fails) with the stream.</summary>
    public static Sink<T, Task> ForEach<T>(Action<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Sink<T, Task<bool>>.FromStage(new AggregateSink<T, bool>(static () => true, (acc, x) => { action(x); return acc; }, "for-each"))
            .MapMaterializedValue(static t => (Task)t);
    }

    /// <summary>Collects every element (mind unbounded streams).</summary>
    public static Sink<T, Task<IReadOnlyList<T>>> Seq<T>()
        => Sink<T, Task<List<T>>>.FromStage(new AggregateSink<T, List<T>>(static () => new List<T>(), static (l, x) => { l.Add(x); return l; }, "seq"))
            .MapMaterializedValue(static t => t.ContinueWith(static r => (IReadOnlyList<T>)r.GetAwaiter().GetResult(), TaskScheduler.Default));

    /// <summary>Same as <see cref="Seq{T}"/>.</summary>
    public static Sink<T, Task<IReadOnlyList<T>>> ToList<T>() => Seq<T>();

    /// <summary>The first element (then cancels); fails when the stream is empty.</summary>
    public static Sink<T, Task<T>> First<T>() => Sink<T, Task<T>>.FromStage(new FirstSink<T>(false));

    /// <summary>The first element, or default when the stream is empty.</summary>
    public static Sink<T, Task<T>> FirstOrDefault<T>() => Sink<T, Task<T>>.FromStage(new FirstSink<T>(true));

    /// <summary>Folds every element; the task completes with the final accumulator.</summary>
    public static Sink<T, Task<TAcc>> Aggregate<T, TAcc>(TAcc seed, Func<TAcc, T, TAcc> aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return Sink<T, Task<TAcc>>.FromStage(new AggregateSink<T, TAcc>(() => seed, aggregate, "aggregate"));
    }

    /// <summary>Writes to a channel, waiting while a bounded channel is full; completes the channel with the stream
    /// when <paramref name="completeChannel"/>.</summary>
    public static Sink<T, Task> ToChannel<T>(ChannelWriter<T> writer, bool completeChannel = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return Sink<T, Task>.FromStage(new ChannelSink<T>(writer, completeChannel));
    }

    /// <summary>Sends every element to all <paramref name="sinks"/>; the slowest sets the pace.</summary>
    public static Sink<T, IReadOnlyList<TMat>> Broadcast<T, TMat>(params Sink<T, TMat>[] sinks) => FanOut(sinks, new BroadcastStage<T>(sinks.Length));

    /// <summary>Sends each element to one of <paramref name="sinks"/> that has demand (make them <c>Async()</c> to work in parallel).</summary>
    public static Sink<T, IReadOnlyList<TMat>> Balance<T, TMat>(params Sink<T, TMat>[] sinks) => FanOut(sinks, new RouteStage<T>(sinks.Length, null));

    /// <summary>Sends each element to the sink at the index <paramref name="partitioner"/> returns.</summary>
    public static Sink<T, IReadOnlyList<TMat>> Partition<T, TMat>(Func<T, int> partitioner, params Sink<T, TMat>[] sinks)
    {
        ArgumentNullException.ThrowIfNull(partitioner);
        return FanOut(sinks, new RouteStage<T>(sinks.Length, partitioner));
    }

    private static Sink<T, IReadOnlyList<TMat>> FanOut<T, TMat>(Sink<T, TMat>[] sinks, IGraphStage junction)
    {
        if (sinks.Length == 0) throw new ArgumentException("A fan-out needs at least one sink.", nameof(sinks));
        var (graph, offsets) = GraphBlueprint.Combine(sinks.Select(s => s.Graph).ToArray(), junction, fanIn: false);
        var mats = sinks.Select(s => s.Mat).ToArray();
        return new Sink<T, IReadOnlyList<TMat>>(graph, (v, o) =>
        {
            var result = new TMat[mats.Length];
            for (var i = 0; i < mats.Length; i++) result[i] = mats[i](v, o + offsets[i]);
            return result;
        });
    }

    /// <summary>Creates a sink from a custom stage.</summary>
    public static Sink<T, TMat> FromGraph<T, TMat>(GraphStageWithMaterializedValue<TMat> stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        if (stage.Shape.Inlets.Count != 1 || stage.Shape.Outlets.Count != 0) throw new ArgumentException($"A sink stage has exactly one inlet and no outlet; {stage.Name} has {stage.Shape.Inlets.Count} inlets and {stage.Shape.Outlets.Count} outlets.", nameof(stage));
        return Sink<T, TMat>.FromStage(stage);
    }

    /// <summary>
    /// Sends each element to <paramref name="actor"/>, which must answer <paramref name="ackMessage"/> (to the
    /// sender) before the next one is sent: the actor sets the pace. <paramref name="onInitMessage"/> goes first
    /// and is acknowledged too; <paramref name="onCompleteMessage"/> ends it; a failure sends <paramref name="onFailureMessage"/>.
    /// </summary>
    public static Sink<T, NotUsed> ActorRefWithAck<T>(IActorRef actor, object onInitMessage, object ackMessage, object onCompleteMessage, Func<Exception, object> onFailureMessage)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(onInitMessage);
        ArgumentNullException.ThrowIfNull(ackMessage);
        ArgumentNullException.ThrowIfNull(onCompleteMessage);
        ArgumentNullException.ThrowIfNull(onFailureMessage);
        return Sink<T, NotUsed>.FromStage(new ActorRefWithAckSink<T>(actor, onInitMessage, ackMessage, onCompleteMessage, onFailureMessage));
    }
}
