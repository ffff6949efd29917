using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SponsoredInMail.Web.Endpoints.Api;

/// <summary>
/// Enums in API JSON are strict strings: written as names, read only from a name (exactly, ignoring case only).
/// Refused, so the caller gets a 400 naming the property: any JSON number, numeric strings ("1"), names with spaces,
/// comma lists ("A, B"). JsonStringEnumConverter would accept all of these.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly Dictionary<string, T> ByName =
            Enum.GetNames<T>().ToDictionary(n => n, Enum.Parse<T>, StringComparer.OrdinalIgnoreCase);

        private static long Number(T value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && ByName.TryGetValue(name, out var named))
            {
                return named;
            }
            throw new JsonException($"Expected one of {string.Join(", ", Enum.GetNames<T>())}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (Enum.IsDefined(value))
            {
                writer.WriteStringValue(value.ToString());
            }
            else
            {
                writer.WriteNumberValue(Number(value));
            }
        }

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } name && ByName.TryGetValue(name, out var named) ? named : throw new JsonException($"Expected one of {string.Join(", ", Enum.GetNames<T>())}.");

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.ToString());
    }
}
