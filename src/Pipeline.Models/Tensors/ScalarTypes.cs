namespace Pipeline.Models;

/// <summary>Maps .NET element types to <see cref="ScalarType"/> and gives element sizes.</summary>
public static class ScalarTypes
{
    /// <summary>The scalar type a span of <typeparamref name="T"/> is read as (bfloat16 data is passed as raw <see cref="ushort"/> bits).</summary>
    public static ScalarType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return ScalarType.Float32;
        }

        if (typeof(T) == typeof(long))
        {
            return ScalarType.Int64;
        }

        if (typeof(T) == typeof(double))
        {
            return ScalarType.Float64;
        }

        if (typeof(T) == typeof(Half))
        {
            return ScalarType.Float16;
        }

        if (typeof(T) == typeof(ushort))
        {
            return ScalarType.BFloat16;
        }

        if (typeof(T) == typeof(bool))
        {
            return ScalarType.Bool;
        }

        if (typeof(T) == typeof(int))
        {
            return ScalarType.Int32;
        }

        throw new ArgumentException($"{typeof(T).Name} has no tensor element type (use float, double, Half, ushort for bfloat16, long, int or bool).");
    }

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    public static int SizeOf(ScalarType type) => type switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        ScalarType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown scalar type"),
    };
}
