using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>
/// Keeps the runtime type of members declared as <c>object</c> (and of values in <c>object</c> collections):
/// strings, bools and ints are plain JSON; anything else is <c>{"$type": manifest, "$value": ...}</c>. Plain JSON
/// from elsewhere reads as string, bool, int (or long or double when it does not fit), or a <see cref="JsonElement"/>.
/// </summary>
internal sealed class PolymorphicObjectJsonConverter(TypeManifests manifests) : JsonConverter<object>
{
    private const string TypeProperty = "$type";
    private const string ValueProperty = "$value";

    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.Null: return null;
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out var i)) return i;
                if (reader.TryGetInt64(out var l)) return l;
                return reader.GetDouble();
            case JsonTokenType.StartObject when IsTagged(reader):
                return ReadTagged(ref reader, options);
            default:
                return JsonElement.ParseValue(ref reader);
        }
    }

    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case string s: writer.WriteStringValue(s); return;
            case bool b: writer.WriteBooleanValue(b); return;
            case int i: writer.WriteNumberValue(i); return;
        }
        var type = value is IActorRef ? typeof(IActorRef) : value.GetType();
        writer.WriteStartObject();
        writer.WriteString(TypeProperty, manifests.ManifestFor(type));
        writer.WritePropertyName(ValueProperty);
        if (type == typeof(object))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            JsonSerializer.Serialize(writer, value, type, options);
        }
        writer.WriteEndObject();
    }

    private static bool IsTagged(Utf8JsonReader probe) =>
        probe.Read() && probe.TokenType == JsonTokenType.PropertyName && probe.ValueTextEquals(TypeProperty);

    private object? ReadTagged(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        reader.Read(); // "$type"
        reader.Read();
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"'{TypeProperty}' must be a manifest string.");
        var type = manifests.Resolve(reader.GetString()!, JsonMessageSerializer.Id);
        reader.Read();
        if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(ValueProperty))
            throw new JsonException($"A '{TypeProperty}' tag must be followed by '{ValueProperty}'.");
        reader.Read();
        object? value;
        if (type == typeof(object))
        {
            reader.Skip();
            value = new object();
        }
        else
        {
            value = JsonSerializer.Deserialize(ref reader, type, options);
        }
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException($"Unexpected {reader.TokenType} after '{ValueProperty}'.");
        return value;
    }
}
