using SponsoredInMail.Core.Api;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Api;

/// <summary>Idempotency keys live in the database, so a retry gets the first answer whichever instance it reaches.</summary>
public class IdempotencyStoreTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(start: new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await _db.SeedAsync(50);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    /// <summary>An app instance's store: nothing shared with another instance but the database.</summary>
    private IdempotencyStore Instance() => new(_db.Factory, _db.Clock);

    [Fact]
    public async Task OfConcurrentFirstAttemptsWithOneKeyThroughThreeInstancesExactlyOneRuns()
    {
        var account = await _db.AccountIdAsync("Contoso Cloud");
        IdempotencyStore[] instances = [Instance(), Instance(), Instance()];
        for (var round = 0; round < 20; round++)
        {
            var key = $"order-{round}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = Enumerable.Range(0, 8)
                .Select(i => Task.Run(async () => { await start.Task; return await instances[i % 3].BeginAsync(account, key, "hash-a", Ct); }))
                .ToArray();
            start.SetResult();
            var starts = await Task.WhenAll(attempts);

            starts.Count(s => s.Kind == IdempotencyStartKind.Run).ShouldBe(1, $"round {round}");
            starts.Where(s => s.Kind != IdempotencyStartKind.Run).ShouldAllBe(s => s.Kind == IdempotencyStartKind.InProgress);
        }
    }

    [Fact]
    public async Task AFinishedRequestIsReplayedAndTheSameKeyWithAnotherRequestIsAMismatch()
    {
        var account = await _db.AccountIdAsync("Contoso Cloud");
        var store = Instance();
        (await store.BeginAsync(account, "k1", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);
        await store.CompleteAsync(account, "k1", 201, "application/json", "/api/v1/audiences/7", """{"id":7}""", Ct);

        var retry = await Instance().BeginAsync(account, "k1", "hash-a", Ct);
        var other = await Instance().BeginAsync(account, "k1", "hash-b", Ct);

        retry.Kind.ShouldBe(IdempotencyStartKind.Replay);
        retry.Stored!.StatusCode.ShouldBe(201);
        retry.Stored.Location.ShouldBe("/api/v1/audiences/7");
        retry.Stored.ResponseBody.ShouldBe("""{"id":7}""");
        other.Kind.ShouldBe(IdempotencyStartKind.Mismatch);
    }

    [Fact]
    public async Task KeysBelongToOneAccount()
    {
        var contoso = await _db.AccountIdAsync("Contoso Cloud");
        var northwind = await _db.AccountIdAsync("Northwind Analytics");
        var store = Instance();
        (await store.BeginAsync(contoso, "shared", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);

        (await store.BeginAsync(northwind, "shared", "hash-b", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);
    }

    [Fact]
    public async Task AReleasedKeyRunsAgain()
    {
        var account = await _db.AccountIdAsync("Contoso Cloud");
        var store = Instance();
        (await store.BeginAsync(account, "k2", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);

        await store.ReleaseAsync(account, "k2", Ct);

        (await store.BeginAsync(account, "k2", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);
    }

    [Fact]
    public async Task AnAttemptWhoseProcessDiedIsTakenOverAfterTwoMinutesByOneRetryOnly()
    {
        var account = await _db.AccountIdAsync("Contoso Cloud");
        (await Instance().BeginAsync(account, "k3", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);

        _db.Clock.Advance(TimeSpan.FromMinutes(1));
        (await Instance().BeginAsync(account, "k3", "hash-a", Ct)).Kind.ShouldBe(IdempotencyStartKind.InProgress);

        _db.Clock.Advance(IdempotencyRules.Abandoned);
        var retries = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Instance().BeginAsync(account, "k3", "hash-a", Ct))));
        retries.Count(r => r.Kind == IdempotencyStartKind.Run).ShouldBe(1);
    }

    [Fact]
    public async Task AKeyIsForgottenAfterADay()
    {
        var account = await _db.AccountIdAsync("Contoso Cloud");
        var store = Instance();
        await store.BeginAsync(account, "k4", "hash-a", Ct);
        await store.CompleteAsync(account, "k4", 201, "application/json", null, "{}", Ct);

        _db.Clock.Advance(IdempotencyRules.Retention + TimeSpan.FromSeconds(1));

        (await store.BeginAsync(account, "k4", "hash-b", Ct)).Kind.ShouldBe(IdempotencyStartKind.Run);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("naïve")]
    public void AKeyIsVisibleAsciiWithoutSpaces(string key) =>
        IdempotencyRules.Check(key).Errors.ShouldContain(e => e.Field == "Idempotency-Key");

    [Fact]
    public void AKeyOfAtMost255CharactersIsAccepted()
    {
        IdempotencyRules.Check(new string('k', 255)).Succeeded.ShouldBeTrue();
        IdempotencyRules.Check(new string('k', 256)).Succeeded.ShouldBeFalse();
    }
}
