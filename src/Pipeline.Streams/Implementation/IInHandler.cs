namespace Pipeline.Streams.Implementation;

/// <summary>Reacts to events on an inlet: an element arrived, the upstream completed or failed.</summary>
public interface IInHandler
{
    /// <summary>An element is available: grab it with <see cref="GraphStageLogic.Grab{T}(Inlet{T})"/>.</summary>
    void OnPush();

    /// <summary>The upstream completed; no element will arrive any more.</summary>
    void OnUpstreamFinish();

    /// <summary>The upstream failed.</summary>
    void OnUpstreamFailure(Exception cause);
}
