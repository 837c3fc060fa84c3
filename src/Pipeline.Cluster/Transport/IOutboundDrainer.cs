namespace Pipeline.Cluster.Transport;

/// <summary>
/// What drains an <see cref="OutboundQueue"/> onto a socket (a connection). The queue asks it to start a drain
/// when the first message arrives while nobody drains; the drainer then drains until
/// <see cref="OutboundQueue.ContinueDraining"/> says stop.
/// </summary>
internal interface IOutboundDrainer
{
    /// <summary>Starts draining on another thread (the caller must not be held up by socket writes).</summary>
    void ScheduleDrain();
}
