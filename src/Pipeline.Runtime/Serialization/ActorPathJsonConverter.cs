using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Runtime.Actors;

namespace Pipeline.Runtime.Serialization;

/// <summary>Writes an <see cref="ActorPath"/> as its full text with <c>#uid</c> when it has one, and parses it back.</summary>
internal sealed class ActorPathJsonConverter : JsonConverter<ActorPath>
{
    public override ActorPath Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException($"An actor path must be a string, got {reader.TokenType}.");
        var text = reader.GetString()!;
        try
        {
            return ActorPath.Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException($"'{text}' is not an actor path.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, ActorPath value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Uid == 0 ? value.ToString() : value.ToString() + "#" + value.Uid.ToString(CultureInfo.InvariantCulture));
}
