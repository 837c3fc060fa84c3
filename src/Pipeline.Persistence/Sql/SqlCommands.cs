using System.Data.Common;
using System.Runtime.InteropServices;

namespace Pipeline.Persistence.Sql;

/// <summary>Small ADO.NET helpers shared by both providers.</summary>
internal static class SqlCommands
{
    public static DbParameter Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The payload as a byte[] without copying when the memory already is a whole array.</summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> memory)
    {
        if (MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is not null && segment.Offset == 0 && segment.Count == segment.Array.Length)
            return segment.Array;
        return memory.ToArray();
    }

    public static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    public static long ToTicks(DateTimeOffset timestamp) => timestamp.UtcTicks;
}
