using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Tabular;

public sealed class TabularMlpTests
{
    private static readonly string[] Colours = ["red", "green", "blue"];

    private static (float[] Numeric, string[] Categorical, long[] Labels) Synthetic(int rows, Random random)
    {
        var numeric = new float[rows * 2];
        var categorical = new string[rows];
        var labels = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            float x0 = (float)((random.NextDouble() * 4) - 2);
            numeric[2 * i] = x0;
            numeric[(2 * i) + 1] = (float)random.NextDouble();
            categorical[i] = Colours[random.Next(3)];
            labels[i] = x0 + (categorical[i] == "red" ? 1.0 : -1.0) > 0 ? 1 : 0;
        }

        return (numeric, categorical, labels);
    }

    [Fact]
    public void LearnsARuleThatNeedsBothNumericAndCategoricalFeatures()
    {
        Torch.ManualSeed(5);
        var options = new TabularMlpOptions(NumericFeatures: 2, CategoricalFields: 1, Buckets: 64, EmbeddingDim: 4, Hidden: [16], Outputs: 2);
        Device device = TestDevice.Current;
        using var model = new TabularMlp(options);
        model.To(device);
        var featurizer = new TabularFeaturizer(options);
        var random = new Random(5);
        var (numeric, categorical, labels) = Synthetic(2048, random);
        using var batch = featurizer.Create(numeric, categorical, 2048, device);
        using var y = Tensor.FromSpan<long>(labels, device);
        using var adam = new Adam(model.Parameters(), 0.02);
        for (int i = 0; i < 300; i++)
        {
            using var scope = Torch.NewDisposeScope();
            adam.BackwardAndStep(Models.Losses.CrossEntropy(model.Forward(batch), y));
        }

        var (testNumeric, testCategorical, testLabels) = Synthetic(512, random);
        using var test = featurizer.Create(testNumeric, testCategorical, 512, device);
        using var noGrad = Torch.NoGrad();
        using var logits = model.Forward(test);
        using var predicted = logits.ArgMax(1);
        double accuracy = predicted.ToArray<long>().Zip(testLabels).Count(p => p.First == p.Second) / 512.0;
        Assert.True(accuracy > 0.95, $"accuracy {accuracy:P1}");
        Assert.Equal(["categorical.weight", "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"], model.NamedParameters().Select(p => p.Key));
    }

    [Fact]
    public void BadInputIsRejectedNamingTheProblem()
    {
        var options = new TabularMlpOptions(NumericFeatures: 2, CategoricalFields: 1);
        var featurizer = new TabularFeaturizer(options);
        Assert.Contains("row 1", Assert.Throws<ArgumentException>(() => featurizer.Create([1f, 2f, float.NaN, 0f], ["a", "b"], 2)).Message);
        Assert.Contains("2 x 2", Assert.Throws<TorchShapeException>(() => featurizer.Create([1f, 2f, 3f], ["a", "b"], 2)).Message);
        Assert.Equal(featurizer.Bucket(0, "red"), featurizer.Bucket(0, "red"));
        Assert.NotEqual(featurizer.Bucket(0, "red"), featurizer.Bucket(1, "red"));

        using var model = new TabularMlp(options);
        var wide = new TabularMlpOptions(NumericFeatures: 3, CategoricalFields: 1);
        using var batch = new TabularFeaturizer(wide).Create([1f, 2f, 3f], ["a"], 1);
        Assert.Contains("[rows, 2]", Assert.Throws<TorchShapeException>(() => model.Forward(batch)).Message);
    }
}
