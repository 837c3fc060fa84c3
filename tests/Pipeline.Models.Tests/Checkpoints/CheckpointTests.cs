using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private static TextClassifier NewModel()
    {
        var model = new TextClassifier(new TextClassifierOptions(Buckets: 1000, EmbeddingDim: 16, Hidden: [8], Classes: 3));
        model.To(TestDevice.Current);
        return model;
    }

    private static float[] Outputs(TextClassifier model)
    {
        using var batch = TextBatch.Create(["free money now", "meeting at noon", ""], model.CreateFeaturizer(), model.Device);
        using var noGrad = Torch.NoGrad();
        using var logits = model.Forward(batch);
        return logits.ToArray<float>();
    }

    [Fact]
    public void ACheckpointLoadedIntoAFreshModelGivesIdenticalOutputs()
    {
        Torch.ManualSeed(11);
        using var trained = NewModel();
        trained.Eval();
        byte[] bytes = ModelCheckpoint.Capture(trained, optimizer: null, modelVersion: 7, step: 1234).ToBytes();

        Torch.ManualSeed(99);
        using var fresh = NewModel();
        fresh.Eval();
        Assert.NotEqual(Outputs(trained), Outputs(fresh));

        var checkpoint = ModelCheckpoint.FromBytes(bytes);
        checkpoint.RestoreInto(fresh);
        Assert.Equal(Outputs(trained), Outputs(fresh));
        Assert.Equal(7, checkpoint.ModelVersion);
        Assert.Equal(1234, checkpoint.Step);
        Assert.Equal(bytes, checkpoint.ToBytes());
    }

    [Fact]
    public void CorruptOrTruncatedCheckpointsAreRejectedWithTheReason()
    {
        using var model = NewModel();
        byte[] bytes = ModelCheckpoint.Capture(model, null, 1, 1).ToBytes();

        byte[] flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x40;
        Assert.Contains("SHA-256", Assert.Throws<TorchLoadException>(() => ModelCheckpoint.FromBytes(flipped)).Message);

        Assert.Contains("lengths", Assert.Throws<TorchLoadException>(() => ModelCheckpoint.FromBytes(bytes.AsSpan(0, bytes.Length - 10))).Message);
        Assert.Contains("PLCKPT01", Assert.Throws<TorchLoadException>(() => ModelCheckpoint.FromBytes("not a checkpoint at all, really"u8)).Message);

        var noOptimizer = ModelCheckpoint.FromBytes(bytes);
        using var w = Tensor.Zeros([1], requiresGrad: true);
        using var adam = new Adam([w]);
        Assert.Throws<TorchLoadException>(() => noOptimizer.RestoreInto(model, adam));
    }

    [Fact]
    public void SafeTensorsRoundTripsDtypesShapesAndMetadata()
    {
        using var f = Tensor.FromSpan<float>([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]);
        using var l = Tensor.FromSpan<long>([9, 8]);
        using var h = Tensor.FromSpan<Half>([(Half)1.5f]);
        byte[] blob = SafeTensors.Save([new("a.f", f), new("b.l", l), new("c.h", h)], new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(0UL, BitConverter.ToUInt64(blob, 0) % 8);

        using var content = SafeTensors.Load(blob);
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal([2L, 3L], content.Tensors["a.f"].Shape.ToArray());
        Assert.Equal(f.ToArray<float>(), content.Tensors["a.f"].ToArray<float>());
        Assert.Equal([9L, 8L], content.Tensors["b.l"].ToArray<long>());
        Assert.Equal([(Half)1.5f], content.Tensors["c.h"].ToArray<Half>());
    }

    [Fact]
    public void CorruptSafeTensorsSayWhatIsWrong()
    {
        using var f = Tensor.FromSpan<float>([1f, 2f]);
        byte[] blob = SafeTensors.Save([new("x", f)]);
        Assert.Contains("header size", Assert.Throws<TorchLoadException>(() => SafeTensors.Load(blob.AsSpan(0, 12))).Message);

        byte[] badJson = (byte[])blob.Clone();
        badJson[9] = (byte)'!';
        Assert.Contains("header", Assert.Throws<TorchLoadException>(() => SafeTensors.Load(badJson)).Message);

        byte[] truncated = blob[..^4];
        Assert.Contains("data_offsets", Assert.Throws<TorchLoadException>(() => SafeTensors.Load(truncated)).Message);
    }
}
