using System.Diagnostics;
using System.Text.Json;
using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Text;

/// <summary>The text classifier trained on the SpamAssassin corpus (fetched by scripts/setup/torch.sh) generalises to a held-out split.</summary>
public sealed class SpamAssassinTests
{
    private sealed record Email(string Text, long Label);

    private static List<Email> LoadCorpus()
    {
        var emails = new List<Email>();
        foreach (string group in Directory.GetDirectories(RepositoryPaths.SpamAssassin))
        {
            string name = Path.GetFileName(group);
            long label = name.StartsWith("spam", StringComparison.Ordinal) ? 1 : 0;
            foreach (string file in Directory.GetFiles(group, "*.json").Order(StringComparer.Ordinal))
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                emails.Add(new Email(doc.RootElement.GetProperty("text").GetString()!, label));
            }
        }

        return emails;
    }

    [Fact]
    public void TheTextClassifierReachesAtLeast95PercentOnHeldOutMail()
    {
        List<Email> corpus = LoadCorpus();
        Assert.True(corpus.Count > 6000, $"expected the 6,046 emails, found {corpus.Count}");
        var random = new Random(1234);
        Email[] shuffled = [.. corpus.OrderBy(_ => random.Next())];
        int testCount = shuffled.Length / 5;
        Email[] test = shuffled[..testCount];
        Email[] train = shuffled[testCount..];

        Torch.ManualSeed(1234);
        Device device = TestDevice.Current;
        using var model = new TextClassifier(new TextClassifierOptions(Buckets: 1 << 16, EmbeddingDim: 16, Hidden: [16], Classes: 2));
        model.To(device);
        TextFeaturizer featurizer = model.CreateFeaturizer(maxTokens: 1000);
        using var adam = new Adam(model.Parameters(), learningRate: 1e-2);
        var clock = Stopwatch.StartNew();
        const int batchSize = 32;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Email[] order = [.. train.OrderBy(_ => random.Next())];
            for (int start = 0; start < order.Length; start += batchSize)
            {
                Email[] slice = order[start..Math.Min(order.Length, start + batchSize)];
                using var scope = Torch.NewDisposeScope();
                using var batch = TextBatch.Create(slice.Select(e => e.Text).ToArray(), featurizer, device);
                var labels = Tensor.FromSpan<long>(slice.Select(e => e.Label).ToArray(), device);
                Assert.Equal(StepResult.Applied, adam.BackwardAndStep(Models.Losses.CrossEntropy(model.Forward(batch), labels)));
            }
        }

        model.Eval();
        int correct = 0;
        for (int start = 0; start < test.Length; start += 256)
        {
            Email[] slice = test[start..Math.Min(test.Length, start + 256)];
            using var batch = TextBatch.Create(slice.Select(e => e.Text).ToArray(), featurizer, device);
            long[] predicted = model.Predict(batch);
            correct += predicted.Zip(slice).Count(p => p.First == p.Second.Label);
        }

        double accuracy = (double)correct / test.Length;
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P2} on {test.Length} emails (training took {clock.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"SpamAssassin held-out accuracy {accuracy:P2} on {test.Length} emails on {device}; training {clock.Elapsed.TotalSeconds:F1} s");
    }
}
