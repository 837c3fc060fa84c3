using Pipeline.Models.Native;
using Pipeline.Models.Tests.Support;

namespace Pipeline.Models.Tests.Interop;

public sealed class NativeLibraryLoaderTests
{
    [Fact]
    public void AMissingShimNamesTheFilesAndTheCommandThatInstallsIt()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<TorchNativeLibraryException>(() => NativeLibraryLoader.Locate([dir.Path], preferCuda: true));
        Assert.Contains(Path.Combine(dir.Path, "libpipeline_torch_cuda.so"), e.Message);
        Assert.Contains(Path.Combine(dir.Path, "libpipeline_torch.so"), e.Message);
        Assert.Contains("scripts/setup/torch.sh", e.Message);
    }

    [Fact]
    public void TheCudaBuildIsPickedOnlyWhenADeviceIsPresentAndItExists()
    {
        using var dir = new TempDirectory();
        string cpu = Path.Combine(dir.Path, "libpipeline_torch.so");
        string cuda = Path.Combine(dir.Path, "libpipeline_torch_cuda.so");
        File.WriteAllText(cpu, string.Empty);
        Assert.Equal(cpu, NativeLibraryLoader.Locate([dir.Path], preferCuda: true));
        File.WriteAllText(cuda, string.Empty);
        Assert.Equal(cuda, NativeLibraryLoader.Locate([dir.Path], preferCuda: true));
        Assert.Equal(cpu, NativeLibraryLoader.Locate([dir.Path], preferCuda: false));
    }

    [Fact]
    public void AnUnloadableShimIsReportedWithTheLoaderErrorAndTheFix()
    {
        using var dir = new TempDirectory();
        string broken = Path.Combine(dir.Path, "libpipeline_torch.so");
        File.WriteAllText(broken, "not an ELF file");
        var e = Assert.Throws<TorchNativeLibraryException>(() => NativeLibraryLoader.LoadChecked(broken));
        Assert.Contains(broken, e.Message);
        Assert.Contains("scripts/setup/torch.sh", e.Message);
    }

    [Fact]
    public void TheLoadedShimSpeaksTheExpectedAbi()
    {
        Assert.Equal(NativeMethods.AbiVersion, Torch.AbiVersion);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libpipeline_torch.so")), "dotnet build copies the shim next to the assemblies");
    }
}
