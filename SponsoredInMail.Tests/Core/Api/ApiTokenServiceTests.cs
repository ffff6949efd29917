using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Api;

/// <summary>Account API tokens: created and revoked by Managers, shown once, stored hashed, audited.</summary>
public class ApiTokenServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private ApiTokenService Tokens => _db.Get<ApiTokenService>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(200);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Theory]
    [InlineData("CRM\nsync")]
    [InlineData("CRM\0sync")]
    public async Task ATokenNameWithControlCharactersIsRefused(string name)
    {
        var (maria, contoso) = await MariaAtContosoAsync();

        var created = await Tokens.CreateAsync(maria, contoso, name, ApiTokenScope.ReadWrite, Ct);

        created.Outcome.ErrorFor("name").ShouldNotBeNull();
    }

    [Fact]
    public async Task AManagerCreatesATokenWhoseSecretAuthenticatesToTheAccount()
    {
        var (maria, contoso) = await MariaAtContosoAsync();

        var created = await Tokens.CreateAsync(maria, contoso, "CRM sync", ApiTokenScope.ReadWrite, Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        created.Value!.Secret.ShouldStartWith("sim_");
        created.Value.Secret.Length.ShouldBe(4 + 43);
        created.Value.Secret.ShouldStartWith(created.Value.Prefix);
        var caller = await Tokens.AuthenticateAsync(created.Value.Secret, Ct);
        caller.ShouldBe(new ApiCaller(created.Value.Id, contoso, ApiTokenScope.ReadWrite, maria));
    }

    [Fact]
    public async Task TheSecretIsStoredOnlyAsItsSha256Hash()
    {
        TestDatabaseServer.SkipOnPostgres("it searches the database file's bytes for the secret");
        var (maria, contoso) = await MariaAtContosoAsync();

        var secret = (await Tokens.CreateAsync(maria, contoso, "Hashed", ApiTokenScope.ReadOnly, Ct)).Value!.Secret;

        await using var db = _db.CreateContext();
        var row = await db.ApiTokens.SingleAsync(Ct);
        row.SecretHash.ShouldBe(ApiTokenService.Hash(secret));
        row.SecretHash.ShouldMatch("^[0-9a-f]{64}$");
        row.SecretHash.ShouldNotContain(secret[4..]);
        row.Prefix.Length.ShouldBeLessThan(secret.Length / 2);
        // Nowhere in the database file: not in the token row, not in the audit log.
        await db.Database.CloseConnectionAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = await File.ReadAllBytesAsync(_db.FilePath, Ct);
        var wal = File.Exists(_db.FilePath + "-wal") ? await File.ReadAllBytesAsync(_db.FilePath + "-wal", Ct) : [];
        var needle = System.Text.Encoding.UTF8.GetBytes(secret);
        file.AsSpan().IndexOf(needle).ShouldBe(-1);
        wal.AsSpan().IndexOf(needle).ShouldBe(-1);
    }

    [Fact]
    public async Task AViewerCannotCreateOrRevokeButSeesTheListWithoutSecrets()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var northwind = await _db.AccountIdAsync("Northwind Analytics");
        var ben = await _db.UserIdAsync("ben@northwind.example");
        var benToken = (await Tokens.CreateAsync(ben, northwind, "Ben's", ApiTokenScope.ReadWrite, Ct)).Value!;

        var create = await Tokens.CreateAsync(maria, northwind, "Maria's", ApiTokenScope.ReadOnly, Ct);
        var revoke = await Tokens.RevokeAsync(maria, northwind, benToken.Id, Ct);
        var list = await Tokens.ListAsync(maria, northwind, Ct);

        create.Succeeded.ShouldBeFalse();
        create.Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can change API tokens.");
        revoke.ErrorFor("account").ShouldBe("Only a Manager of this account can change API tokens.");
        list.Single().Name.ShouldBe("Ben's");
        list.Single().Prefix.ShouldBe(benToken.Prefix);
        (await Tokens.ListAsync(maria, contoso, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsTokensAreNeitherListedNorRevocable()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var northwind = await _db.AccountIdAsync("Northwind Analytics");
        var ben = await _db.UserIdAsync("ben@northwind.example");
        var mariaToken = (await Tokens.CreateAsync(maria, contoso, "Contoso's", ApiTokenScope.ReadWrite, Ct)).Value!;

        (await Tokens.ListAsync(ben, contoso, Ct)).ShouldBeEmpty();
        (await Tokens.RevokeAsync(ben, contoso, mariaToken.Id, Ct)).ErrorFor("account").ShouldBe("Advertiser account not found.");
        (await Tokens.RevokeAsync(ben, northwind, mariaToken.Id, Ct)).ErrorFor("token").ShouldBe("API token not found.");
        (await Tokens.AuthenticateAsync(mariaToken.Secret, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ARevokedTokenNoLongerAuthenticates()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var token = (await Tokens.CreateAsync(maria, contoso, "Old", ApiTokenScope.ReadWrite, Ct)).Value!;

        var revoked = await Tokens.RevokeAsync(maria, contoso, token.Id, Ct);

        revoked.Succeeded.ShouldBeTrue();
        (await Tokens.AuthenticateAsync(token.Secret, Ct)).ShouldBeNull();
        (await Tokens.ListAsync(maria, contoso, Ct)).Single().IsRevoked.ShouldBeTrue();
        (await Tokens.RevokeAsync(maria, contoso, token.Id, Ct)).ErrorFor("token").ShouldBe("This token is already revoked.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sim_")]
    [InlineData("sim_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer sim_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task UnknownSecretsDoNotAuthenticate(string? secret)
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        await Tokens.CreateAsync(maria, contoso, "Real", ApiTokenScope.ReadWrite, Ct);

        (await Tokens.AuthenticateAsync(secret, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ATokenCanDoNoMoreThanItsCreatorCanNow()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var ben = await _db.UserIdAsync("ben@northwind.example");
        var accounts = _db.Get<AccountService>();
        (await accounts.AddTeamMemberAsync(maria, contoso, "ben@northwind.example", AccountRole.Manager, Ct)).Succeeded.ShouldBeTrue();
        var token = (await Tokens.CreateAsync(ben, contoso, "Ben's", ApiTokenScope.ReadWrite, Ct)).Value!;

        await accounts.ChangeRoleAsync(maria, contoso, ben, AccountRole.Viewer, Ct);
        (await Tokens.AuthenticateAsync(token.Secret, Ct))!.Scope.ShouldBe(ApiTokenScope.ReadOnly);

        await accounts.RemoveTeamMemberAsync(maria, contoso, ben, Ct);
        (await Tokens.AuthenticateAsync(token.Secret, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CreateAndRevokeAreAuditedWithoutTheSecret()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var token = (await Tokens.CreateAsync(maria, contoso, "Audited", ApiTokenScope.ReadOnly, Ct)).Value!;
        await Tokens.RevokeAsync(maria, contoso, token.Id, Ct);

        await using var db = _db.CreateContext();
        var entries = await db.AuditLog.Where(e => e.EntityType == "ApiToken").OrderBy(e => e.Id).ToListAsync(Ct);

        entries.Select(e => e.Action).ShouldBe(["API token created", "API token revoked"]);
        entries.ShouldAllBe(e => e.ActorUserId == maria && e.AdvertiserAccountId == contoso && e.EntityId == token.Id.ToString());
        entries.ShouldAllBe(e => !(e.After ?? "").Contains(token.Secret) && !(e.Before ?? "").Contains(token.Secret));
        entries[0].After!.ShouldContain("Audited");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a-name-that-is-far-too-long-for-a-token-name-because-it-goes-on")]
    public async Task ANameMustBe1To60Characters(string name)
    {
        var (maria, contoso) = await MariaAtContosoAsync();

        var created = await Tokens.CreateAsync(maria, contoso, name, ApiTokenScope.ReadOnly, Ct);

        created.Outcome.ErrorFor("name")!.ShouldStartWith("Token name must be 1–60 characters");
        await using var db = _db.CreateContext();
        (await db.ApiTokens.CountAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task LastUsedIsRecordedWithoutAWritePerRequest()
    {
        var (maria, contoso) = await MariaAtContosoAsync();
        var token = (await Tokens.CreateAsync(maria, contoso, "Used", ApiTokenScope.ReadOnly, Ct)).Value!;

        await Tokens.AuthenticateAsync(token.Secret, Ct);
        var first = (await Tokens.ListAsync(maria, contoso, Ct)).Single().LastUsedAt;
        _db.Clock.Advance(TimeSpan.FromSeconds(10));
        await Tokens.AuthenticateAsync(token.Secret, Ct);
        var soonAfter = (await Tokens.ListAsync(maria, contoso, Ct)).Single().LastUsedAt;
        _db.Clock.Advance(TimeSpan.FromMinutes(2));
        await Tokens.AuthenticateAsync(token.Secret, Ct);
        var later = (await Tokens.ListAsync(maria, contoso, Ct)).Single().LastUsedAt;

        first.ShouldBe(TestDatabase.Now.UtcDateTime);
        soonAfter.ShouldBe(first);
        later.ShouldBe(TestDatabase.Now.UtcDateTime.AddSeconds(130));
    }

    private async Task<(string UserId, int AccountId)> MariaAtContosoAsync() =>
        (await _db.UserIdAsync("maria@contoso.example"), await _db.AccountIdAsync("Contoso Cloud"));
}
