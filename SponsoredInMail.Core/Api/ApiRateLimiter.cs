using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Api;

/// <summary>
/// What the limiter decided for one request: allowed or not, the limit, how many requests are left in this minute, and
/// when the minute ends (<see cref="ResetAfter"/>; for a refused request, when to retry).
/// </summary>
public readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, TimeSpan ResetAfter)
{
    public TimeSpan RetryAfter => Allowed ? TimeSpan.Zero : ResetAfter;
}

/// <summary>
/// The per-token request limit (<see cref="ApiOptions.RequestsPerMinute"/>, a fixed window of one UTC minute), kept on the
/// token's row so that it holds across every app instance sharing the database. One conditional UPDATE per request
/// both counts and decides: it matches only while the window has room (or a new minute has begun), so two instances
/// racing for the last request both run it and the database lets one through — on PostgreSQL the second waits for the
/// first's row lock and re-checks the condition against the row it wrote; on SQLite writers take turns.
/// </summary>
public sealed class ApiRateLimiter(IDbContextFactory<AppDbContext> factory, IOptions<ApiOptions> options, TimeProvider clock)
{
    public int Limit => Math.Max(1, options.Value.RequestsPerMinute);

    public async Task<RateDecision> TakeAsync(int tokenId, CancellationToken ct = default)
    {
        var limit = Limit;
        var now = clock.GetUtcNow().UtcDateTime;
        var window = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        await using var db = await factory.CreateDbContextAsync(ct);
        var counted = await db.ApiTokens
            .Where(t => t.Id == tokenId && (t.RateWindowStart != window || t.RateWindowRequests < limit))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.RateWindowRequests, t => t.RateWindowStart == window ? t.RateWindowRequests + 1 : 1)
                .SetProperty(t => t.RateWindowStart, window), ct);
        var reset = window.AddMinutes(1) - now;
        if (counted != 1)
        {
            return new RateDecision(false, limit, 0, reset);
        }
        // How many are left, for the RateLimit-Remaining header (a second read: concurrent requests may have counted since).
        var used = await db.ApiTokens.Where(t => t.Id == tokenId).Select(t => t.RateWindowRequests).FirstOrDefaultAsync(ct);
        return new RateDecision(true, limit, Math.Max(0, limit - used), reset);
    }
}
