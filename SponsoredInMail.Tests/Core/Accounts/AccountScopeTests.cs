using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Accounts;

/// <summary>
/// The one preamble of account data: seat check, one Viewer refusal, the row by id and account. Maria manages Contoso
/// and views Northwind; Ben manages Northwind only.
/// </summary>
public class AccountScopeTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private string _maria = "", _ben = "";
    private int _contoso, _northwind;
    private AccountScope Scope => _db.Get<AccountScope>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(200);
        (_maria, _ben, _contoso, _northwind) = await _db.DemoCastAsync();
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AManagerGetsTheRowOfTheirAccountTracked()
    {
        var row = await AudienceAsync(_contoso, "Contoso's");

        await using var change = await Scope.ChangeAsync<SavedAudience>(_maria, _contoso, row, Ct);

        change.Refusal.ShouldBeNull();
        change.Entity.Name.ShouldBe("Contoso's");
        change.Db.Entry(change.Entity).State.ShouldBe(EntityState.Unchanged);
    }

    [Fact]
    public async Task EachCallerGetsTheOneRefusalThatFits()
    {
        var contosos = await AudienceAsync(_contoso, "Contoso's");
        var northwinds = await AudienceAsync(_northwind, "Northwind's");

        // A Viewer of the row's account.
        (await RefusalAsync(_maria, _northwind, northwinds)).ShouldBe("account: Only a Manager of this account can change audiences.");
        // No seat on the account: it looks like no account.
        (await RefusalAsync(_ben, _contoso, contosos)).ShouldBe("account: Advertiser account not found.");
        // A Manager asking for another account's row through their own account: it looks like no row.
        (await RefusalAsync(_ben, _northwind, contosos)).ShouldBe("audience: Audience not found.");
        (await RefusalAsync(_maria, _contoso, northwinds)).ShouldBe("audience: Audience not found.");
        (await RefusalAsync(_maria, _contoso, 987_654)).ShouldBe("audience: Audience not found.");
    }

    [Fact]
    public async Task ReadingNeedsASeatOnTheRowsOwnAccount()
    {
        var contosos = await AudienceAsync(_contoso, "Contoso's");
        var northwinds = await AudienceAsync(_northwind, "Northwind's");

        (await Scope.ReadAsync<SavedAudience>(_maria, _northwind, northwinds, Ct))!.Name.ShouldBe("Northwind's");
        (await Scope.ReadAsync<SavedAudience>(_ben, _contoso, contosos, Ct)).ShouldBeNull();
        (await Scope.ReadAsync<SavedAudience>(_ben, _northwind, contosos, Ct)).ShouldBeNull();
        (await Scope.RequireSeatAsync(_ben, _contoso, Ct))!.ToString().ShouldBe("account: Advertiser account not found.");
        (await Scope.RequireSeatAsync(_maria, _northwind, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task AChangeInItsTransactionLandsOnlyWhenCommitted()
    {
        var row = await AudienceAsync(_contoso, "Before");

        await using (var change = await Scope.ChangeAsync<SavedAudience>(_maria, _contoso, row, Ct, transaction: true))
        {
            change.Entity.Name = "Not committed";
            await change.Db.SaveChangesAsync(Ct);
        }
        (await NameAsync(row)).ShouldBe("Before");

        await using (var change = await Scope.ChangeAsync<SavedAudience>(_maria, _contoso, row, Ct, transaction: true))
        {
            change.Entity.Name = "Committed";
            await change.Db.SaveChangesAsync(Ct);
            await change.CommitAsync(Ct);
        }
        (await NameAsync(row)).ShouldBe("Committed");
    }

    [Fact]
    public void EveryAccountOwnedRowIsNamedForRefusalsAndAnswersNotFoundAsTheApiExpects()
    {
        var owned = typeof(AccountScope).Assembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAccountOwned<>)))
            .Select(t => (OwnedNames)t.GetProperty(nameof(SavedAudience.Names))!.GetValue(null)!)
            .ToList();

        owned.Count.ShouldBeGreaterThanOrEqualTo(6);
        owned.Select(n => n.Field).ShouldBeUnique();
        // The API maps a single "… not found." refusal to 404 (ApiResults).
        owned.ShouldAllBe(n => n.NotFound.EndsWith(" not found.") && n.Plural == n.Plural.TrimEnd() && n.Plural.Length > 0);
    }

    private async Task<string?> RefusalAsync(string actor, int accountId, int id)
    {
        await using var change = await Scope.ChangeAsync<SavedAudience>(actor, accountId, id, Ct);
        Should.Throw<InvalidOperationException>(() => change.Entity);
        return change.Refusal?.ToString();
    }

    private async Task<int> AudienceAsync(int accountId, string name)
    {
        await using var db = _db.CreateContext();
        var owner = await db.AccountMemberships.Where(m => m.AdvertiserAccountId == accountId).Select(m => m.UserId).FirstAsync(Ct);
        var audience = new SavedAudience
        {
            AdvertiserAccountId = accountId, Name = name, TargetingJson = Targeting.Empty.ToJson(),
            CreatedByUserId = owner, UpdatedByUserId = owner, CreatedAt = TestDatabase.Now.UtcDateTime, UpdatedAt = TestDatabase.Now.UtcDateTime,
        };
        db.SavedAudiences.Add(audience);
        await db.SaveChangesAsync(Ct);
        return audience.Id;
    }

    private async Task<string> NameAsync(int id)
    {
        await using var db = _db.CreateContext();
        return await db.SavedAudiences.Where(a => a.Id == id).Select(a => a.Name).SingleAsync(Ct);
    }
}
