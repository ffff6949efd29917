using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Audiences;

public sealed partial class AudienceIndex
{
    /// <summary>Facets answered from one bitset per value.</summary>
    private static readonly Facet[] BitsetFacetKinds =
        [Facet.Location, Facet.Industry, Facet.JobFunction, Facet.Seniority, Facet.CompanySize, Facet.ProfileLanguage, Facet.YearsOfExperience];

    /// <summary>Facets answered from one sorted posting list per value.</summary>
    private static readonly Facet[] PostingFacetKinds = [Facet.JobTitle, Facet.Skill, Facet.Company];

    private sealed class IndexState
    {
        public IndexState(int capacity)
        {
            Capacity = capacity;
            Words = Bits.WordsFor(capacity);
            Exists = new ulong[Words];
            OptedOutAll = new ulong[Words];
            Active = new ulong[Words];
            CappedAny = new ulong[Words];
            LastActive = NewColumn(capacity);
            LastSponsored = NewColumn(capacity);
            foreach (var facet in BitsetFacetKinds)
            {
                BitsetFacets[facet] = new Dictionary<string, ulong[]>(StringComparer.OrdinalIgnoreCase);
            }
            foreach (var facet in PostingFacetKinds)
            {
                PostingFacets[facet] = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
            }
        }

        public int Capacity { get; private set; }
        public int Words { get; private set; }
        public int MemberCount { get; set; }
        public ulong[] Exists { get; private set; }
        public ulong[] OptedOutAll { get; private set; }
        public ulong[] Active { get; private set; }
        public ulong[] CappedAny { get; private set; }
        public int[] LastActive { get; private set; }
        public int[] LastSponsored { get; private set; }
        public int DerivedAtMinute { get; set; } = int.MinValue;

        public Dictionary<Facet, Dictionary<string, ulong[]>> BitsetFacets { get; } = [];
        public Dictionary<Facet, Dictionary<string, List<int>>> PostingFacets { get; } = [];

        /// <summary>Regions keyed "CC/Region"; countries are bitsets under <see cref="Facet.Location"/>.</summary>
        public Dictionary<string, List<int>> Regions { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<int, (string Name, CompanySize Size)> Companies { get; } = [];
        public Dictionary<int, HashSet<int>> OptedOutOfAdvertiser { get; } = [];
        public Dictionary<int, HashSet<int>> OptedOutOfSender { get; } = [];

        /// <summary>Per advertiser account: member → minute of their latest sponsored message from it.</summary>
        public Dictionary<int, Dictionary<int, int>> AccountReceipts { get; } = [];

        public Dictionary<int, MatchedList> Matched { get; } = [];

        /// <summary>Launched campaigns and who opened, clicked or sent a lead for each (engaged audiences).</summary>
        public Dictionary<int, EngagedCampaign> Engaged { get; } = [];

        public ulong[] BitsetFor(Facet facet, string value)
        {
            var sets = BitsetFacets[facet];
            if (!sets.TryGetValue(value, out var bits))
            {
                bits = new ulong[Words];
                sets[value] = bits;
            }
            return bits;
        }

        public List<int> PostingsFor(Dictionary<string, List<int>> postings, string value)
        {
            if (!postings.TryGetValue(value, out var list))
            {
                list = [];
                postings[value] = list;
            }
            return list;
        }

        /// <summary>Makes room for member ids up to <paramref name="id"/> (new members are appended).</summary>
        public void EnsureCapacity(int id)
        {
            if (id < Capacity)
            {
                return;
            }
            var capacity = Math.Max(id + 1, Capacity + Capacity / 4 + 64);
            var words = Bits.WordsFor(capacity);
            Exists = Bits.Grow(Exists, words);
            OptedOutAll = Bits.Grow(OptedOutAll, words);
            Active = Bits.Grow(Active, words);
            CappedAny = Bits.Grow(CappedAny, words);
            foreach (var sets in BitsetFacets.Values)
            {
                foreach (var key in sets.Keys.ToList())
                {
                    sets[key] = Bits.Grow(sets[key], words);
                }
            }
            LastActive = GrowColumn(LastActive, capacity);
            LastSponsored = GrowColumn(LastSponsored, capacity);
            Capacity = capacity;
            Words = words;
        }

        public long EstimatedBytes()
        {
            long bytes = (long)Words * 8 * (4 + BitsetFacets.Values.Sum(s => s.Count));
            bytes += (long)Capacity * 4 * 2;
            bytes += PostingFacets.Values.Sum(p => p.Values.Sum(l => (long)l.Capacity * 4 + 32));
            bytes += Regions.Values.Sum(l => (long)l.Capacity * 4 + 32);
            bytes += Matched.Values.Sum(m => (long)m.Members.Length * 4);
            bytes += OptedOutOfAdvertiser.Values.Sum(s => (long)s.Count * 12) + OptedOutOfSender.Values.Sum(s => (long)s.Count * 12);
            bytes += AccountReceipts.Values.Sum(r => (long)r.Count * 16);
            return bytes;
        }

        private static int[] NewColumn(int capacity)
        {
            var column = new int[capacity];
            Array.Fill(column, Never);
            return column;
        }

        private static int[] GrowColumn(int[] column, int capacity)
        {
            var grown = NewColumn(capacity);
            column.CopyTo(grown, 0);
            return grown;
        }
    }

    /// <summary>Collects members streamed in id order, then lays out bitsets once the highest id is known.</summary>
    private sealed class IndexBuilder
    {
        private readonly Dictionary<int, (string Name, CompanySize Size)> _companies;
        private readonly Dictionary<Facet, Dictionary<string, List<int>>> _lowCardinality = [];
        private readonly Dictionary<Facet, Dictionary<string, List<int>>> _postings = [];
        private readonly Dictionary<string, List<int>> _regions = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<(int Id, int LastActive)> _activity = [];
        private int _maxId;

        public IndexBuilder(IReadOnlyList<Company> companies)
        {
            _companies = companies.ToDictionary(c => c.Id, c => (c.Name, c.Size));
            foreach (var facet in BitsetFacetKinds)
            {
                _lowCardinality[facet] = new(StringComparer.OrdinalIgnoreCase);
            }
            foreach (var facet in PostingFacetKinds)
            {
                _postings[facet] = new(StringComparer.OrdinalIgnoreCase);
            }
        }

        public void Add(MemberFacts m)
        {
            _maxId = Math.Max(_maxId, m.Id);
            foreach (var (facet, value) in BitsetValues(m, _companies))
            {
                Append(_lowCardinality[facet], value, m.Id);
            }
            Append(_regions, RegionKey(m.CountryCode, m.Region), m.Id);
            Append(_postings[Facet.JobTitle], m.JobTitle, m.Id);
            Append(_postings[Facet.Company], CompanyKey(m.CompanyId), m.Id);
            foreach (var skill in m.SkillIds)
            {
                Append(_postings[Facet.Skill], Taxonomy.SkillName(skill), m.Id);
            }
            _activity.Add((m.Id, ToMinute(m.LastActiveAt)));
        }

        public IndexState Build()
        {
            var state = new IndexState(_maxId + 1);
            foreach (var (id, _) in _activity)
            {
                Bits.Set(state.Exists, id);
            }
            state.MemberCount = _activity.Count;
            foreach (var (id, minute) in _activity)
            {
                state.LastActive[id] = minute;
            }
            foreach (var (facet, values) in _lowCardinality)
            {
                foreach (var (value, ids) in values)
                {
                    Bits.SetAll(state.BitsetFor(facet, value), ids);
                }
            }
            foreach (var (facet, values) in _postings)
            {
                foreach (var (value, ids) in values)
                {
                    ids.TrimExcess();
                    state.PostingFacets[facet][value] = ids;
                }
            }
            foreach (var (value, ids) in _regions)
            {
                ids.TrimExcess();
                state.Regions[value] = ids;
            }
            foreach (var (id, company) in _companies)
            {
                state.Companies[id] = company;
            }
            return state;
        }

        private static void Append(Dictionary<string, List<int>> lists, string key, int id)
        {
            if (!lists.TryGetValue(key, out var list))
            {
                list = [];
                lists[key] = list;
            }
            list.Add(id);
        }
    }

    internal static string RegionKey(string countryCode, string region) => $"{countryCode}/{region}";

    internal static string CompanyKey(int companyId) => companyId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The bitset facet values a member carries.</summary>
    private static IEnumerable<(Facet Facet, string Value)> BitsetValues(MemberFacts m, Dictionary<int, (string Name, CompanySize Size)> companies)
    {
        yield return (Facet.Location, m.CountryCode);
        yield return (Facet.Industry, m.Industry);
        yield return (Facet.JobFunction, m.JobFunction);
        yield return (Facet.Seniority, m.Seniority.ToString());
        yield return (Facet.ProfileLanguage, m.ProfileLanguage);
        yield return (Facet.YearsOfExperience, ExperienceBands.All[ExperienceBands.IndexOf(m.YearsOfExperience)].Key);
        if (companies.TryGetValue(m.CompanyId, out var company))
        {
            yield return (Facet.CompanySize, company.Size.ToString());
        }
    }
}
