using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Tensors;

/// <summary>Counts native tensor handles, so it runs alone (no other test creates tensors meanwhile).</summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class LeakTests
{
    [Fact]
    public void ATrainingLoopInsideDisposeScopesLeavesNoNativeTensorBehind()
    {
        Device device = TestDevice.Current;
        using var model = new TextClassifier(new TextClassifierOptions(Buckets: 512, EmbeddingDim: 8, Hidden: [8], Classes: 2));
        model.To(device);
        using var adam = new Adam(model.Parameters(), 1e-2);
        var featurizer = model.CreateFeaturizer();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = Torch.LiveTensors;
        for (int i = 0; i < 50; i++)
        {
            using var scope = Torch.NewDisposeScope();
            using var batch = TextBatch.Create(["cheap pills now", "lunch on friday?"], featurizer, device);
            var labels = Tensor.FromSpan<long>([1, 0], device);
            adam.BackwardAndStep(Models.Losses.CrossEntropy(model.Forward(batch), labels));
            _ = (labels * 2).Sum() + 1;
        }

        Assert.Equal(before, Torch.LiveTensors);

        using (var scope = Torch.NewDisposeScope())
        {
            _ = Tensor.Ones([3], device: device) * 2;
            Assert.Equal(before + 2, Torch.LiveTensors);
        }

        Assert.Equal(before, Torch.LiveTensors);
    }
}
