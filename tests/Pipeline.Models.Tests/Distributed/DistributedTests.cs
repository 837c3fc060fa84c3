using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Distributed;

public sealed class DistributedTests
{
    [Fact]
    public void ValuesAndGradientsRoundTripThroughOneFlatBuffer()
    {
        Device device = TestDevice.Current;
        using var model = Mlp.Create([3, 4, 2]);
        model.To(device);
        var parameters = model.Parameters();
        using var flat = ParameterBuffer.FlattenValues(parameters);
        Assert.Equal([(3L * 4) + 4 + (4 * 2) + 2], flat.Shape.ToArray());
        Assert.Equal(device, flat.Device);
        Assert.Equal(parameters[0].ToArray<float>(), flat.Narrow(0, 0, 12).DetachFromDisposeScope().ToArray<float>());

        using var replaced = Tensor.FromSpan(Enumerable.Range(0, 26).Select(i => (float)i).ToArray(), device);
        ParameterBuffer.SetValues(parameters, replaced);
        Assert.Equal([12f, 13f, 14f, 15f], parameters[1].ToArray<float>());

        using (var noGradients = ParameterBuffer.FlattenGradients(parameters))
        {
            Assert.All(noGradients.ToArray<float>(), g => Assert.Equal(0f, g));
        }

        ParameterBuffer.SetGradients(parameters, replaced);
        using var grad = parameters[3].Grad!;
        Assert.Equal([24f, 25f], grad.ToArray<float>());
        using var back = ParameterBuffer.FlattenGradients(parameters);
        Assert.Equal(replaced.ToArray<float>(), back.ToArray<float>());

        using var wrong = Tensor.Zeros([25], device: device);
        Assert.Contains("[26]", Assert.Throws<TorchShapeException>(() => ParameterBuffer.SetValues(parameters, wrong)).Message);
    }

    [Fact]
    public void AveragingTwoWorkersGivesTheMean()
    {
        using var a = Tensor.FromSpan<float>([1f, 2f, 3f], TestDevice.Current);
        using var b = Tensor.FromSpan<float>([3f, 6f, -3f], TestDevice.Current);
        using var mean = ParameterBuffer.Average([a, b]);
        Assert.Equal([2f, 4f, 0f], mean.ToArray<float>());
    }

    [Fact]
    public void TopKKeepsTheLargestMagnitudesAndBFloat16KeepsThreeDigits()
    {
        using var flat = Tensor.FromSpan<float>([0.1f, -5f, 0.2f, 3f, -0.05f], TestDevice.Current);
        using var sparse = GradientCompression.TopK(flat, 2);
        using var dense = GradientCompression.Decompress(sparse);
        Assert.Equal([0f, -5f, 0f, 3f, 0f], dense.ToArray<float>());
        Assert.Throws<ArgumentException>(() => GradientCompression.TopK(flat, 6));

        using var bf = GradientCompression.ToBFloat16(flat);
        Assert.Equal(ScalarType.BFloat16, bf.Dtype);
        using var restored = GradientCompression.FromBFloat16(bf);
        Floats.AssertClose(flat.ToArray<float>(), restored.ToArray<float>(), 1e-2);
    }
}
