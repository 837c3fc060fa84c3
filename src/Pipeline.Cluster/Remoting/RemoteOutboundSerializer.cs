using System.Buffers;
using Microsoft.Extensions.Logging;
using Pipeline.Cluster.Wire;
using Pipeline.Runtime.Actors;
using Pipeline.Runtime.Serialization;

namespace Pipeline.Cluster.Remoting;

/// <summary>
/// Serializes remote messages with the actor system's registry on the connection's writer, straight into the
/// frame; a message that cannot be serialized (or is too large) becomes a dead letter on this node with the reason.
/// </summary>
internal sealed class RemoteOutboundSerializer(RemoteActorRefProvider provider, ILogger log) : IOutboundSerializer
{
    private readonly SerializationRegistry _registry = provider.System.Serialization;
    // the serializer of the last message type seen (streams of one type are the common case); immutable, so any
    // writer may read it while another replaces it
    private Binding? _last;

    public PayloadHeader Serialize(object message, IBufferWriter<byte> output)
    {
        var type = message.GetType();
        var binding = Volatile.Read(ref _last);
        if (binding is null || binding.Type != type)
        {
            var found = _registry.FindSerializerFor(type);
            binding = new Binding(type, found, found.IncludeManifest, found.Identifier);
            Volatile.Write(ref _last, binding);
        }
        // no exception handler here (it would cost every message): a failure is described by DescribeFailure
        var manifest = binding.IncludeManifest ? binding.Serializer.Manifest(message) : string.Empty;
        binding.Serializer.ToBinary(message, output);
        return new PayloadHeader(binding.Id, manifest);
    }

    public Exception DescribeFailure(object message, Exception error)
    {
        if (error is SerializationException) return error;
        var type = message.GetType();
        var serializer = Volatile.Read(ref _last) is { } last && last.Type == type ? last.Serializer : _registry.FindSerializerFor(type);
        return new SerializationException($"Serializer {serializer.Identifier} ({serializer.GetType().Name}) failed to serialize a {type.FullName}: {error.Message}", error);
    }

    public void OnSendFailed(in OutboundMessage message, Exception error)
    {
        var original = message.Message switch
        {
            RemoteControlMessage { Kind: RemoteControlMessage.KillKind } => Kill.Instance,
            RemoteControlMessage => PoisonPill.Instance,
            var m => m!,
        };
        log.LogWarning("Cannot send {Type} to {Target}: {Error}", original.GetType().Name, message.TargetPath, error.Message);
        provider.DeadLetterUnsent(original, message.SenderPath, message.TargetPath, error.Message);
    }

    // what the registry chose for a type, with the serializer's fixed answers read once
    private sealed record Binding(Type Type, Serializer Serializer, bool IncludeManifest, int Id);
}
