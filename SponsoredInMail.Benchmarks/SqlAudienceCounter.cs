using System.Data.Common;
using System.Globalization;
using System.Text;
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
/// <item>frequency-capped: always 0 — the network is seeded without demo campaigns, so nobody has been sent anything
///   and the index's caps are empty too;</item>
/// <item>inactive: not opted out and LastActiveAt before ActivityPolicy.ActiveSince (now − Delivery:ActiveWithinDays);</item>
/// <item>deliverable: not opted out and LastActiveAt at or after that instant (counted on its own, not by subtraction).</item>
/// </list>
/// The query is written once, in SQL both providers read (quoted identifiers, @parameters, CASE for booleans); a
/// provider's subclass (<c>Sqlite/</c>, <c>Postgres/</c>) supplies only what its dialect spells differently: how a
/// member's skill list is searched and how the activity instant is compared with the stored one.
/// </summary>
internal abstract class SqlAudienceCounter(DbConnection connection, int accountId)
{
    public AudienceBreakdown Count(Targeting targeting)
    {
        using var command = Build(targeting);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("The count query returned no row.");
        }
        var matching = checked((int)reader.GetInt64(0));
        var optedOut = checked((int)reader.GetInt64(1));
        var inactive = checked((int)reader.GetInt64(2));
        var deliverable = checked((int)reader.GetInt64(3));
        const int capped = 0; // No deliveries in the network: nobody is frequency-capped.
        return new AudienceBreakdown(matching, optedOut, capped, inactive, deliverable);
    }

    /// <summary>The SQL of one targeting, for error messages.</summary>
    public string Describe(Targeting targeting)
    {
        using var command = Build(targeting);
        var text = new StringBuilder(command.CommandText).AppendLine().Append("-- parameters:");
        foreach (DbParameter p in command.Parameters)
        {
            text.Append(" @").Append(p.ParameterName).Append('=').Append(p.Value);
        }
        return text.ToString();
    }

    /// <summary>The activity cutoff as this provider compares it with the stored <c>LastActiveAt</c>.</summary>
    protected abstract object ActiveSince { get; }

    /// <summary>A condition true when the member's <c>SkillIds</c> (<paramref name="column"/>) hold any of <paramref name="skillIds"/>.</summary>
    protected abstract string AnySkill(string column, string skillIds);

    private DbCommand Build(Targeting targeting)
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
        Add(command, "account", accountId);
        Add(command, "activeSince", ActiveSince);
        command.CommandText = $"""
            SELECT COUNT(*),
                   COALESCE(SUM(opted), 0),
                   COALESCE(SUM(CASE WHEN opted = 0 AND lastActive < @activeSince THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN opted = 0 AND lastActive >= @activeSince THEN 1 ELSE 0 END), 0)
            FROM (
                SELECT m."LastActiveAt" AS lastActive,
                       CASE WHEN EXISTS (SELECT 1 FROM "MemberOptOuts" o
                                         WHERE o."MemberId" = m."Id"
                                           AND (o."Scope" = {(int)OptOutScope.All}
                                                OR (o."Scope" = {(int)OptOutScope.Advertiser} AND o."AdvertiserAccountId" = @account)))
                            THEN 1 ELSE 0 END AS opted
                FROM "Members" m
                WHERE {(where.Count == 0 ? "1 = 1" : string.Join("\n  AND ", where))}
            ) AS matching
            """;
        return command;
    }

    /// <summary>A SQL condition true for members with any of the criterion's values (never NULL, so NOT works).</summary>
    private string Condition(DbCommand command, FacetCriterion criterion)
    {
        var values = criterion.Values;
        if (values.Count == 0)
        {
            return "1 = 0";
        }
        return criterion.Facet switch
        {
            Facet.Location => string.Join(" OR ", LocationConditions(command, values)),
            Facet.Industry => $"m.\"Industry\" IN ({Params(command, values)})",
            Facet.JobFunction => $"m.\"JobFunction\" IN ({Params(command, values)})",
            Facet.JobTitle => $"m.\"JobTitle\" IN ({Params(command, values)})",
            Facet.ProfileLanguage => $"m.\"ProfileLanguage\" IN ({Params(command, values)})",
            Facet.Seniority => $"m.\"Seniority\" IN ({Ints(values.Select(v => (int)Enum.Parse<Seniority>(v)))})",
            // A join on Companies, written as a semi-join so that a member without a company row is simply not in the set.
            Facet.CompanySize => $"m.\"CompanyId\" IN (SELECT c.\"Id\" FROM \"Companies\" c WHERE c.\"Size\" IN ({Ints(values.Select(v => (int)Enum.Parse<CompanySize>(v)))}))",
            Facet.Company => $"m.\"CompanyId\" IN ({Ints(values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)))})",
            Facet.YearsOfExperience => string.Join(" OR ", values.Select(YearsCondition)),
            Facet.Skill => AnySkill("m.\"SkillIds\"", Ints(values.Select(SkillId))),
            _ => throw new NotSupportedException($"The SQL baseline does not handle {criterion.Facet}."),
        };
    }

    private static IEnumerable<string> LocationConditions(DbCommand command, IReadOnlyList<string> values)
    {
        var countries = values.Where(v => !v.Contains('/')).ToList();
        if (countries.Count > 0)
        {
            yield return $"m.\"CountryCode\" IN ({Params(command, countries)})";
        }
        foreach (var region in values.Where(v => v.Contains('/')))
        {
            var parts = region.Split('/', 2);
            yield return $"(m.\"CountryCode\" = {Param(command, parts[0])} AND m.\"Region\" = {Param(command, parts[1])})";
        }
    }

    private static string YearsCondition(string key)
    {
        var band = ExperienceBands.All.FirstOrDefault(b => b.Key == key)
            ?? throw new NotSupportedException($"Unknown experience band '{key}'.");
        return band.Max == int.MaxValue
            ? $"m.\"YearsOfExperience\" >= {band.Min}"
            : $"m.\"YearsOfExperience\" BETWEEN {band.Min} AND {band.Max}";
    }

    private static int SkillId(string name) =>
        Taxonomy.SkillId(name) ?? throw new NotSupportedException($"Unknown skill '{name}'.");

    private static string Params(DbCommand command, IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => Param(command, v)));

    private static string Param(DbCommand command, string value)
    {
        var name = "p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        Add(command, name, value);
        return "@" + name;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string Ints(IEnumerable<int> values) =>
        string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
