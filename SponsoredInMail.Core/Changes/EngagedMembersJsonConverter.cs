using System.Text.Json;
using System.Text.Json.Serialization;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Core.Changes;

/// <summary>Writes each <see cref="EngagedMember"/> as <c>[campaignId, accountId, memberId, kind]</c>; reads that or the object form.</summary>
public sealed class EngagedMembersJsonConverter : JsonConverter<IReadOnlyList<EngagedMember>>
{
    public override IReadOnlyList<EngagedMember> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(reader.TokenType == JsonTokenType.StartArray);
        var events = new List<EngagedMember>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                events.Add(JsonSerializer.Deserialize<EngagedMember>(ref reader, options)!);
                continue;
            }
            Expect(reader.TokenType == JsonTokenType.StartArray);
            var values = new int[4];
            for (var i = 0; i < 4; i++)
            {
                Expect(reader.Read() && reader.TokenType == JsonTokenType.Number);
                values[i] = reader.GetInt32();
            }
            Expect(reader.Read() && reader.TokenType == JsonTokenType.EndArray);
            events.Add(new EngagedMember(values[0], values[1], values[2], (EventKind)values[3]));
        }
        return events;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<EngagedMember> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var e in value)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(e.CampaignId);
            writer.WriteNumberValue(e.AdvertiserAccountId);
            writer.WriteNumberValue(e.MemberId);
            writer.WriteNumberValue((int)e.Kind);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("A malformed engagement change.");
        }
    }
}
