using Pipeline.Runtime.Actors;

namespace Pipeline.Persistence.Delivery;

/// <summary>One delivery not yet confirmed.</summary>
public sealed record UnconfirmedDelivery(long DeliveryId, IActorRef Destination, object Message);

/// <summary>Sent to the actor itself when deliveries stay unconfirmed after many attempts.</summary>
public sealed record UnconfirmedWarning(IReadOnlyList<UnconfirmedDelivery> UnconfirmedDeliveries) : INoSerializationVerificationNeeded;

/// <summary>The deliveries in flight, for a snapshot; restore with SetDeliverySnapshot.</summary>
public sealed record AtLeastOnceDeliverySnapshot(long CurrentDeliveryId, IReadOnlyList<UnconfirmedDelivery> UnconfirmedDeliveries);

/// <summary>Deliver was called while the number of unconfirmed deliveries is at its limit.</summary>
public sealed class MaxUnconfirmedMessagesExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MaxUnconfirmedMessagesExceededException(string message) : base(message) { }
}
