using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Audiences;

/// <summary>What an upload gave: <see cref="MatchRate"/> is the share of accepted rows that matched at least one member.</summary>
public sealed record MatchedAudienceSummary(
    int Id, string Name, MatchedListKind Kind, int RowsRead, int RowsRejected, int MembersMatched, double MatchRate,
    bool UsableForLaunch, string? UnusableReason);

/// <summary>A saved matched audience in the account's list.</summary>
public sealed record MatchedAudienceListItem(
    int Id, string Name, MatchedListKind Kind, string FileName, int RowsRead, int RowsRejected, int MembersMatched,
    bool UsableForLaunch, string? UnusableReason, DateTime CreatedAt);

/// <summary>Where an upload is: <see cref="RowsTotal"/> is null while the file is still being read.</summary>
public sealed record ImportProgress(string Stage, int RowsDone, int? RowsTotal)
{
    public const string Reading = "Reading the file";
    public const string Matching = "Matching members";
    public const string Saving = "Saving";
    public const string Done = "Done";
}

/// <summary>The rejected rows of an upload as a CSV download (line, value, reason).</summary>
public sealed record RejectionsDownload(string FileName, string Csv);

/// <summary>
/// Matched audiences (SPEC §2, §3): a Manager uploads a company list or a contact list as CSV; it is
/// matched against the member network once, and the list with its matched members is saved in one
/// transaction, then announced to the <see cref="AudienceIndex"/>. Refused uploads save nothing; rows that
/// cannot be used are rejected with their line and a reason, offered back as a CSV download.
/// </summary>
public sealed class MatchedAudienceImporter(
    IDbContextFactory<AppDbContext> factory,
    AccountScope scope,
    IBulkWriter bulkWriter,
    IOptions<AudienceOptions> options,
    TimeProvider clock)
{
    /// <summary>Values per IN query while matching (and rows per progress report).</summary>
    public const int BatchSize = 500;

    private const int MaxFileNameLength = 260;

    public async Task<Result<MatchedAudienceSummary>> ImportAsync(
        string actorUserId, int accountId, string name, MatchedListKind kind, string fileName, Stream content,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync<MatchedAudience>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        var errors = new List<FieldError>();
        var listName = (name ?? "").Trim();
        if (await NameErrorAsync(accountId, listName, ct) is { } nameError)
        {
            errors.Add(nameError);
        }
        if (!Enum.IsDefined(kind))
        {
            errors.Add(new FieldError("kind", "Choose whether the file is a company list or a contact list."));
            return Result.Fail(errors);
        }
        if (content is null)
        {
            errors.Add(new FieldError("file", "Choose a CSV file to upload."));
            return Result.Fail(errors);
        }

        var parsed = await MatchedAudienceCsv.ReadAsync(content, kind, rows => progress?.Report(new(ImportProgress.Reading, rows, null)), ct);
        if (parsed.Error is { } fileError)
        {
            errors.Add(fileError);
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }

        var (memberIds, rowsMatched) = kind == MatchedListKind.Companies
            ? await MatchCompaniesAsync(parsed.Rows, progress, ct)
            : await MatchContactsAsync(parsed.Rows, progress, ct);

        progress?.Report(new(ImportProgress.Saving, 0, memberIds.Count));
        var list = new MatchedAudience
        {
            AdvertiserAccountId = accountId,
            Name = listName,
            Kind = kind,
            FileName = CleanFileName(fileName),
            RowsRead = parsed.RowsRead,
            RowsRejected = parsed.Rejections.Count,
            MembersMatched = memberIds.Count,
            RejectionsCsv = MatchedAudienceCsv.WriteRejections(parsed.Rejections),
            CreatedByUserId = actorUserId,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Checked again inside the write transaction: another upload may have taken the name meanwhile. Uploads
            // of one account take turns from here to their commit, so two cannot both find the name free.
            await db.LockNameAsync($"matched-list-names:{accountId}", ct);
            if (await NameTakenAsync(db, accountId, listName, ct))
            {
                return Result.Fail("name", DuplicateName(listName));
            }
            db.MatchedAudiences.Add(list);
            await db.SaveChangesAsync(ct);
            await bulkWriter.WriteMatchedMembersAsync(transaction.GetDbTransaction(), list.Id, memberIds, ct);
            await transaction.CommitAsync(ct);
        }
        progress?.Report(new(ImportProgress.Done, memberIds.Count, memberIds.Count));

        var accepted = parsed.Rows.Count;
        return Result<MatchedAudienceSummary>.Ok(new MatchedAudienceSummary(
            list.Id, list.Name, kind, list.RowsRead, list.RowsRejected, list.MembersMatched,
            accepted == 0 ? 0 : (double)rowsMatched / accepted, IsUsable(list.MembersMatched), UnusableReason(list.MembersMatched)));
    }

    /// <summary>The account's matched audiences, newest first; empty for someone without a seat.</summary>
    public async Task<IReadOnlyList<MatchedAudienceListItem>> ListAsync(string actorUserId, int accountId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var lists = await db.MatchedAudiences.AsNoTracking()
            .Where(a => a.AdvertiserAccountId == accountId)
            .OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id)
            .Select(a => new { a.Id, a.Name, a.Kind, a.FileName, a.RowsRead, a.RowsRejected, a.MembersMatched, a.CreatedAt })
            .ToListAsync(ct);
        return lists.Select(a => new MatchedAudienceListItem(a.Id, a.Name, a.Kind, a.FileName, a.RowsRead, a.RowsRejected,
            a.MembersMatched, IsUsable(a.MembersMatched), UnusableReason(a.MembersMatched), a.CreatedAt)).ToList();
    }

    /// <summary>One of the account's matched audiences, or null when there is no such list for the caller.</summary>
    public async Task<MatchedAudienceListItem?> GetAsync(string actorUserId, int accountId, int matchedAudienceId, CancellationToken ct = default) =>
        (await ListAsync(actorUserId, accountId, ct)).FirstOrDefault(a => a.Id == matchedAudienceId);

    /// <summary>The rejected rows of one of the account's lists as CSV, or null when there is no such list for the caller.</summary>
    public async Task<RejectionsDownload?> GetRejectionsCsvAsync(string actorUserId, int accountId, int matchedAudienceId, CancellationToken ct = default)
    {
        if (!await scope.HasSeatAsync(actorUserId, accountId, ct))
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var list = await db.MatchedAudiences.AsNoTracking()
            .WhereOwned(accountId, matchedAudienceId)
            .Select(a => new { a.FileName, a.RejectionsCsv })
            .FirstOrDefaultAsync(ct);
        return list is null ? null : new RejectionsDownload(RejectionsFileName(list.FileName), list.RejectionsCsv);
    }

    /// <summary>A Manager deletes one of the account's lists with its matched members.</summary>
    public async Task<Result> DeleteAsync(string actorUserId, int accountId, int matchedAudienceId, CancellationToken ct = default)
    {
        if (await scope.RequireManagerAsync<MatchedAudience>(actorUserId, accountId, ct) is { } refused)
        {
            return refused;
        }
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.LockAsync<MatchedAudience>(matchedAudienceId, ct);
            var lists = db.MatchedAudiences.WhereOwned(accountId, matchedAudienceId);
            if (!await lists.AnyAsync(ct))
            {
                return AccountScope.NotFound<MatchedAudience>();
            }
            if (await SavedAudiencesUsingAsync(db, accountId, matchedAudienceId, ct) is [var first, ..] users)
            {
                var others = users.Count > 1 ? $" (and {users.Count - 1} more)" : "";
                return Result.Fail("list", $"The saved audience \"{first}\"{others} targets this list; take the list out of it before deleting.");
            }
            await db.MatchedAudienceMembers.Where(m => m.MatchedAudienceId == matchedAudienceId).ExecuteDeleteAsync(ct);
            await lists.ExecuteDeleteAsync(ct);
            await ChangeLog.AppendAsync(db, new MatchedAudienceDeleted(matchedAudienceId, accountId), clock.GetUtcNow().UtcDateTime, ct);
            await transaction.CommitAsync(ct);
        }
        return Result.Ok;
    }

    /// <summary>Names of the account's saved audiences that include or exclude the list.</summary>
    private static async Task<List<string>> SavedAudiencesUsingAsync(AppDbContext db, int accountId, int matchedAudienceId, CancellationToken ct)
    {
        var key = matchedAudienceId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var saved = await db.SavedAudiences.AsNoTracking()
            .Where(a => a.AdvertiserAccountId == accountId)
            .OrderBy(a => a.Name)
            .Select(a => new { a.Name, a.TargetingJson })
            .ToListAsync(ct);
        return saved
            .Where(a => Targeting.FromJson(a.TargetingJson) is var t
                && (t.IncludedValues(Facet.MatchedAudience).Contains(key) || t.ExcludedValues(Facet.MatchedAudience).Contains(key)))
            .Select(a => a.Name)
            .ToList();
    }

    private bool IsUsable(int membersMatched) => membersMatched >= options.Value.MinimumAudienceSize;

    private string? UnusableReason(int membersMatched) => IsUsable(membersMatched)
        ? null
        : $"Only {membersMatched:N0} {(membersMatched == 1 ? "member" : "members")} matched; a list needs at least " +
          $"{options.Value.MinimumAudienceSize:N0} matched members to be used in a launch.";

    /// <summary>Company list: every member of a company whose normalized name, or whose domain, the row gives.</summary>
    private async Task<(HashSet<int> MemberIds, int RowsMatched)> MatchCompaniesAsync(
        IReadOnlyList<ListRow> rows, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var companies = await CompanyLookup.LoadAsync(db, ct);
        var memberIds = new HashSet<int>();
        var queried = new HashSet<int>();
        var withMembers = new HashSet<int>();
        var rowsMatched = 0;
        var done = 0;
        progress?.Report(new(ImportProgress.Matching, 0, rows.Count));
        foreach (var batch in rows.Chunk(BatchSize))
        {
            var rowCompanies = batch.Select(r => companies.Find(r.Company, r.Host)).ToList();
            foreach (var chunk in rowCompanies.SelectMany(ids => ids).Where(queried.Add).Chunk(BatchSize))
            {
                var found = await db.Members.AsNoTracking()
                    .Where(m => chunk.Contains(m.CompanyId))
                    .Select(m => new { m.Id, m.CompanyId })
                    .ToListAsync(ct);
                foreach (var m in found)
                {
                    memberIds.Add(m.Id);
                    withMembers.Add(m.CompanyId);
                }
            }
            rowsMatched += rowCompanies.Count(ids => ids.Any(withMembers.Contains));
            done += batch.Length;
            progress?.Report(new(ImportProgress.Matching, done, rows.Count));
        }
        return (memberIds, rowsMatched);
    }

    /// <summary>
    /// Contact list: the member with the row's e-mail (case-insensitive); failing that, members with the row's
    /// first and last name at a company of the row's company name.
    /// </summary>
    private async Task<(HashSet<int> MemberIds, int RowsMatched)> MatchContactsAsync(
        IReadOnlyList<ListRow> rows, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var companies = rows.Any(HasNames) ? await CompanyLookup.LoadAsync(db, ct) : CompanyLookup.Empty;
        var memberIds = new HashSet<int>();
        var queriedCompanies = new HashSet<int>();
        var byName = new Dictionary<(int CompanyId, string First, string Last), List<int>>();
        var rowsMatched = 0;
        var done = 0;
        progress?.Report(new(ImportProgress.Matching, 0, rows.Count));
        foreach (var batch in rows.Chunk(BatchSize))
        {
            var byEmail = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
            // Stored addresses are lower case (the network writes them so); the index on Email then serves the IN query,
            // and the comparison above stays case-insensitive.
            foreach (var chunk in batch.Where(r => r.Email is not null).Select(r => r.Email!).Distinct().Chunk(BatchSize))
            {
                var found = await db.Members.AsNoTracking()
                    .Where(m => chunk.Contains(m.Email))
                    .Select(m => new { m.Id, m.Email })
                    .ToListAsync(ct);
                foreach (var m in found)
                {
                    Add(byEmail, m.Email, m.Id);
                }
            }

            var byNameRows = batch.Where(r => HasNames(r) && (r.Email is null || !byEmail.ContainsKey(r.Email))).ToList();
            var rowCompanies = byNameRows.ToDictionary(r => r, r => companies.Find(r.Company, null));
            foreach (var chunk in rowCompanies.Values.SelectMany(ids => ids).Where(queriedCompanies.Add).Chunk(BatchSize))
            {
                var found = await db.Members.AsNoTracking()
                    .Where(m => chunk.Contains(m.CompanyId))
                    .Select(m => new { m.Id, m.CompanyId, m.FirstName, m.LastName })
                    .ToListAsync(ct);
                foreach (var m in found)
                {
                    Add(byName, (m.CompanyId, MatchedAudienceCsv.NormalizeName(m.FirstName), MatchedAudienceCsv.NormalizeName(m.LastName)), m.Id);
                }
            }

            foreach (var row in batch)
            {
                IEnumerable<int> hits = row.Email is not null && byEmail.TryGetValue(row.Email, out var emailHits)
                    ? emailHits
                    : rowCompanies.TryGetValue(row, out var companyIds)
                        ? companyIds.SelectMany(c => byName.GetValueOrDefault((c, MatchedAudienceCsv.NormalizeName(row.FirstName!),
                            MatchedAudienceCsv.NormalizeName(row.LastName!))) ?? [])
                        : [];
                var matched = false;
                foreach (var id in hits)
                {
                    memberIds.Add(id);
                    matched = true;
                }
                if (matched)
                {
                    rowsMatched++;
                }
            }
            done += batch.Length;
            progress?.Report(new(ImportProgress.Matching, done, rows.Count));
        }
        return (memberIds, rowsMatched);
    }

    private static bool HasNames(ListRow row) => row.FirstName is not null && row.LastName is not null && row.Company is not null;

    private static void Add<TKey>(Dictionary<TKey, List<int>> map, TKey key, int id) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var ids))
        {
            ids = [];
            map[key] = ids;
        }
        ids.Add(id);
    }

    private async Task<FieldError?> NameErrorAsync(int accountId, string name, CancellationToken ct)
    {
        if (name.Length == 0)
        {
            return new FieldError("name", "Give the list a name.");
        }
        if (name.Length > AudienceRules.MaxNameLength)
        {
            return new FieldError("name", $"Use at most {AudienceRules.MaxNameLength} characters for the name (this one has {name.Length}).");
        }
        var lineErrors = new List<FieldError>();
        FieldRules.SingleLine(lineErrors, "name", "The name", name, 1, AudienceRules.MaxNameLength);
        if (lineErrors.Count > 0)
        {
            return lineErrors[0];
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        return await NameTakenAsync(db, accountId, name, ct) ? new FieldError("name", DuplicateName(name)) : null;
    }

    private static async Task<bool> NameTakenAsync(AppDbContext db, int accountId, string name, CancellationToken ct)
    {
        var names = await db.MatchedAudiences.AsNoTracking()
            .Where(a => a.AdvertiserAccountId == accountId)
            .Select(a => a.Name)
            .ToListAsync(ct);
        return names.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    private static string DuplicateName(string name) => $"This account already has a matched audience named \"{name}\"; choose another name.";

    private static string CleanFileName(string? fileName)
    {
        var clean = Path.GetFileName((fileName ?? "").Replace('\\', '/')).Trim();
        if (clean.Length == 0)
        {
            return "upload.csv";
        }
        return clean.Length <= MaxFileNameLength ? clean : clean[..MaxFileNameLength];
    }

    private static string RejectionsFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        return $"{(stem.Length == 0 ? "upload" : stem)}-rejections.csv";
    }

    /// <summary>The network's companies by normalized name and by domain, for matching list rows in memory.</summary>
    private sealed class CompanyLookup
    {
        private readonly Dictionary<string, List<int>> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _byDomain = new(StringComparer.Ordinal);

        public static CompanyLookup Empty { get; } = new();

        /// <summary>
        /// One read of (id, name, domain) for every company: names are compared after normalization, which SQL
        /// cannot index, and the table is small beside the members (at most one company per 40 members).
        /// </summary>
        public static async Task<CompanyLookup> LoadAsync(AppDbContext db, CancellationToken ct)
        {
            var lookup = new CompanyLookup();
            await foreach (var c in db.Companies.AsNoTracking().Select(c => new { c.Id, c.Name, c.Domain }).AsAsyncEnumerable().WithCancellation(ct))
            {
                Add(lookup._byName, MatchedAudienceCsv.NormalizeCompany(c.Name), c.Id);
                if (MatchedAudienceCsv.HostOf(c.Domain) is { } host)
                {
                    Add(lookup._byDomain, host, c.Id);
                }
            }
            return lookup;
        }

        public IReadOnlyCollection<int> Find(string? company, string? host)
        {
            var byName = company is null ? null : _byName.GetValueOrDefault(MatchedAudienceCsv.NormalizeCompany(company));
            var byDomain = host is null ? null : _byDomain.GetValueOrDefault(host);
            return (byName, byDomain) switch
            {
                (null, null) => [],
                (_, null) => byName,
                (null, _) => byDomain,
                _ => byName.Union(byDomain).ToList(),
            };
        }
    }
}
