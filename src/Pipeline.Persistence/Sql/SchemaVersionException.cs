namespace Pipeline.Persistence.Sql;

/// <summary>
/// The database holds a persistence schema this build does not know (written by a newer version):
/// opening it could corrupt data, so the store refuses to start.
/// </summary>
public sealed class SchemaVersionException : Exception
{
    /// <summary>Creates the error for a database at <paramref name="foundVersion"/> when this build supports up to <paramref name="supportedVersion"/>.</summary>
    public SchemaVersionException(string table, int foundVersion, int supportedVersion)
        : base($"The persistence schema in table {table} is at version {foundVersion}, but this build of Pipeline.Persistence supports up to version {supportedVersion}. " +
               "Upgrade the application, or point Pipeline:Persistence:ConnectionString at a database written by this version.")
    {
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>The version found in the database.</summary>
    public int FoundVersion { get; }

    /// <summary>The newest version this build can open.</summary>
    public int SupportedVersion { get; }
}
