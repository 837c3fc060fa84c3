namespace Pipeline.Streams.Refs;

// The protocol between the two stage actors of a stream reference. Every message is a plain record, so that it
// serializes through the kernel's registry (JSON, the sender travels as the envelope's sender path).

/// <summary>Attach request (from the side that resolved the ref) and its acceptance (from the origin).</summary>
internal sealed record StreamRefHandshake;

/// <summary>The receiver may hold elements up to sequence number <see cref="UpTo"/> (exclusive): cumulative, idempotent.</summary>
internal sealed record StreamRefDemand(long UpTo);

/// <summary>Elements <see cref="FirstSeqNr"/>.. in order.</summary>
internal sealed record StreamRefElements<T>(long FirstSeqNr, T[] Elements);

/// <summary>The producer completed after <see cref="Count"/> elements.</summary>
internal sealed record StreamRefCompleted(long Count);

/// <summary>The producer's upstream failed (or the origin refused the attach), with the reason.</summary>
internal sealed record StreamRefFailed(string Reason);

/// <summary>The receiver cancelled: the producer stops.</summary>
internal sealed record StreamRefCancelled;
