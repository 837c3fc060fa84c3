using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Events;

/// <summary>Published when an actor throws; the TestKit uses it to fail tests with unexpected errors.</summary>
public sealed record ActorFailed(IActorRef Actor, Exception Cause, object? Message) : INoSerializationVerificationNeeded;
