using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Accounts;

/// <summary>OWASP ASVS 5 password rules and lockout, as Identity applies them with our configuration.</summary>
public class LoginRulesTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private AsyncServiceScope _scope;
    private UserManager<ApplicationUser> Users => _scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _scope = _db.Services.CreateAsyncScope();
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Theory]
    [InlineData("abcdefgh")]          // 8 lower-case letters: no composition rules
    [InlineData("correct horse battery staple")]
    [InlineData("ünïcödé pässwörd")]
    public async Task AcceptsAnyPasswordOfEightToOneHundredTwentyEightCharacters(string password)
    {
        var result = await Users.CreateAsync(NewUser(), password);

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    [Fact]
    public async Task AcceptsExactlyOneHundredTwentyEightCharacters()
    {
        (await Users.CreateAsync(NewUser(), new string('x', 128))).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task RefusesSevenCharacters()
    {
        var result = await Users.CreateAsync(NewUser(), "abcdefg");

        result.Errors.Select(e => e.Code).ShouldContain("PasswordTooShort");
    }

    [Fact]
    public async Task RefusesMoreThanOneHundredTwentyEightCharactersWithAClearMessage()
    {
        var result = await Users.CreateAsync(NewUser(), new string('x', 129));

        result.Errors.Single().Description.ShouldBe("Passwords must be at most 128 characters.");
    }

    [Fact]
    public async Task FiveFailuresLockTheLoginForFiveMinutes()
    {
        var user = NewUser();
        (await Users.CreateAsync(user, "a good password")).Succeeded.ShouldBeTrue();
        // Identity's lockout reads the system clock, not our TimeProvider.
        var before = DateTimeOffset.UtcNow;

        for (var i = 0; i < 5; i++)
        {
            await Users.AccessFailedAsync(user);
        }

        (await Users.IsLockedOutAsync(user)).ShouldBeTrue();
        var lockoutEnd = await Users.GetLockoutEndDateAsync(user);
        lockoutEnd.ShouldNotBeNull();
        (lockoutEnd.Value - before).ShouldBe(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task FourFailuresDoNotLock()
    {
        var user = NewUser();
        (await Users.CreateAsync(user, "a good password")).Succeeded.ShouldBeTrue();

        for (var i = 0; i < 4; i++)
        {
            await Users.AccessFailedAsync(user);
        }

        (await Users.IsLockedOutAsync(user)).ShouldBeFalse();
    }

    private static ApplicationUser NewUser()
    {
        var email = $"user{Guid.NewGuid():N}@example.com";
        return new ApplicationUser { UserName = email, Email = email, DisplayName = "Test user" };
    }
}
