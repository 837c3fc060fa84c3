namespace Pipeline.Models;

/// <summary>Rows of a table as model input: numeric [rows, numeric] float32 and hashed categorical ids [rows, fields] int64.</summary>
public sealed class TabularBatch : IDisposable
{
    internal TabularBatch(Tensor numeric, Tensor categorical, int rows)
    {
        Numeric = numeric;
        Categorical = categorical;
        Rows = rows;
    }

    /// <summary>Numeric features, one row per record.</summary>
    public Tensor Numeric { get; }

    /// <summary>Hashed categorical ids, one row per record.</summary>
    public Tensor Categorical { get; }

    /// <summary>Number of records.</summary>
    public int Rows { get; }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Numeric.Dispose();
        Categorical.Dispose();
    }
}
