using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Benchmarks;

/// <summary>
/// The same breakdown as <see cref="AudienceIndex.Count"/>, computed with one plain SQL query per targeting on
/// the product's own schema (no extra indexes): the baseline the index is measured against, and the check
/// that its counts are exact.
/// <list type="bullet">
/// <item>matching: members meeting every included facet (OR within a facet), minus any matching an excluded one;</item>
/// <item>opted out: an opt-out of everything (Scope = All) or of this advertiser account (Scope = Advertiser);</item>
/// <item>frequency-capped: always 0 — no deliveries table exists yet (SqliteAudienceSource.ReadRecentDeliveriesAsync
///   returns none), so the index's caps are empty too;</item>
/// <item>inactive: not opted out and LastActiveAt before ActivityPolicy.ActiveSince (now − Delivery:ActiveWithinDays);</item>
/// <item>deliverable: not opted out and LastActiveAt at or after that instant (counted on its own, not by subtraction).</item>
/// </list>
/// </summary>
internal sealed class SqlAudienceCounter(SqliteConnection connection, int accountId, DateTime activeSinceUtc)
{
    /// <summary>The text form EF Core's SQLite provider (and the bulk writer) stores DateTime in; it sorts like the instant.</summary>
    private readonly string _activeSince = activeSinceUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    public AudienceBreakdown Count(Targeting targeting)
    {
        using var command = Build(targeting);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("The count query returned no row.");
        }
        var matching = reader.GetInt32(0);
        var optedOut = reader.GetInt32(1);
        var inactive = reader.GetInt32(2);
        var deliverable = reader.GetInt32(3);
        const int capped = 0; // No deliveries table yet: nobody is frequency-capped.
        return new AudienceBreakdown(matching, optedOut, capped, inactive, deliverable);
    }

    /// <summary>The SQL of one targeting, for error messages.</summary>
    public string Describe(Targeting targeting)
    {
        using var command = Build(targeting);
        var text = new StringBuilder(command.CommandText).AppendLine().Append("-- parameters:");
        foreach (SqliteParameter p in command.Parameters)
        {
            text.Append(' ').Append(p.ParameterName).Append('=').Append(p.Value);
        }
        return text.ToString();
    }

    private SqliteCommand Build(Targeting targeting)
    {
        var command = connection.CreateCommand();
        var where = new List<string>();
        foreach (var criterion in targeting.Include)
        {
            where.Add($"({Condition(command, criterion)})");
        }
        foreach (var criterion in targeting.Exclude)
        {
            where.Add($"NOT ({Condition(command, criterion)})");
        }
        command.Parameters.AddWithValue("$account", accountId);
        command.Parameters.AddWithValue("$activeSince", _activeSince);
        command.CommandText = $"""
            SELECT COUNT(*),
                   COALESCE(SUM(opted), 0),
                   COALESCE(SUM(CASE WHEN opted = 0 AND lastActive < $activeSince THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN opted = 0 AND lastActive >= $activeSince THEN 1 ELSE 0 END), 0)
            FROM (
                SELECT m.LastActiveAt AS lastActive,
                       EXISTS (SELECT 1 FROM MemberOptOuts o
                               WHERE o.MemberId = m.Id
                                 AND (o.Scope = {(int)OptOutScope.All}
                                      OR (o.Scope = {(int)OptOutScope.Advertiser} AND o.AdvertiserAccountId = $account))) AS opted
                FROM Members m
                WHERE {(where.Count == 0 ? "1" : string.Join("\n  AND ", where))}
            )
            """;
        return command;
    }

    /// <summary>A SQL condition true for members with any of the criterion's values (never NULL, so NOT works).</summary>
    private static string Condition(SqliteCommand command, FacetCriterion criterion)
    {
        var values = criterion.Values;
        if (values.Count == 0)
        {
            return "0";
        }
        return criterion.Facet switch
        {
            Facet.Location => string.Join(" OR ", LocationConditions(command, values)),
            Facet.Industry => $"m.Industry IN ({Params(command, values)})",
            Facet.JobFunction => $"m.JobFunction IN ({Params(command, values)})",
            Facet.JobTitle => $"m.JobTitle IN ({Params(command, values)})",
            Facet.ProfileLanguage => $"m.ProfileLanguage IN ({Params(command, values)})",
            Facet.Seniority => $"m.Seniority IN ({Ints(values.Select(v => (int)Enum.Parse<Seniority>(v)))})",
            // A join on Companies, written as a semi-join so that a member without a company row is simply not in the set.
            Facet.CompanySize => $"m.CompanyId IN (SELECT c.Id FROM Companies c WHERE c.Size IN ({Ints(values.Select(v => (int)Enum.Parse<CompanySize>(v)))}))",
            Facet.Company => $"m.CompanyId IN ({Ints(values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)))})",
            Facet.YearsOfExperience => string.Join(" OR ", values.Select(YearsCondition)),
            Facet.Skill => $"EXISTS (SELECT 1 FROM json_each(m.SkillIds) WHERE json_each.value IN ({Ints(values.Select(SkillId))}))",
            _ => throw new NotSupportedException($"The SQL baseline does not handle {criterion.Facet}."),
        };
    }

    private static IEnumerable<string> LocationConditions(SqliteCommand command, IReadOnlyList<string> values)
    {
        var countries = values.Where(v => !v.Contains('/')).ToList();
        if (countries.Count > 0)
        {
            yield return $"m.CountryCode IN ({Params(command, countries)})";
        }
        foreach (var region in values.Where(v => v.Contains('/')))
        {
            var parts = region.Split('/', 2);
            yield return $"(m.CountryCode = {Param(command, parts[0])} AND m.Region = {Param(command, parts[1])})";
        }
    }

    private static string YearsCondition(string key)
    {
        var band = ExperienceBands.All.FirstOrDefault(b => b.Key == key)
            ?? throw new NotSupportedException($"Unknown experience band '{key}'.");
        return band.Max == int.MaxValue
            ? $"m.YearsOfExperience >= {band.Min}"
            : $"m.YearsOfExperience BETWEEN {band.Min} AND {band.Max}";
    }

    private static int SkillId(string name) =>
        Taxonomy.SkillId(name) ?? throw new NotSupportedException($"Unknown skill '{name}'.");

    private static string Params(SqliteCommand command, IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => Param(command, v)));

    private static string Param(SqliteCommand command, string value)
    {
        var name = "$p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        command.Parameters.AddWithValue(name, value);
        return name;
    }

    private static string Ints(IEnumerable<int> values) =>
        string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
