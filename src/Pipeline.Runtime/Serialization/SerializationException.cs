namespace Pipeline.Runtime.Serialization;

/// <summary>
/// A message could not be serialized or deserialized: unknown serializer id, unknown manifest, malformed
/// bytes, or a type no serializer can handle. The message names the serializer, the manifest or the type and
/// says how to fix it.
/// </summary>
public sealed class SerializationException : Exception
{
    /// <summary>Creates the exception with a message that names what failed.</summary>
    public SerializationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message that names what failed and the underlying cause.</summary>
    public SerializationException(string message, Exception innerException) : base(message, innerException) { }
}
