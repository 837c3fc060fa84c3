namespace Pipeline.Persistence.Tests.Support;

/// <summary>
/// Every test class that talks to PostgreSQL runs in this collection, one after another, because the restart
/// test stops the shared server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL server";
}
