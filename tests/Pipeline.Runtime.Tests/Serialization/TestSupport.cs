using System.Buffers;
using System.Collections.ObjectModel;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Runtime.Tests.Serialization;

/// <summary>A minimal actor ref: equality by path text and uid; records what it is told.</summary>
internal sealed class FakeActorRef(string path) : IActorRef
{
    public ActorPath Path { get; } = ActorPath.Parse(path);

    public ConcurrentQueue<object> Told { get; } = new();

    public void Tell(object message, IActorRef? sender = null) => Told.Enqueue(message);

    public bool Equals(IActorRef? other) => other is not null && OwnKey == Key(other);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => OwnKey.GetHashCode(StringComparison.Ordinal);

    public int CompareTo(IActorRef? other) => other is null ? 1 : string.CompareOrdinal(OwnKey, Key(other));

    private string OwnKey => Key(this);

    internal static string Key(IActorRef actorRef) => actorRef.Path + "#" + actorRef.Path.Uid.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Resolves the refs it knows by their path string, as an actor system would, and counts calls.</summary>
internal sealed class FakeActorRefResolver : IActorRefResolver
{
    private readonly ConcurrentDictionary<string, IActorRef> _refs = new(StringComparer.Ordinal);

    public int Resolved => _resolved;
    private int _resolved;

    public FakeActorRef Add(string path)
    {
        var actorRef = new FakeActorRef(path);
        _refs[FakeActorRef.Key(actorRef)] = actorRef;
        return actorRef;
    }

    public IActorRef Resolve(string path)
    {
        Interlocked.Increment(ref _resolved);
        return _refs.TryGetValue(path, out var actorRef) ? actorRef : throw new InvalidOperationException($"Unknown actor '{path}'.");
    }

    public string ToSerializationFormat(IActorRef actorRef) => FakeActorRef.Key(actorRef);
}

/// <summary>A user serializer for <see cref="Shout"/>: writes "SHOUT:" and the upper-cased text.</summary>
internal sealed class ShoutSerializer(int identifier = 100) : Serializer
{
    public static readonly byte[] Prefix = "SHOUT:"u8.ToArray();

    public override int Identifier => identifier;

    public override bool IncludeManifest => false;

    public override void ToBinary(object obj, IBufferWriter<byte> output)
    {
        output.Write(Prefix);
        Encoding.UTF8.GetBytes(((Shout)obj).Text.ToUpperInvariant(), output);
    }

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest)
    {
        if (!bytes.StartsWith(Prefix)) throw new InvalidOperationException("Not a shout.");
        return new Shout(Encoding.UTF8.GetString(bytes[Prefix.Length..]));
    }
}

/// <summary>A serializer that is only ever looked up, never asked to write.</summary>
internal sealed class MarkerSerializer(int identifier) : Serializer
{
    public override int Identifier => identifier;

    public override bool IncludeManifest => false;

    public override void ToBinary(object obj, IBufferWriter<byte> output) => throw new InvalidOperationException($"Marker serializer {identifier} does not write.");

    public override object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => throw new InvalidOperationException($"Marker serializer {identifier} does not read.");
}

internal static class Segments
{
    /// <summary>Splits bytes into a multi-segment sequence of <paramref name="pieces"/> parts, as a socket read might deliver them.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> bytes, int pieces)
    {
        var size = Math.Max(1, (bytes.Length + pieces - 1) / pieces);
        Segment? first = null, last = null;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var chunk = bytes.Slice(offset, Math.Min(size, bytes.Length - offset)).ToArray();
            if (first is null) first = last = new Segment(chunk, 0);
            else last = last!.Append(chunk);
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

public sealed record Shout(string Text);

public sealed record OrderPlaced(string OrderId, int Quantity, decimal Price, DateTimeOffset At, IReadOnlyList<string> Tags);

public sealed record Item(string Sku, double Weight);

public sealed record Basket(string Owner, Dictionary<string, List<Item>> ItemsByShelf, List<int[]> Matrix, HashSet<Guid> Ids);

public sealed class MutableSensorReading
{
    public string Sensor { get; set; } = "";
    public double Value { get; set; }
    public long Sequence;
    public List<string> Labels { get; set; } = [];
    public Dictionary<string, double> Extra { get; init; } = [];
}

public sealed class GetOnlyCollections
{
    public string Name { get; set; } = "";
    public List<int> Numbers { get; } = [];
    public Dictionary<string, Item> ByKey { get; } = [];
    public IList<string> Names { get; } = new List<string>();
    public ReadOnlyCollection<int> Frozen { get; } = new([1, 2]);
    public int Total => Numbers.Sum();
    public List<string> Prefilled { get; set; } = ["default"];
}

public sealed record Envelope(string Kind, object? Payload);

public sealed record Bag(List<object?> Values);

public sealed record AskQuestion(string Question, IActorRef ReplyTo, IActorRef? CopyTo, IReadOnlyList<IActorRef> Watchers);

public sealed record Located(ActorPath Where);

public sealed record Pair((int Left, string Right) Tuple);

public enum Priority { Low, High }

public sealed record Prioritized(Priority Priority, TimeSpan Timeout);

public sealed record LocalOnly(string Text) : INoSerializationVerificationNeeded;

/// <summary>Cannot be rebuilt: its only constructor takes a parameter that matches no property.</summary>
public sealed class Unbuildable
{
    public Unbuildable(int secret) => Doubled = secret * 2;

    public int Doubled { get; }
}

public sealed class HoldsDelegate
{
    public Func<int> Callback { get; set; } = () => 1;
}

public interface IAnimal;

public interface IDog : IAnimal;

public interface IPet;

public class Animal : IAnimal;

public class Dog : Animal, IDog;

public sealed class Puppy : Dog;

public sealed class Cat : IAnimal, IPet;

public sealed record Parrot(string Name) : IAnimal;
