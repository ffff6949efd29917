using System.Globalization;
using System.Text;
using Bogus;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Seeding;

/// <summary>
/// Generates a believable member network with Bogus. Deterministic: the same seed and size give the
/// same network, whichever thread generates which chunk, because every chunk of members draws from its
/// own randomizer derived from (seed, chunk index).
/// </summary>
public sealed class NetworkGenerator
{
    public const int ChunkSize = 10_000;

    private static readonly (Seniority Level, int Weight, int MinYears, int MaxYears)[] SeniorityMix =
    [
        (Seniority.Unpaid, 2, 0, 4),
        (Seniority.Training, 4, 0, 2),
        (Seniority.Entry, 25, 0, 4),
        (Seniority.Senior, 30, 4, 15),
        (Seniority.Manager, 16, 5, 20),
        (Seniority.Director, 9, 10, 28),
        (Seniority.VP, 4, 12, 32),
        (Seniority.CXO, 3, 15, 38),
        (Seniority.Partner, 2, 12, 35),
        (Seniority.Owner, 5, 3, 35),
    ];

    private static readonly (CompanySize Size, int Weight)[] CompanySizeMix =
    [
        (CompanySize.Self, 4), (CompanySize.From2To10, 14), (CompanySize.From11To50, 20),
        (CompanySize.From51To200, 20), (CompanySize.From201To500, 13), (CompanySize.From501To1000, 9),
        (CompanySize.From1001To5000, 10), (CompanySize.From5001To10000, 5), (CompanySize.Over10000, 5),
    ];

    private static readonly string[] PersonalMailDomains = ["mail.example", "inbox.example", "post.example"];

    private readonly int _seed;
    private readonly DateTime _now;
    private readonly Company[] _companies;
    private readonly double[] _companyCumulativeWeights;

    public NetworkGenerator(int seed, int memberCount, DateTime now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memberCount);
        _seed = seed;
        _now = now;
        MemberCount = memberCount;
        _companies = GenerateCompanies(seed, CompanyCountFor(memberCount));
        _companyCumulativeWeights = CumulativeCompanyWeights(_companies);
    }

    public int MemberCount { get; }

    public IReadOnlyList<Company> Companies => _companies;

    public int ChunkCount => (MemberCount + ChunkSize - 1) / ChunkSize;

    /// <summary>Roughly one company per 40 members, between 200 and 25,000.</summary>
    public static int CompanyCountFor(int memberCount) => Math.Clamp(memberCount / 40, 200, 25_000);

    /// <summary>Members of one chunk, with ids chunk*ChunkSize+1 onwards.</summary>
    public Member[] GenerateChunk(int chunkIndex)
    {
        var firstId = chunkIndex * ChunkSize + 1;
        var count = Math.Min(ChunkSize, MemberCount - chunkIndex * ChunkSize);
        var random = new Randomizer(unchecked(_seed * 7919 + chunkIndex * 104_729 + 17));
        var names = new Bogus.DataSets.Name("en") { Random = random };
        var members = new Member[count];
        for (var i = 0; i < count; i++)
        {
            members[i] = GenerateMember(firstId + i, random, names);
        }
        return members;
    }

    private Member GenerateMember(int id, Randomizer random, Bogus.DataSets.Name names)
    {
        var company = PickCompany(random);
        var (seniority, minYears, maxYears) = PickSeniority(random);
        var function = Taxonomy.Functions[random.Number(Taxonomy.Functions.Count - 1)];
        var country = random.Double() < 0.8 ? Taxonomy.FindCountry(company.CountryCode)! : PickCountry(random);
        var firstName = names.FirstName();
        var lastName = names.LastName();
        var title = Taxonomy.TitleFor(function, seniority, random.Bool(0.3f));
        var skills = PickSkills(random, function);
        var language = country.Language != "en" && random.Double() < 0.3 ? "en" : country.Language;
        var activeWithin30Days = random.Double() < 0.7;
        var lastActive = activeWithin30Days
            ? _now.AddMinutes(-random.Number(0, 29 * 24 * 60))
            : _now.AddDays(-random.Number(31, 400)).AddMinutes(-random.Number(0, 24 * 60));

        return new Member
        {
            Id = id,
            FirstName = firstName,
            LastName = lastName,
            Email = EmailFor(firstName, lastName, id, random.Double() < 0.6 ? company.Domain : random.ArrayElement(PersonalMailDomains)),
            Headline = random.Double() < 0.75
                ? $"{title} at {company.Name}"
                : $"{title} | {Taxonomy.SkillName(skills[0])} | {Taxonomy.SkillName(skills[1])}",
            CountryCode = country.Code,
            Region = random.ArrayElement(country.Regions),
            Industry = random.Double() < 0.85 ? company.Industry : Taxonomy.Industries[random.Number(Taxonomy.Industries.Count - 1)],
            CompanyId = company.Id,
            JobTitle = title,
            JobFunction = function.Name,
            Seniority = seniority,
            SkillIds = skills,
            YearsOfExperience = random.Number(minYears, maxYears),
            ProfileLanguage = language,
            LastActiveAt = lastActive,
            PersonalizationOff = random.Double() < 0.04,
        };
    }

    private Company PickCompany(Randomizer random)
    {
        var index = Array.BinarySearch(_companyCumulativeWeights, random.Double() * _companyCumulativeWeights[^1]);
        return _companies[index < 0 ? Math.Min(~index, _companies.Length - 1) : index];
    }

    private static (Seniority, int, int) PickSeniority(Randomizer random)
    {
        var roll = random.Number(1, 100);
        foreach (var (level, weight, minYears, maxYears) in SeniorityMix)
        {
            roll -= weight;
            if (roll <= 0)
            {
                return (level, minYears, maxYears);
            }
        }
        return (Seniority.Senior, 4, 15);
    }

    private static Taxonomy.Country PickCountry(Randomizer random)
    {
        var total = Taxonomy.Countries.Sum(c => c.Weight);
        var roll = random.Number(1, total);
        foreach (var country in Taxonomy.Countries)
        {
            roll -= country.Weight;
            if (roll <= 0)
            {
                return country;
            }
        }
        return Taxonomy.Countries[0];
    }

    private static List<int> PickSkills(Randomizer random, Taxonomy.JobFunction function)
    {
        // Mostly skills of the member's own function, topped up with general ones: 5–15 in all.
        var wanted = random.Number(5, 15);
        var fromFunction = Math.Min(function.Skills.Length, random.Number(3, Math.Min(10, wanted)));
        var chosen = new List<int>(wanted);
        foreach (var name in random.Shuffle(function.Skills).Take(fromFunction))
        {
            chosen.Add(Taxonomy.SkillId(name)!.Value);
        }
        while (chosen.Count < wanted)
        {
            var id = random.Double() < 0.6
                ? Taxonomy.SkillId(Taxonomy.GeneralSkills[random.Number(Taxonomy.GeneralSkills.Count - 1)])!.Value
                : random.Number(Taxonomy.Skills.Count - 1);
            if (!chosen.Contains(id))
            {
                chosen.Add(id);
            }
        }
        return chosen;
    }

    private static Company[] GenerateCompanies(int seed, int count)
    {
        var random = new Randomizer(unchecked(seed * 31 + 5));
        var bogusCompany = new Bogus.DataSets.Company { Random = random };
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var companies = new Company[count];
        for (var i = 0; i < count; i++)
        {
            var name = bogusCompany.CompanyName();
            for (var suffix = 2; !usedNames.Add(name); suffix++)
            {
                name = $"{bogusCompany.CompanyName()} {random.ArrayElement(["Group", "Labs", "Partners", "Systems", "Works"])}";
                if (suffix > 5)
                {
                    name = $"{name} {suffix}";
                }
            }
            companies[i] = new Company
            {
                Id = i + 1,
                Name = name,
                Domain = Slug(name) + ".example",
                Industry = Taxonomy.Industries[random.Number(Taxonomy.Industries.Count - 1)],
                Size = PickCompanySize(random),
                CountryCode = PickCountry(random).Code,
            };
        }
        return companies;
    }

    private static CompanySize PickCompanySize(Randomizer random)
    {
        var roll = random.Number(1, CompanySizeMix.Sum(s => s.Weight));
        foreach (var (size, weight) in CompanySizeMix)
        {
            roll -= weight;
            if (roll <= 0)
            {
                return size;
            }
        }
        return CompanySize.From51To200;
    }

    /// <summary>Bigger companies employ more of the network's members.</summary>
    private static double[] CumulativeCompanyWeights(Company[] companies)
    {
        var cumulative = new double[companies.Length];
        double total = 0;
        for (var i = 0; i < companies.Length; i++)
        {
            total += (int)companies[i].Size * (int)companies[i].Size;
            cumulative[i] = total;
        }
        return cumulative;
    }

    private static string EmailFor(string firstName, string lastName, int id, string domain) =>
        $"{Slug(firstName)}.{Slug(lastName)}{id % 997}@{domain}";

    internal static string Slug(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if ((c == ' ' || c == '-') && builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }
        return builder.ToString().Trim('-').ToString(CultureInfo.InvariantCulture);
    }
}
