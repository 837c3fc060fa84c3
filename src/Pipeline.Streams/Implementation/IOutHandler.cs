namespace Pipeline.Streams.Implementation;

/// <summary>Reacts to events on an outlet: the downstream asked for an element, or cancelled.</summary>
public interface IOutHandler
{
    /// <summary>The downstream wants one element: push it now or later.</summary>
    void OnPull();

    /// <summary>The downstream cancelled: no more elements may be pushed.</summary>
    void OnDownstreamFinish(Exception? cause);
}
