using System.Reflection;
using System.Runtime.InteropServices;

namespace Pipeline.Models.Native;

/// <summary>
/// Resolves "pipeline_torch" to the shim next to the assemblies: the CUDA build when a GPU is present and that
/// build exists, else the CPU build. A missing shim or libtorch fails with the command that installs it.
/// </summary>
internal static unsafe class NativeLibraryLoader
{
    /// <summary>File name of the CPU build of the shim.</summary>
    internal const string CpuFileName = "libpipeline_torch.so";

    /// <summary>File name of the CUDA build of the shim.</summary>
    internal const string CudaFileName = "libpipeline_torch_cuda.so";

    /// <summary>Environment variable naming an extra directory to search for the shim.</summary>
    internal const string DirectoryVariable = "PIPELINE_TORCH_NATIVE_DIR";

    /// <summary>Environment variable forcing the build: "cpu" or "cuda".</summary>
    internal const string VariantVariable = "PIPELINE_TORCH_VARIANT";

    private const string InstallHint =
        "Install libtorch and build the shim with scripts/setup/torch.sh (apt-get install -y libtorch-dev libopenblas0-pthread; " +
        "then src/Pipeline.Models/native/build.sh, or `dotnet build` of Pipeline.Models).";

    /// <summary>Registers the resolver for the assembly holding the P/Invoke declarations (called once, from a static constructor).</summary>
    internal static void Register(Assembly assembly) => NativeLibrary.SetDllImportResolver(assembly, Resolve);

    /// <summary>Picks the shim file to load from the given directories, or explains what is missing.</summary>
    internal static string Locate(IEnumerable<string> directories, bool preferCuda)
    {
        var searched = new List<string>();
        foreach (string directory in directories)
        {
            if (preferCuda)
            {
                string cuda = Path.Combine(directory, CudaFileName);
                if (File.Exists(cuda))
                {
                    return cuda;
                }

                searched.Add(cuda);
            }

            string cpu = Path.Combine(directory, CpuFileName);
            if (File.Exists(cpu))
            {
                return cpu;
            }

            searched.Add(cpu);
        }

        throw new TorchNativeLibraryException($"The pipeline_torch shim was not found (looked for {string.Join(", ", searched)}). {InstallHint}");
    }

    /// <summary>Whether this machine exposes an NVIDIA device to this process (or the variant is forced).</summary>
    internal static bool PreferCuda()
    {
        string? variant = Environment.GetEnvironmentVariable(VariantVariable);
        if (!string.IsNullOrEmpty(variant))
        {
            return variant.Equals("cuda", StringComparison.OrdinalIgnoreCase);
        }

        return File.Exists("/dev/nvidiactl") || File.Exists("/dev/nvidia0");
    }

    private static IEnumerable<string> SearchDirectories()
    {
        string? extra = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(extra))
        {
            yield return extra;
        }

        yield return AppContext.BaseDirectory;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
        {
            return 0;
        }

        return LoadChecked(Locate(SearchDirectories(), PreferCuda()));
    }

    /// <summary>Loads the shim at <paramref name="path"/> and checks its ABI version, explaining any failure.</summary>
    internal static nint LoadChecked(string path)
    {
        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchNativeLibraryException($"Could not load {path}: {e.Message}. {InstallHint}", e);
        }

        var abiVersion = (delegate* unmanaged<int>)NativeLibrary.GetExport(library, "pt_abi_version");
        int version = abiVersion();
        if (version != NativeMethods.AbiVersion)
        {
            throw new TorchNativeLibraryException(
                $"{path} speaks ABI version {version} but Pipeline.Models needs {NativeMethods.AbiVersion}: rebuild it with src/Pipeline.Models/native/build.sh.");
        }

        return library;
    }
}
