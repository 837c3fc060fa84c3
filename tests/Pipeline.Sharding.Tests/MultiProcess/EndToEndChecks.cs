using System.Globalization;
using Pipeline.Runtime.Actors;
using Pipeline.Sharding.TestHost;

namespace Pipeline.Sharding.Tests.MultiProcess;

/// <summary>
/// What the multi-process test asserts at each checkpoint: every entity's journal holds exactly the messages the
/// client sent it, each once and in order (event n is message n), and no two activations of one entity overlap
/// (from the nodes' activation files; a SIGKILLed node's open activations end at the kill).
/// </summary>
internal static class EndToEndChecks
{
    public sealed record Activation(string EntityId, long Start, long Stop, string Node);

    public static async Task AssertJournalsAsync(ShardingCluster cluster, long[] sent, string when)
    {
        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, sent.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var id = "e" + i.ToString(CultureInfo.InvariantCulture);
            long expected = 0;
            await foreach (var e in cluster.Store.ReadJournal.CurrentEventsByPersistenceId(SequencedEntity.PersistenceIdOf(cluster.TypeName, id), 1, long.MaxValue, ct))
            {
                expected++;
                var processed = (Processed)cluster.System.Serialization.Deserialize(e.SerializerId, e.Manifest, e.Payload.Span);
                if (e.SequenceNr != expected || processed.Seq != expected)
                {
                    problems.Add($"{id}: event #{e.SequenceNr} (expected #{expected}) processed message {processed.Seq}");
                    return;
                }
            }
            if (expected != sent[i]) problems.Add($"{id}: processed {expected} messages, the client sent {sent[i]} (all acknowledged)");
        });
        Assert.True(problems.IsEmpty, $"{when}: {problems.Count} entities did not process every message exactly once and in order:\n{string.Join('\n', problems.Take(20))}");
    }

    public static List<Activation> ReadActivations(string directory, IReadOnlyDictionary<string, long> killedAt)
    {
        var result = new List<Activation>();
        foreach (var file in Directory.GetFiles(directory, "*.activations"))
        {
            var open = new Dictionary<(string Entity, long Start), string>();
            // FileShare.ReadWrite: the node still appends
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
            {
                var parts = line.Split(' ');
                if (parts.Length != 4) continue; // a line cut by a kill
                var t = long.Parse(parts[2], CultureInfo.InvariantCulture);
                if (parts[0] == "start") open[(parts[1], t)] = parts[3];
                else if (parts[0] == "stop")
                {
                    var start = long.Parse(parts[3], CultureInfo.InvariantCulture);
                    if (open.Remove((parts[1], start), out var node)) result.Add(new Activation(parts[1], start, t, node));
                }
            }
            foreach (var ((entity, start), node) in open)
                result.Add(new Activation(entity, start, killedAt.TryGetValue(node, out var kill) ? kill : long.MaxValue, node));
        }
        return result;
    }

    public static void AssertNoOverlap(IReadOnlyList<Activation> activations, int entities, string when)
    {
        var problems = new List<string>();
        foreach (var group in activations.GroupBy(a => a.EntityId))
        {
            var ordered = group.OrderBy(a => a.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
                if (ordered[i].Start <= ordered[i - 1].Stop)
                    problems.Add($"{group.Key}: activation on {ordered[i].Node} started at {ordered[i].Start}, before the one on {ordered[i - 1].Node} (started {ordered[i - 1].Start}) stopped at {ordered[i - 1].Stop}");
        }
        Assert.True(problems.Count == 0, $"{when}: two activations of one entity overlapped:\n{string.Join('\n', problems.Take(20))}");
        Assert.Equal(entities, activations.Select(a => a.EntityId).Distinct().Count());
    }
}
