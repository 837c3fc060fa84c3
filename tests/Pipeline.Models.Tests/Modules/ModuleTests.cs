using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Modules;

public sealed class ModuleTests
{
    [Fact]
    public void StateNamesFollowPyTorch()
    {
        using var mlp = Mlp.Create([4, 8, 3]);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], mlp.StateDict().Select(e => e.Key));
        Assert.Equal([8L, 4L], mlp.StateDict()[0].Value.Shape.ToArray());

        using var text = new TextClassifier(new TextClassifierOptions(Buckets: 100, EmbeddingDim: 8, Hidden: [16], Classes: 3));
        Assert.Equal(["embedding.weight", "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"], text.NamedParameters().Select(e => e.Key));

        using var bare = (MlpModel)new ModelSpec { Kind = "mlp", Sizes = [2, 3] }.Build();
        Assert.Equal(["0.weight", "0.bias"], bare.StateDict().Select(e => e.Key));

        using var norm = new LayerNorm(5);
        Assert.Equal(["weight", "bias"], norm.StateDict().Select(e => e.Key));
    }

    [Fact]
    public void LinearComputesXWTransposedPlusBias()
    {
        using var linear = new Linear(2, 1);
        using var w = Tensor.FromSpan<float>([2f, -3f], [1, 2]);
        using var b = Tensor.FromSpan<float>([0.5f]);
        linear.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = w, ["bias"] = b });
        using var x = Tensor.FromSpan<float>([1f, 1f, 4f, 2f], [2, 2]);
        using var y = linear.Forward(x);
        Assert.Equal([-0.5f, 2.5f], y.ToArray<float>());
    }

    [Fact]
    public void LinearRejectsAWrongInputWidthNamingShapes()
    {
        using var linear = new Linear(4, 2);
        using var x = Tensor.Zeros([3, 5]);
        var e = Assert.Throws<TorchShapeException>(() => linear.Forward(x));
        Assert.Contains("[*, 4]", e.Message);
        Assert.Contains("[3, 5]", e.Message);
    }

    [Fact]
    public void LoadStateDictReportsMissingUnexpectedAndMisshapenEntries()
    {
        using var mlp = Mlp.Create([4, 2]);
        using var w = Tensor.Zeros([2, 4]);
        using var extra = Tensor.Zeros([1]);
        var missing = Assert.Throws<TorchLoadException>(() => mlp.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = w, ["x"] = extra }));
        Assert.Contains("0.bias", missing.Message);
        Assert.Contains("x", missing.Message);

        using var bad = Tensor.Zeros([3, 4]);
        using var bias = Tensor.Zeros([2]);
        var shape = Assert.Throws<TorchShapeException>(() => mlp.LoadStateDict(new Dictionary<string, Tensor> { ["0.weight"] = bad, ["0.bias"] = bias }));
        Assert.Contains("0.weight", shape.Message);
        Assert.Contains("[2, 4]", shape.Message);
        Assert.Contains("[3, 4]", shape.Message);
    }

    [Fact]
    public void DropoutIsActiveOnlyWhileTraining()
    {
        using var dropout = new Dropout(0.5);
        using var x = Tensor.Ones([1000]);
        using (var y = dropout.Forward(x))
        {
            float[] values = y.ToArray<float>();
            Assert.Contains(0f, values);
            Assert.Contains(2f, values);
        }

        dropout.Eval();
        Assert.False(dropout.IsTraining);
        using var z = dropout.Forward(x);
        Assert.All(z.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void EmbeddingBagAveragesEachBag()
    {
        using var bag = new EmbeddingBag(3, 2, EmbeddingBagMode.Mean);
        using var table = Tensor.FromSpan<float>([1f, 2f, 3f, 4f, 10f, 20f], [3, 2]);
        bag.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = table });
        using var ids = Tensor.FromSpan<long>([0, 1, 2, 2]);
        using var offsets = Tensor.FromSpan<long>([0, 2]);
        using var y = bag.Forward(ids, offsets);
        Assert.Equal([2f, 3f, 10f, 20f], y.ToArray<float>());

        using var embedding = new Embedding(3, 2);
        embedding.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = table });
        using var rows = embedding.Forward(Tensor.FromSpan<long>([2, 0]).DetachFromDisposeScope());
        Assert.Equal([10f, 20f, 1f, 2f], rows.ToArray<float>());
    }

    [Fact]
    public void TransformerEncoderKeepsTheShapeAndChecksIt()
    {
        Torch.ManualSeed(1);
        using var encoder = new TransformerEncoder(dModel: 16, heads: 4, dimFeedForward: 32, layers: 2, dropout: 0);
        encoder.Eval();
        using var x = Tensor.Randn([5, 3, 16]);
        using var y = encoder.Forward(x);
        Assert.Equal([5L, 3L, 16L], y.Shape.ToArray());
        Assert.True(y.AllFinite());
        Assert.Equal(2 * 12, encoder.StateDict().Count);
        Assert.Contains(encoder.StateDict(), e => e.Key == "layers.0.self_attn.in_proj_weight");

        using var wrong = Tensor.Zeros([5, 16]);
        Assert.Throws<TorchShapeException>(() => encoder.Forward(wrong));

        // padding: the first text has 5 tokens, the others 3; what sits in the padded positions must not matter
        bool[] pad = new bool[3 * 5];
        for (int b = 1; b < 3; b++)
        {
            pad[(b * 5) + 3] = pad[(b * 5) + 4] = true;
        }

        using var mask = Tensor.FromSpan<bool>(pad, [3, 5]);
        using var noisy = x.Clone();
        using (var scope = Torch.NewDisposeScope())
        {
            var noise = Tensor.Randn([2, 3, 16]) * 100;
            var tail = Tensor.Cat([x.Narrow(0, 0, 3), noise], 0);
            noisy.CopyFrom(tail);
        }

        using var masked = encoder.Forward(x, mask);
        using var maskedNoisy = encoder.Forward(noisy, mask);
        using var firstThree = masked.Narrow(0, 0, 3).Narrow(1, 1, 2);
        using var firstThreeNoisy = maskedNoisy.Narrow(0, 0, 3).Narrow(1, 1, 2);
        Support.Floats.AssertClose(firstThree.ToArray<float>(), firstThreeNoisy.ToArray<float>(), 1e-4);
        using var badMask = Tensor.FromSpan<bool>(new bool[15], [5, 3]);
        Assert.Contains("[3, 5]", Assert.Throws<TorchShapeException>(() => encoder.Forward(x, badMask)).Message);
    }

    [Fact]
    public void LayerNormNormalisesTheLastDimension()
    {
        using var norm = new LayerNorm(4);
        using var x = Tensor.FromSpan<float>([1f, 2f, 3f, 4f], [1, 4]);
        using var y = norm.Forward(x);
        float[] v = y.ToArray<float>();
        Assert.Equal(0.0, v.Average(), 5);
        Assert.Equal(1.0, Math.Sqrt(v.Select(a => a * a).Average()), 3);
    }

    [Fact]
    public void ActivationsComputeTheirFunctions()
    {
        using var x = Tensor.FromSpan<float>([-1f, 0f, 2f]);
        using var relu = new Activation(ActivationKind.Relu);
        using var r = relu.Forward(x);
        Assert.Equal([0f, 0f, 2f], r.ToArray<float>());
        using var sigmoid = new Activation(ActivationKind.Sigmoid);
        using var s = sigmoid.Forward(x);
        Assert.Equal(0.5f, s.ToArray<float>()[1]);
    }

    [Fact]
    public void CudaIsReportedAbsentOnACpuBuild()
    {
        Assert.Equal(1, Torch.AbiVersion);
        if (!Torch.BuiltWithCuda)
        {
            Assert.Equal(0, Torch.CudaDeviceCount);
            var e = Assert.Throws<NotSupportedException>(() => Tensor.Zeros([2], device: Device.Cuda()));
            Assert.Contains("CUDA", e.Message);
            Assert.Throws<NotSupportedException>(() => CudaStream.Create());
            using var mlp = Mlp.Create([2, 2]);
            Assert.Throws<NotSupportedException>(() => mlp.To(Device.Cuda()));
            mlp.To(Device.Cpu);
            Assert.Equal(Device.Cpu, mlp.Device);
        }
    }

    [Fact]
    public void AModelMovedToTheTestDeviceComputesThereWhatItComputesOnTheCpu()
    {
        Device device = TestDevice.Current;
        Torch.ManualSeed(17);
        using var model = new TextClassifier(new TextClassifierOptions(Buckets: 1000, EmbeddingDim: 16, Hidden: [8], Classes: 3));
        model.Eval();
        using var batch = TextBatch.Create(["free money now", "meeting at noon"], model.CreateFeaturizer());
        float[] onCpu;
        using (Torch.NoGrad())
        using (var logits = model.Forward(batch))
        {
            onCpu = logits.ToArray<float>();
        }

        model.To(device);
        Assert.Equal(device, model.Device);
        Assert.All(model.Parameters(), p => Assert.Equal(device, p.Device));
        using var there = TextBatch.Create(["free money now", "meeting at noon"], model.CreateFeaturizer(), device);
        using (Torch.NoGrad())
        using (var logits = model.Forward(there))
        {
            Assert.Equal(device, logits.Device);
            Floats.AssertClose(onCpu, logits.ToArray<float>(), TestDevice.FloatTolerance);
        }
    }

    [Fact]
    public void DevicesParseAsPyTorchWritesThem()
    {
        Assert.Equal(Device.Cpu, Device.Parse("cpu"));
        Assert.Equal(Device.Cuda(1), Device.Parse("cuda:1"));
        Assert.Equal("cuda:0", Device.Cuda().ToString());
        Assert.Throws<FormatException>(() => Device.Parse("tpu"));
    }
}
