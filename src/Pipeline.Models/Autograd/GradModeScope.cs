namespace Pipeline.Models;

/// <summary>
/// Sets the grad mode for the current async flow until disposed (the .NET form of <c>with torch.no_grad():</c>).
/// It flows with the ExecutionContext, so it survives awaits that resume on another thread.
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private static readonly AsyncLocal<GradMode?> Current = new();
    private readonly GradMode? _previous;
    private bool _disposed;

    internal GradModeScope(GradMode mode)
    {
        _previous = Current.Value;
        Current.Value = mode;
    }

    /// <summary>The mode operations in this flow run under (grad enabled unless a scope says otherwise).</summary>
    public static GradMode Mode => Current.Value ?? GradMode.Enabled;

    internal static int NativeMode => (int)(Current.Value ?? GradMode.Enabled);

    /// <summary>Restores the previous mode.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Current.Value = _previous;
        }
    }
}
