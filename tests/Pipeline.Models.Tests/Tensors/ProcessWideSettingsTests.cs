using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Tensors;

/// <summary>Seed and thread count are process-wide in libtorch, so these run alone.</summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class ProcessWideSettingsTests
{
    [Fact]
    public void ThreadCountAndSeedAreHonoured()
    {
        int before = Torch.NumThreads;
        Torch.NumThreads = 1;
        Assert.Equal(1, Torch.NumThreads);
        Torch.NumThreads = before;
        Assert.Throws<ArgumentException>(() => Torch.NumThreads = 0);

        Torch.ManualSeed(42);
        using var a = Tensor.Randn([4]);
        Torch.ManualSeed(42);
        using var b = Tensor.Randn([4]);
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
    }
}
