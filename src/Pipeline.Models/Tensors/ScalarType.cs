namespace Pipeline.Models;

/// <summary>Element types a tensor can hold; the values are the shim's dtype codes.</summary>
public enum ScalarType
{
    /// <summary>32-bit float, the default for weights and activations.</summary>
    Float32 = 0,

    /// <summary>IEEE half precision (<see cref="Half"/> in .NET).</summary>
    Float16 = 1,

    /// <summary>bfloat16: float32's range with 8 bits of mantissa, used for compressed gradients (raw <see cref="ushort"/> bits in .NET).</summary>
    BFloat16 = 2,

    /// <summary>64-bit integer, for ids, offsets and class labels.</summary>
    Int64 = 3,

    /// <summary>Boolean masks.</summary>
    Bool = 4,

    /// <summary>64-bit float, for numerically careful work such as gradient checks.</summary>
    Float64 = 5,

    /// <summary>32-bit integer.</summary>
    Int32 = 6,
}
