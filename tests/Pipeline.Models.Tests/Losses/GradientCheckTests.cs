using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Losses;

/// <summary>Autograd gradients of Linear and of each loss against central finite differences.</summary>
public sealed class GradientCheckTests
{
    private static double[] NumericGradient(double[] point, Func<double[], double> f, double eps)
    {
        var grad = new double[point.Length];
        for (int i = 0; i < point.Length; i++)
        {
            double saved = point[i];
            point[i] = saved + eps;
            double up = f(point);
            point[i] = saved - eps;
            double down = f(point);
            point[i] = saved;
            grad[i] = (up - down) / (2 * eps);
        }

        return grad;
    }

    private static double[] AnalyticGradient(double[] point, long[] shape, Func<Tensor, Tensor> loss)
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.FromSpan<double>(point, shape, TestDevice.Current, requiresGrad: true);
        loss(x).Backward();
        return x.Grad!.ToArray<double>();
    }

    private static double Evaluate(double[] point, long[] shape, Func<Tensor, Tensor> loss)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        return loss(Tensor.FromSpan<double>(point, shape, TestDevice.Current)).Item();
    }

    private static void Check(double[] point, long[] shape, Func<Tensor, Tensor> loss)
    {
        double[] analytic = AnalyticGradient(point, shape, loss);
        double[] numeric = NumericGradient(point, p => Evaluate(p, shape, loss), 1e-6);
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
        Floats.AssertClose(numeric, analytic, 1e-6);
    }

    [Fact]
    public void CrossEntropyGradientMatchesFiniteDifferences()
    {
        using var targets = Tensor.FromSpan<long>([2, 0, 1], TestDevice.Current);
        Check([0.3, -1.2, 2.0, 0.5, 0.1, -0.7, 1.1, 0.0, -0.4], [3, 3], x => Models.Losses.CrossEntropy(x, targets));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsGradientMatchesFiniteDifferences()
    {
        using var targets = Tensor.FromSpan<double>([1, 0, 1, 0], [2, 2], TestDevice.Current);
        Check([0.8, -2.5, -0.3, 1.7], [2, 2], x => Models.Losses.BinaryCrossEntropyWithLogits(x, targets));
    }

    [Fact]
    public void MeanSquaredErrorGradientMatchesFiniteDifferences()
    {
        using var targets = Tensor.FromSpan<double>([1, -2, 0.5], TestDevice.Current);
        Check([0.2, 0.7, -1.4], [3], x => Models.Losses.MeanSquaredError(x, targets));
    }

    [Fact]
    public void LinearWeightAndInputGradientsMatchFiniteDifferences()
    {
        Torch.ManualSeed(7);
        Device device = TestDevice.Current;
        using var linear = new Linear(3, 2);
        linear.To(device);
        using var input = Tensor.FromSpan<float>([0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f], [2, 3], device, requiresGrad: true);
        using var target = Tensor.FromSpan<float>([1f, -1f, 0.5f, 2f], [2, 2], device);
        Tensor weight = linear.StateDict().Single(e => e.Key == "weight").Value;

        using (var scope = Torch.NewDisposeScope())
        {
            Models.Losses.MeanSquaredError(linear.Forward(input), target).Backward();
        }

        using Tensor weightGrad = weight.Grad!;
        using Tensor inputGrad = input.Grad!;
        float[] analyticWeight = weightGrad.ToArray<float>();
        float[] analyticInput = inputGrad.ToArray<float>();

        double LossAt()
        {
            using var scope = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            return Models.Losses.MeanSquaredError(linear.Forward(input), target).Item();
        }

        double[] weights = Array.ConvertAll(weight.ToArray<float>(), v => (double)v);
        double[] numericWeight = NumericGradient(weights, w =>
        {
            using var t = Tensor.FromSpan(Array.ConvertAll(w, v => (float)v), [2, 3], device);
            weight.CopyFrom(t);
            return LossAt();
        }, 1e-2);

        Floats.AssertClose(Array.ConvertAll(numericWeight, v => (float)v), analyticWeight, 2e-3);

        using var restore = Tensor.FromSpan(Array.ConvertAll(weights, v => (float)v), [2, 3], device);
        weight.CopyFrom(restore);
        double[] inputs = Array.ConvertAll(input.ToArray<float>(), v => (double)v);
        double[] numericInput = NumericGradient(inputs, x =>
        {
            using var t = Tensor.FromSpan(Array.ConvertAll(x, v => (float)v), [2, 3], device);
            input.CopyFrom(t);
            return LossAt();
        }, 1e-2);

        Floats.AssertClose(Array.ConvertAll(numericInput, v => (float)v), analyticInput, 2e-3);
    }

    [Fact]
    public void LossShapeMismatchNamesBothShapes()
    {
        using var logits = Tensor.Zeros([3, 4], device: TestDevice.Current);
        using var targets = Tensor.FromSpan<long>([1, 2], TestDevice.Current);
        var e = Assert.Throws<TorchShapeException>(() => Models.Losses.CrossEntropy(logits, targets));
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[2]", e.Message);

        using var wrong = Tensor.Zeros([3, 5], device: TestDevice.Current);
        var mse = Assert.Throws<TorchShapeException>(() => Models.Losses.MeanSquaredError(logits, wrong));
        Assert.Contains("[3, 5]", mse.Message);
    }
}
