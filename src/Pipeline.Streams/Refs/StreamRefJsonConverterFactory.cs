using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Streams.Refs;

/// <summary>
/// Lets a message declare a member as <see cref="ISourceRef{T}"/> or <see cref="ISinkRef{T}"/>: it is written and
/// read as the concrete <see cref="SourceRef{T}"/>/<see cref="SinkRef{T}"/> (whose actor ref the kernel's JSON
/// options resolve).
/// </summary>
internal sealed class StreamRefJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsInterface && typeToConvert.IsGenericType
        && (typeToConvert.GetGenericTypeDefinition() == typeof(ISourceRef<>) || typeToConvert.GetGenericTypeDefinition() == typeof(ISinkRef<>));

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        var element = typeToConvert.GetGenericArguments()[0];
        var concrete = typeToConvert.GetGenericTypeDefinition() == typeof(ISourceRef<>) ? typeof(SourceRef<>).MakeGenericType(element) : typeof(SinkRef<>).MakeGenericType(element);
        return (JsonConverter)Activator.CreateInstance(typeof(Converter<,>).MakeGenericType(typeToConvert, concrete))!;
    }

    private sealed class Converter<TInterface, TConcrete> : JsonConverter<TInterface>
        where TInterface : class
        where TConcrete : class, TInterface
    {
        public override TInterface? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            JsonSerializer.Deserialize<TConcrete>(ref reader, options);

        public override void Write(Utf8JsonWriter writer, TInterface value, JsonSerializerOptions options)
        {
            if (value is not TConcrete concrete)
                throw new JsonException($"Only {typeof(TConcrete).Name} instances of {typeof(TInterface).Name} can be serialized, not {value.GetType().FullName}.");
            JsonSerializer.Serialize(writer, concrete, options);
        }
    }
}
