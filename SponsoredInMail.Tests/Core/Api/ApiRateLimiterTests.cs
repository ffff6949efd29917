using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Api;

/// <summary>The per-token limit lives in the database, so it holds however many app instances count against it.</summary>
public class ApiRateLimiterTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(start: new DateTimeOffset(2026, 11, 23, 12, 0, 10, TimeSpan.Zero));
        await _db.SeedAsync(200);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    /// <summary>An app instance's limiter: nothing shared with another instance but the database.</summary>
    private ApiRateLimiter Instance(int perMinute) => new(_db.Factory, Options.Create(new ApiOptions { RequestsPerMinute = perMinute }), _db.Clock);

    private async Task<int> TokenAsync()
    {
        var created = await _db.Get<ApiTokenService>().CreateAsync(
            await _db.UserIdAsync("maria@contoso.example"), await _db.AccountIdAsync("Contoso Cloud"), "CRM sync", ApiTokenScope.ReadOnly, Ct);
        return created.Value!.Id;
    }

    [Fact]
    public async Task RequestsRacingThroughThreeInstancesGetExactlyTheLimitBetweenThem()
    {
        var token = await TokenAsync();
        ApiRateLimiter[] instances = [Instance(7), Instance(7), Instance(7)];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 30)
            .Select(i => Task.Run(async () => { await start.Task; return await instances[i % 3].TakeAsync(token, Ct); }))
            .ToArray();
        start.SetResult();
        var decisions = await Task.WhenAll(requests);

        decisions.Count(d => d.Allowed).ShouldBe(7);
        decisions.Where(d => !d.Allowed).ShouldAllBe(d => d.RetryAfter > TimeSpan.Zero && d.RetryAfter <= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task TheNextMinuteOpensAFreshWindowAndRefusalsSayHowLongToWait()
    {
        var token = await TokenAsync();
        var limiter = Instance(2);
        (await limiter.TakeAsync(token, Ct)).Allowed.ShouldBeTrue();
        (await limiter.TakeAsync(token, Ct)).Allowed.ShouldBeTrue();

        var refused = await limiter.TakeAsync(token, Ct);
        refused.Allowed.ShouldBeFalse();
        refused.RetryAfter.ShouldBe(TimeSpan.FromSeconds(50), "12:00:10 waits for 12:01:00");

        _db.Clock.Advance(TimeSpan.FromSeconds(50));
        (await limiter.TakeAsync(token, Ct)).Allowed.ShouldBeTrue();
        (await limiter.TakeAsync(token, Ct)).Allowed.ShouldBeTrue();
        (await limiter.TakeAsync(token, Ct)).Allowed.ShouldBeFalse();
    }

    [Fact]
    public async Task EachTokenHasItsOwnWindow()
    {
        var busy = await TokenAsync();
        var quiet = await TokenAsync();
        var limiter = Instance(1);
        (await limiter.TakeAsync(busy, Ct)).Allowed.ShouldBeTrue();
        (await limiter.TakeAsync(busy, Ct)).Allowed.ShouldBeFalse();
        (await limiter.TakeAsync(quiet, Ct)).Allowed.ShouldBeTrue();
    }
}
