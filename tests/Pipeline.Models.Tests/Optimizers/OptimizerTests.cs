using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Optimizers;

public sealed class OptimizerTests
{
    private static (Linear Model, Tensor X, Tensor Y) Regression()
    {
        Torch.ManualSeed(3);
        Device device = TestDevice.Current;
        var model = new Linear(3, 1);
        model.To(device);
        var x = Tensor.Randn([64, 3], device: device).DetachFromDisposeScope();
        using var w = Tensor.FromSpan<float>([1.5f, -2f, 0.5f], [3, 1], device);
        var y = (x.MatMul(w) + 0.25).DetachFromDisposeScope();
        return (model, x, y);
    }

    private static double Loss(Linear model, Tensor x, Tensor y)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        return Models.Losses.MeanSquaredError(model.Forward(x), y).Item();
    }

    [Fact]
    public void SgdStepIsWeightMinusLearningRateTimesGradient()
    {
        using var w = Tensor.FromSpan<float>([1f, 2f], [2], requiresGrad: true);
        using var sgd = new Sgd([w], learningRate: 0.1);
        using (var scope = Torch.NewDisposeScope())
        {
            (w * w).Sum().Backward();
        }

        Assert.Equal(StepResult.Applied, sgd.Step());
        Assert.Equal([0.8f, 1.6f], w.ToArray<float>());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void EachOptimizerFitsALinearRegression(string kind)
    {
        var (model, x, y) = Regression();
        using var _ = model;
        using var __ = x;
        using var ___ = y;
        using Optimizer optimizer = kind switch
        {
            "sgd" => new Sgd(model.Parameters(), 0.05, momentum: 0.9),
            "adam" => new Adam(model.Parameters(), 0.05),
            _ => new AdamW(model.Parameters(), 0.05, weightDecay: 1e-4),
        };
        double before = Loss(model, x, y);
        for (int i = 0; i < 300; i++)
        {
            using var scope = Torch.NewDisposeScope();
            Assert.Equal(StepResult.Applied, optimizer.BackwardAndStep(Models.Losses.MeanSquaredError(model.Forward(x), y)));
        }

        double after = Loss(model, x, y);
        Assert.True(after < before * 0.01 && after < 1e-2, $"{kind}: loss {before} -> {after}");
        Assert.Equal(300, optimizer.AppliedSteps);
    }

    [Fact]
    public void NonFiniteLossOrGradientIsRejectedCountedAndLeavesWeightsUntouched()
    {
        using var w = Tensor.FromSpan<float>([1f, 2f], [2], requiresGrad: true);
        using var z = Tensor.Zeros([1], requiresGrad: true);
        using var adam = new Adam([w, z], 0.1);
        using var nan = Tensor.FromSpan<float>([float.NaN, 1f]);

        using (var scope = Torch.NewDisposeScope())
        {
            Assert.Equal(StepResult.RejectedNonFinite, adam.BackwardAndStep((w * nan).Sum()));
        }

        using (var scope = Torch.NewDisposeScope())
        {
            // sqrt at 0: the loss is finite (0) but its gradient is infinite
            var loss = w.Sum() + z.Sqrt().Sum();
            Assert.True(loss.AllFinite());
            Assert.Equal(StepResult.RejectedNonFinite, adam.BackwardAndStep(loss));
        }

        Assert.Equal(2, adam.RejectedSteps);
        Assert.Equal(0, adam.AppliedSteps);
        Assert.Equal([1f, 2f], w.ToArray<float>());
        Assert.Equal([0f], z.ToArray<float>());
    }

    [Fact]
    public void LearningRateCanChangeBetweenSteps()
    {
        using var w = Tensor.FromSpan<float>([1f], [1], requiresGrad: true);
        using var sgd = new Sgd([w], 0.5);
        Assert.Equal(0.5, sgd.LearningRate);
        sgd.LearningRate = 0.25;
        Assert.Equal(0.25, sgd.LearningRate);
        using (var scope = Torch.NewDisposeScope())
        {
            sgd.BackwardAndStep((w * 2).Sum());
        }

        Assert.Equal([0.5f], w.ToArray<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1);
    }

    [Fact]
    public void RestoredAdamStateContinuesExactlyLikeTheOriginal()
    {
        var (original, x, y) = Regression();
        using var _ = original;
        using var __ = x;
        using var ___ = y;
        using var adam = new Adam(original.Parameters(), 0.01);
        void Train(Linear m, Optimizer o, int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = Torch.NewDisposeScope();
                o.BackwardAndStep(Models.Losses.MeanSquaredError(m.Forward(x), y));
            }
        }

        Train(original, adam, 5);
        byte[] checkpoint = ModelCheckpoint.Capture(original, adam, modelVersion: 3, step: 5).ToBytes();

        using var copy = new Linear(3, 1);
        copy.To(x.Device);
        using var copyAdam = new Adam(copy.Parameters(), 0.01);
        var restored = ModelCheckpoint.FromBytes(checkpoint);
        Assert.Equal(3, restored.ModelVersion);
        Assert.Equal(5, restored.Step);
        restored.RestoreInto(copy, copyAdam);

        Train(original, adam, 5);
        Train(copy, copyAdam, 5);
        Assert.Equal(original.StateDict()[0].Value.ToArray<float>(), copy.StateDict()[0].Value.ToArray<float>());
        Assert.Equal(original.StateDict()[1].Value.ToArray<float>(), copy.StateDict()[1].Value.ToArray<float>());
    }

    [Fact]
    public void CorruptOptimizerStateIsAClearLoadError()
    {
        using var w = Tensor.FromSpan<float>([1f], [1], requiresGrad: true);
        using var adam = new Adam([w]);
        var e = Assert.Throws<TorchLoadException>(() => adam.LoadState([1, 2, 3, 4, 5]));
        Assert.Contains("optimizer state", e.Message);
    }
}
