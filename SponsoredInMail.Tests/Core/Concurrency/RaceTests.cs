using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Core.Campaigns;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.InMail;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Concurrency;

/// <summary>
/// Read-check-write rules under real concurrency, on whichever provider the suite runs (SQLite serializes writers;
/// PostgreSQL READ COMMITTED needs the explicit locks): N operations through the real services, each with its own
/// context, released together, a few rounds; then the invariant.
/// </summary>
public class RaceTests
{
    private const int Rounds = 3;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts every operation at once (each on its own thread) and waits for all.</summary>
    internal static async Task<T[]> RaceAsync<T>(params Func<Task<T>>[] operations)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = operations.Select(op => Task.Run(async () => { await start.Task; return await op(); })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task TheLastInMailCreditsAreSpentExactlyOnce()
    {
        await using var db = await TestDatabase.CreateAsync(start: new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await db.SeedAsync(300);
        var rep = await db.UserIdAsync("rep@sponsoredinmail.example");
        var admin = await db.UserIdAsync("admin@sponsoredinmail.example");
        var inMail = db.Get<InMailService>();
        (await inMail.AssignSeatAsync(admin, rep, SeatTier.Basic, Ct)).Succeeded.ShouldBeTrue();
        for (var round = 0; round < Rounds; round++)
        {
            db.Clock.SetUtcNow(new DateTimeOffset(2026, 3 + round, 2, 10, 0, 0, TimeSpan.Zero));
            await db.Get<CreditJob>().RunAsync(Ct);
            var credits = await inMail.BalanceAsync(rep, Ct);
            credits.ShouldBeGreaterThan(0);
            // Spend all but one, then race for the last one.
            for (var i = 0; i < credits - 1; i++)
            {
                (await inMail.SendAsync(rep, 20 + i, "Intro", "Hello", Ct)).Succeeded.ShouldBeTrue();
            }
            var results = await RaceAsync(Enumerable.Range(0, 6).Select(i => (Func<Task<Result<long>>>)(() => inMail.SendAsync(rep, 40 + i, "Intro", "Hello", Ct))).ToArray());

            results.Count(r => r.Succeeded).ShouldBe(1, $"round {round}: one credit, one InMail");
            results.Where(r => !r.Succeeded).ShouldAllBe(r => r.Outcome.ErrorFor("credits")!.StartsWith("You have no InMail credits left."));
            (await inMail.BalanceAsync(rep, Ct)).ShouldBe(0, $"round {round}");
        }
    }

    [Fact]
    public async Task ConcurrentMovesOfACampaignLeaveOneLegalStateAndAConsistentHistory()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300, settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        var campaigns = s.Database.Get<CampaignService>();
        var admins = s.Database.Get<AdminCampaignService>();
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var admin = await s.Database.UserIdAsync("admin@sponsoredinmail.example");
        var contoso = await s.AccountAsync("Contoso Cloud");
        for (var round = 0; round < Rounds; round++)
        {
            var id = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 10_000);
            var results = await RaceAsync(
                () => campaigns.PauseAsync(maria, contoso, id, Ct),
                () => campaigns.CancelAsync(maria, contoso, id, Ct),
                () => admins.PauseAsync(admin, id, "Policy check", Ct),
                () => campaigns.PauseAsync(maria, contoso, id, Ct));

            results.ShouldContain(r => r.Succeeded);
            await HistoryIsAChainAsync(s.Database, id, CampaignStatus.Active, results.Count(r => r.Succeeded));
        }
    }

    [Fact]
    public async Task ARevocationRacingAnAdSaveAndACampaignMoveLeavesNothingSendingInTheRevokedName()
    {
        await using var s = await DeliveryScenario.CreateAsync(members: 300, settings: new Dictionary<string, string?> { ["Audiences:MinimumAudienceSize"] = "20" });
        var senders = s.Database.Get<SenderService>();
        var ads = s.Database.Get<AdService>();
        var campaigns = s.Database.Get<CampaignService>();
        var maria = await s.Database.UserIdAsync("maria@contoso.example");
        var contoso = await s.AccountAsync("Contoso Cloud");
        for (var round = 0; round < Rounds; round++)
        {
            var campaignId = await s.LaunchAsync(contoso, DeliveryScenario.Countries("US"), 50, 10_000);
            var campaign = await s.CampaignAsync(campaignId);
            var original = (await ads.GetAsync(maria, contoso, campaign.AdId!.Value, Ct)).ShouldNotBeNull();
            var sender = original.Input.SenderMemberId;
            int permissionId;
            await using (var read = s.Database.CreateContext())
            {
                permissionId = await read.SenderPermissions.Where(p => p.AdvertiserAccountId == contoso && p.MemberId == sender).Select(p => p.Id).SingleAsync(Ct);
            }
            (await ads.ArchiveAsync(maria, contoso, original.Id, Ct)).Succeeded.ShouldBeTrue();

            var results = await RaceAsync(
                async () => (await senders.RevokeAsync(sender, permissionId, Ct)).Outcome,
                async () => (await ads.CreateAsync(maria, contoso, original.Input with { Name = $"Race {round}" }, Ct)).Outcome,
                () => ads.UnarchiveAsync(maria, contoso, original.Id, Ct),
                () => campaigns.PauseAsync(maria, contoso, campaignId, Ct));

            results[0].Succeeded.ShouldBeTrue($"round {round}: the revocation itself");
            await using (var check = s.Database.CreateContext())
            {
                var live = await check.Ads.Where(a => a.AdvertiserAccountId == contoso && a.SenderMemberId == sender && a.Status != AdStatus.Canceled)
                    .Select(a => new { a.Id, a.Name, a.Status }).ToListAsync(Ct);
                live.ShouldBeEmpty($"round {round}: an ad still sends in the name of a member who revoked");
            }
            (await s.CampaignAsync(campaignId)).Status.ShouldBe(CampaignStatus.Canceled, $"round {round}");
            await HistoryIsAChainAsync(s.Database, campaignId, CampaignStatus.Active, null);

            // Ask again and accept, for the next round.
            (await senders.RequestAsync(maria, contoso, sender, Ct)).Succeeded.ShouldBeTrue();
            (await senders.AcceptAsync(sender, permissionId, Ct)).Succeeded.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task TwoManagersRemovingEachOtherLeaveTheAccountAManager()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.SeedAsync(300);
        var (maria, ben, contoso, _) = await db.DemoCastAsync();
        var accounts = db.Get<AccountService>();
        (await accounts.AddTeamMemberAsync(maria, contoso, "ben@northwind.example", AccountRole.Manager, Ct)).Succeeded.ShouldBeTrue();
        for (var round = 0; round < Rounds; round++)
        {
            var results = await RaceAsync(
                () => accounts.RemoveTeamMemberAsync(maria, contoso, ben, Ct),
                () => accounts.RemoveTeamMemberAsync(ben, contoso, maria, Ct),
                () => accounts.ChangeRoleAsync(maria, contoso, ben, AccountRole.Viewer, Ct),
                () => accounts.ChangeRoleAsync(ben, contoso, maria, AccountRole.Viewer, Ct));

            results.ShouldContain(r => r.Succeeded);
            await using var check = db.CreateContext();
            (await check.AccountMemberships.CountAsync(m => m.AdvertiserAccountId == contoso && m.Role == AccountRole.Manager, Ct))
                .ShouldBe(1, $"round {round}: {string.Join(" | ", results.Select(r => r.Succeeded ? "ok" : r.ToString()))}");
            // The remaining Manager makes the other one Manager again, for the next round.
            var manager = await check.AccountMemberships.Where(m => m.AdvertiserAccountId == contoso && m.Role == AccountRole.Manager).Select(m => m.UserId).SingleAsync(Ct);
            var other = manager == maria ? ben : maria;
            var again = await accounts.GetRoleAsync(other, contoso, Ct) is null
                ? await accounts.AddTeamMemberAsync(manager, contoso, other == maria ? "maria@contoso.example" : "ben@northwind.example", AccountRole.Manager, Ct)
                : await accounts.ChangeRoleAsync(manager, contoso, other, AccountRole.Manager, Ct);
            again.Succeeded.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task AnApiTokenLimitRacedByConcurrentCreationsIsNotExceeded()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.SeedAsync(300);
        var (maria, _, contoso, _) = await db.DemoCastAsync();
        var tokens = db.Get<ApiTokenService>();
        for (var round = 0; round < Rounds; round++)
        {
            await using (var read = db.CreateContext())
            {
                var active = await read.ApiTokens.CountAsync(t => t.AdvertiserAccountId == contoso && t.RevokedAt == null, Ct);
                for (var i = active; i < ApiTokenService.MaxActiveTokensPerAccount - 1; i++)
                {
                    (await tokens.CreateAsync(maria, contoso, $"Fill {round}.{i}", ApiTokenScope.ReadOnly, Ct)).Succeeded.ShouldBeTrue();
                }
            }
            var results = await RaceAsync(Enumerable.Range(0, 5).Select(i =>
                (Func<Task<Result<NewApiToken>>>)(() => tokens.CreateAsync(maria, contoso, $"Race {round}.{i}", ApiTokenScope.ReadOnly, Ct))).ToArray());

            results.Count(r => r.Succeeded).ShouldBe(1, $"round {round}");
            await using var check = db.CreateContext();
            (await check.ApiTokens.CountAsync(t => t.AdvertiserAccountId == contoso && t.RevokedAt == null, Ct)).ShouldBe(ApiTokenService.MaxActiveTokensPerAccount);
            // Make room for the next round.
            var newest = results.Single(r => r.Succeeded).Value!.Id;
            (await tokens.RevokeAsync(maria, contoso, newest, Ct)).Succeeded.ShouldBeTrue();
        }
    }

    /// <summary>Each history row starts where the previous one ended, and the last one ends where the campaign is.</summary>
    private static async Task HistoryIsAChainAsync(TestDatabase database, int campaignId, CampaignStatus start, int? moves)
    {
        await using var db = database.CreateContext();
        var history = await db.CampaignStatusChanges.AsNoTracking().Where(h => h.CampaignId == campaignId).OrderBy(h => h.Id).ToListAsync(Ct);
        var status = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Status).SingleAsync(Ct);
        var at = start;
        foreach (var change in history)
        {
            change.From.ShouldBe(at, $"history {string.Join(", ", history.Select(h => $"{h.From}→{h.To}"))}");
            at = change.To;
        }
        at.ShouldBe(status);
        if (moves is { } expected)
        {
            history.Count.ShouldBe(expected);
        }
    }
}
