using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>Writes any <see cref="IActorRef"/> (whatever its declared type) as its path string and resolves it back.</summary>
internal sealed class ActorRefJsonConverterFactory(IActorRefResolver? resolver) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(IActorRef).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ActorRefJsonConverter<>).MakeGenericType(typeToConvert), resolver)!;

    private sealed class ActorRefJsonConverter<TRef>(IActorRefResolver? resolver) : JsonConverter<TRef>
        where TRef : class, IActorRef
    {
        public override TRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"An actor ref must be a path string, got {reader.TokenType}.");
            var path = reader.GetString()!;
            var resolved = Resolver.Resolve(path);
            return resolved as TRef ?? throw new SerializationException(
                $"Actor path '{path}' resolved to a {resolved?.GetType().FullName ?? "null"}, which is not the {typeof(TRef).FullName} the message declares; declare the member as IActorRef.");
        }

        public override void Write(Utf8JsonWriter writer, TRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Resolver.ToSerializationFormat(value));

        private IActorRefResolver Resolver => resolver ?? throw new SerializationException(
            "A message contains an actor ref, but the serialization registry has no IActorRefResolver; set SerializationSettings.ActorRefResolver (the actor system provides one).");
    }
}
