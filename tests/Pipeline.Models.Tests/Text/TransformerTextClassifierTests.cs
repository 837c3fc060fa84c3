using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Text;

public sealed class TransformerTextClassifierTests
{
    private static readonly string[] Words = ["the", "meeting", "is", "at", "noon", "please", "bring", "notes", "lunch", "report", "budget", "friday", "team", "review", "draft"];

    private static (string[] Texts, long[] Labels) Sample(int count, Random random)
    {
        var texts = new string[count];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            var words = Enumerable.Range(0, random.Next(3, 12)).Select(_ => Words[random.Next(Words.Length)]).ToList();
            if (random.Next(2) == 1)
            {
                words.Insert(random.Next(words.Count + 1), "alarm");
                labels[i] = 1;
            }

            texts[i] = string.Join(' ', words);
        }

        return (texts, labels);
    }

    [Fact]
    public void LearnsWhetherAKeywordOccursAnywhereInAVariableLengthText()
    {
        Torch.ManualSeed(2);
        var options = new TransformerTextClassifierOptions(Buckets: 1024, MaxLength: 16, DModel: 32, Heads: 4, DimFeedForward: 64, Layers: 1, Classes: 2, Dropout: 0);
        Device device = TestDevice.Current;
        using var model = new TransformerTextClassifier(options);
        model.To(device);
        TextFeaturizer featurizer = model.CreateFeaturizer();
        using var adam = new AdamW(model.Parameters(), 3e-3);
        var random = new Random(2);
        for (int step = 0; step < 150; step++)
        {
            var (texts, labels) = Sample(32, random);
            using var scope = Torch.NewDisposeScope();
            using var batch = TokenBatch.Create(texts, featurizer, device);
            var y = Tensor.FromSpan<long>(labels, device);
            Assert.Equal(StepResult.Applied, adam.BackwardAndStep(Models.Losses.CrossEntropy(model.Forward(batch), y)));
        }

        model.Eval();
        var (testTexts, testLabels) = Sample(256, random);
        using var test = TokenBatch.Create(testTexts, featurizer, device);
        double accuracy = model.Predict(test).Zip(testLabels).Count(p => p.First == p.Second) / 256.0;
        Assert.True(accuracy > 0.95, $"accuracy {accuracy:P1}");
        Assert.Contains(model.StateDict(), e => e.Key == "encoder.layers.0.self_attn.in_proj_weight");
        Assert.Equal(["token_embedding.weight", "position_embedding.weight"], model.StateDict().Take(2).Select(e => e.Key));
    }

    [Fact]
    public void PaddingMarksTheTailOfShorterTextsAndLongRowsAreRejected()
    {
        var featurizer = new TextFeaturizer(100, maxTokens: 8, bigrams: false);
        using var batch = TokenBatch.Create(["one two three", "four", ""], featurizer);
        Assert.Equal(3, batch.Length);
        Assert.Equal([false, false, false, false, true, true, false, true, true], batch.Padding.ToArray<bool>());
        Assert.Throws<ArgumentException>(() => TokenBatch.Create(["a b"], new TextFeaturizer(100)));

        using var model = new TransformerTextClassifier(new TransformerTextClassifierOptions(Buckets: 100, MaxLength: 2, DModel: 8, Heads: 2, DimFeedForward: 8, Layers: 1));
        Assert.Contains("MaxLength 2", Assert.Throws<TorchShapeException>(() => model.Forward(batch)).Message);
    }
}
