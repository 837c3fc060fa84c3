using System.Text;
using Pipeline.Persistence.Journal;

namespace Pipeline.Persistence.Tests.Support;

/// <summary>Builds serialized test events whose payload encodes who wrote them, so contents can be checked.</summary>
internal static class Events
{
    public const int SerializerId = 7;

    public static PersistentRepr Make(string persistenceId, long sequenceNr, params string[] tags) =>
        new(persistenceId, sequenceNr, Payload(persistenceId, sequenceNr), SerializerId, "test.Event", "writer-1", tags,
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(sequenceNr * 12345));

    public static AtomicWrite Single(string persistenceId, long sequenceNr, params string[] tags) => new(Make(persistenceId, sequenceNr, tags));

    public static AtomicWrite Group(string persistenceId, long from, int count, params string[] tags) =>
        new(Enumerable.Range(0, count).Select(i => Make(persistenceId, from + i, tags)).ToArray());

    public static byte[] Payload(string persistenceId, long sequenceNr) => Encoding.UTF8.GetBytes($"{persistenceId}#{sequenceNr}");

    public static string Text(ReadOnlyMemory<byte> payload) => Encoding.UTF8.GetString(payload.Span);

    /// <summary>Takes <paramref name="count"/> items of a (live) stream, failing if they do not arrive before the deadline.</summary>
    public static async Task<List<T>> TakeAsync<T>(this IAsyncEnumerable<T> source, int count, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        var list = new List<T>();
        try
        {
            await foreach (var item in source.WithCancellation(cts.Token))
            {
                list.Add(item);
                if (list.Count == count)
                    return list;
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"Expected {count} items within {deadline}, got {list.Count}.");
        }
        throw new InvalidOperationException($"The stream completed after {list.Count} items; expected {count}.");
    }
}
