using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void FromSpanRoundTripsEveryElementType()
    {
        using var f = Tensor.FromSpan<float>([1.5f, -2f, 3f, 4f, 5f, 6f], [2, 3]);
        Assert.Equal([2L, 3L], f.Shape.ToArray());
        Assert.Equal(ScalarType.Float32, f.Dtype);
        Assert.Equal([1.5f, -2f, 3f, 4f, 5f, 6f], f.ToArray<float>());

        using var l = Tensor.FromSpan<long>([7L, long.MaxValue]);
        Assert.Equal([7L, long.MaxValue], l.ToArray<long>());

        using var b = Tensor.FromSpan<bool>([true, false, true]);
        Assert.Equal([true, false, true], b.ToArray<bool>());

        using var h = Tensor.FromSpan<Half>([(Half)0.5f, (Half)(-1f)]);
        Assert.Equal(ScalarType.Float16, h.Dtype);
        Assert.Equal([(Half)0.5f, (Half)(-1f)], h.ToArray<Half>());

        using var bf = f.To(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf.Dtype);
        using var back = bf.To(ScalarType.Float32);
        Assert.Equal([1.5f, -2f, 3f, 4f, 5f, 6f], back.ToArray<float>());
    }

    [Fact]
    public void ArithmeticMatchesHandComputedValues()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.FromSpan<float>([1, 2, 3, 4], [2, 2]);
        var b = Tensor.FromSpan<float>([5, 6, 7, 8], [2, 2]);
        Assert.Equal([19f, 22f, 43f, 50f], a.MatMul(b).ToArray<float>());
        Assert.Equal([6f, 8f, 10f, 12f], (a + b).ToArray<float>());
        Assert.Equal([2f, 4f, 6f, 8f], (a * 2).ToArray<float>());
        Assert.Equal(10.0, a.Sum().Item());
        Assert.Equal([1L, 1L], b.ArgMax(1).ToArray<long>());
        Assert.Equal([4f, 6f], a.Sum(0).ToArray<float>());
        Assert.Equal([1L, 4L], a.Reshape(1, 4).Shape.ToArray());
    }

    [Fact]
    public void DisposeScopeFreesEverythingCreatedInsideButWhatMovesOut()
    {
        Tensor kept;
        Tensor dropped;
        using (var outer = Torch.NewDisposeScope())
        {
            using (var inner = Torch.NewDisposeScope())
            {
                dropped = Tensor.Ones([3]);
                kept = (dropped * 2).MoveToOuterDisposeScope();
                Assert.Equal(1, inner.Count);
            }

            Assert.True(dropped.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal([2f, 2f, 2f], kept.ToArray<float>());
            Assert.Equal(1, outer.Count);
        }

        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void BadShapesGiveShapeExceptionsNamingBothShapes()
    {
        using var a = Tensor.Zeros([2, 3], device: TestDevice.Current);
        using var b = Tensor.Zeros([4, 5], device: TestDevice.Current);
        var e = Assert.Throws<TorchShapeException>(() => a.MatMul(b));
        Assert.Contains("2x3", e.Message);
        Assert.Contains("4x5", e.Message);

        var wrongData = Assert.Throws<TorchShapeException>(() => Tensor.FromSpan<float>([1, 2, 3], [2, 2], TestDevice.Current));
        Assert.Contains("[2, 2]", wrongData.Message);

        Assert.Throws<ArgumentException>(() => a.ToArray<long>());
        Assert.Throws<ObjectDisposedException>(() =>
        {
            var t = Tensor.Zeros([1]);
            t.Dispose();
            return t.Sum();
        });
    }

    [Fact]
    public void NoGradScopeStopsGraphRecordingAndFlowsAcrossAwaits()
    {
        using var w = Tensor.Ones([2], requiresGrad: true);
        using (Torch.NoGrad())
        {
            using var y = w * 3;
            Assert.False(y.RequiresGrad);
        }

        using var z = w * 3;
        Assert.True(z.RequiresGrad);
    }

    [Fact]
    public async Task GradModeFollowsTheAsyncFlowNotTheThread()
    {
        using var w = Tensor.Ones([2], requiresGrad: true);
        using (Torch.InferenceMode())
        {
            await Task.Yield();
            await Task.Delay(1);
            using var y = w * 3;
            Assert.False(y.RequiresGrad);
        }
    }

    [Fact]
    public async Task ConcurrentFlowsKeepTheirOwnGradModeWhateverThreadRunsThem()
    {
        using var w = Tensor.Ones([4], requiresGrad: true);
        async Task<int> Run(bool noGrad)
        {
            using GradModeScope? scope = noGrad ? Torch.NoGrad() : null;
            int mismatches = 0;
            for (int i = 0; i < 200; i++)
            {
                await Task.Yield();
                using var y = w * 2;
                mismatches += y.RequiresGrad == noGrad ? 1 : 0;
            }

            return mismatches;
        }

        int[] results = await Task.WhenAll(Task.Run(() => Run(true)), Task.Run(() => Run(false)), Task.Run(() => Run(true)), Task.Run(() => Run(false)));
        Assert.All(results, r => Assert.Equal(0, r));
    }
}
