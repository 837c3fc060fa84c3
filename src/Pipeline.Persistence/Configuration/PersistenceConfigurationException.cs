namespace Pipeline.Persistence.Configuration;

/// <summary>A persistence setting is missing or wrong; the message names the key and how to fix it.</summary>
public sealed class PersistenceConfigurationException : Exception
{
    /// <summary>Creates the error for configuration key <paramref name="key"/>.</summary>
    public PersistenceConfigurationException(string key, string message) : base(message)
    {
        Key = key;
    }

    /// <summary>The full configuration key at fault, e.g. "Pipeline:Persistence:ConnectionString".</summary>
    public string Key { get; }
}
