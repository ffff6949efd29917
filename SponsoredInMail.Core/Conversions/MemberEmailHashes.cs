using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Conversions;

/// <summary>
/// Finds members by the SHA-256 of their e-mail (the Conversions API's privacy-safe match key), among the members an
/// account has touched: sent to, or held out from, one of its campaigns. Nobody else can be attributed to the account
/// or counted in its lift, so nobody else needs matching — and the network's member table is never hashed wholesale.
/// Each account's hashes are kept in memory (the first 128 bits, ample against collisions) and extended from the new
/// deliveries and holdouts on each lookup; every instance keeps its own and reads the same database.
/// </summary>
public sealed class MemberEmailHashes(IDbContextFactory<AppDbContext> factory)
{
    private readonly ConcurrentDictionary<int, AccountHashes> _accounts = new();

    /// <summary>The normalized e-mail hash as lower-case hex: SHA-256 of the trimmed, lower-cased address.</summary>
    public static string Of(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    /// <summary>64 hex digits (either case).</summary>
    public static bool IsWellFormed(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);

    /// <summary>The member each well-formed hash names among the account's touched members (absent when none).</summary>
    public async Task<IReadOnlyDictionary<string, int>> FindAsync(int accountId, IEnumerable<string> hashes, CancellationToken ct = default)
    {
        var account = _accounts.GetOrAdd(accountId, _ => new AccountHashes());
        await account.Gate.WaitAsync(ct);
        try
        {
            await RefreshAsync(accountId, account, ct);
            var found = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var hash in hashes.Where(IsWellFormed))
            {
                if (account.Members.TryGetValue(Key(Convert.FromHexString(hash)), out var member))
                {
                    found[hash] = member;
                }
            }
            return found;
        }
        finally
        {
            account.Gate.Release();
        }
    }

    private async Task RefreshAsync(int accountId, AccountHashes account, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var sent = await (from d in db.Deliveries.AsNoTracking()
                          where d.Id > account.DeliveriesAfter && d.AdvertiserAccountId == accountId
                          join m in db.Members on d.MemberId equals m.Id
                          select new { d.Id, MemberId = m.Id, m.Email }).ToListAsync(ct);
        foreach (var row in sent)
        {
            Add(account, row.MemberId, row.Email);
            account.DeliveriesAfter = Math.Max(account.DeliveriesAfter, row.Id);
        }
        var held = await (from h in db.CampaignHoldouts.AsNoTracking()
                          where h.AdvertiserAccountId == accountId && h.HeldAt >= account.HoldoutsSince
                          join m in db.Members on h.MemberId equals m.Id
                          select new { h.HeldAt, MemberId = m.Id, m.Email }).ToListAsync(ct);
        foreach (var row in held)
        {
            Add(account, row.MemberId, row.Email);
            account.HoldoutsSince = row.HeldAt > account.HoldoutsSince ? row.HeldAt : account.HoldoutsSince;
        }
    }

    private static void Add(AccountHashes account, int memberId, string email)
    {
        if (account.Known.Add(memberId))
        {
            account.Members[Key(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))] = memberId;
        }
    }

    private static UInt128 Key(ReadOnlySpan<byte> hash) => BinaryPrimitives.ReadUInt128BigEndian(hash);

    private sealed class AccountHashes
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public Dictionary<UInt128, int> Members { get; } = [];
        public HashSet<int> Known { get; } = [];
        public long DeliveriesAfter { get; set; }
        public DateTime HoldoutsSince { get; set; } = DateTime.MinValue;
    }
}
