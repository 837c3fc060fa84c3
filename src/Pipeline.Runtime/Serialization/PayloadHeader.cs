namespace Pipeline.Runtime.Serialization;

/// <summary>
/// What must travel (or be stored) next to a payload's bytes for it to be read back: the serializer id and
/// the manifest. Returned when a message is serialized straight into a caller's buffer (a wire frame, a
/// journal row) by <see cref="SerializationRegistry.Serialize(object, System.Buffers.IBufferWriter{byte})"/>.
/// </summary>
public readonly record struct PayloadHeader(int SerializerId, string Manifest);
