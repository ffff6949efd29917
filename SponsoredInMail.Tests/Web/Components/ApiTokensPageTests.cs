using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using SponsoredInMail.Core.Api;
using SponsoredInMail.Tests.Fakes;
using SponsoredInMail.Web.Components.Pages.Accounts;

namespace SponsoredInMail.Tests.Web.Components;

/// <summary>The account's API tokens page: Managers create (secret shown once) and revoke; Viewers only look.</summary>
public class ApiTokensPageTests : BunitTestBase
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ApiTokensPageTests(SeededDatabase seeded) : base(seeded) =>
        Services.AddSingleton(Database.Get<ApiTokenService>());

    [Fact]
    public async Task AManagerCreatesATokenAndSeesItsSecretOnlyOnce()
    {
        await SignInAsAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        RenderPopoverProvider();
        var page = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=token-name]"));

        await page.InvokeAsync(() => page.Find("[data-testid=token-name]").Change("Warehouse sync"));
        await page.InvokeAsync(() => ScopeInput(page, "token-scope-write").Click());
        await page.InvokeAsync(() => page.Find("[data-testid=token-create]").Click());

        page.WaitForAssertion(() => page.Find("[data-testid=token-created]"));
        var secret = page.Find("[data-testid=token-secret]").GetAttribute("value")!;
        secret.ShouldStartWith("sim_");
        page.Markup.ShouldContain("shown only this once");
        await using (var db = Database.CreateContext())
        {
            var row = await db.ApiTokens.SingleAsync(t => t.Name == "Warehouse sync", Ct);
            row.SecretHash.ShouldBe(ApiTokenService.Hash(secret));
            row.Scope.ShouldBe(ApiTokenScope.ReadWrite);
        }
        await page.InvokeAsync(() => page.Find("[data-testid=token-secret-done]").Click());
        page.WaitForAssertion(() => page.FindAll("[data-testid=token-secret]").ShouldBeEmpty());
        page.Markup.ShouldNotContain(secret);
        var again = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, contoso));
        again.WaitForAssertion(() => again.FindAll("[data-testid=token-row]").ShouldNotBeEmpty());
        again.Markup.ShouldContain("Warehouse sync");
        again.Markup.ShouldContain(secret[..12]);
        again.Markup.ShouldNotContain(secret);
    }

    [Fact]
    public async Task ANameThatBreaksTheRuleIsShownAtTheField()
    {
        await SignInAsAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        RenderPopoverProvider();
        var page = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[data-testid=token-create]"));

        await page.InvokeAsync(() => page.Find("[data-testid=token-create]").Click());

        page.WaitForAssertion(() => page.Markup.ShouldContain("Token name must be 1–60 characters"));
        page.FindAll("[data-testid=token-created]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AViewerSeesTheTokensButCannotCreateOrRevoke()
    {
        var northwind = await AccountIdAsync("Northwind Analytics");
        var ben = await UserIdAsync("ben@northwind.example");
        (await Database.Get<ApiTokenService>().CreateAsync(ben, northwind, "Northwind BI tool", ApiTokenScope.ReadOnly, Ct)).Succeeded.ShouldBeTrue();
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();

        var page = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, northwind));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Northwind BI tool"));
        page.Find("[data-testid=token-viewer-note]");
        page.FindAll("[data-testid=token-name]").ShouldBeEmpty();
        page.FindAll("[data-testid=token-create]").ShouldBeEmpty();
        page.FindAll("[data-testid=token-revoke]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AnotherAccountsTokensPageIsNotFound()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        await SignInAsAsync("ben@northwind.example");
        RenderPopoverProvider();

        var page = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Markup.ShouldContain("Account not found"));
        page.FindAll("[data-testid=token-table]").ShouldBeEmpty();
    }

    [Fact]
    public async Task AManagerRevokesATokenAfterConfirming()
    {
        var contoso = await AccountIdAsync("Contoso Cloud");
        var maria = await UserIdAsync("maria@contoso.example");
        var token = (await Database.Get<ApiTokenService>().CreateAsync(maria, contoso, "To revoke", ApiTokenScope.ReadOnly, Ct)).Value!;
        await SignInAsAsync("maria@contoso.example");
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ApiTokensPage>(p => p.Add(x => x.AccountId, contoso));
        page.WaitForAssertion(() => page.Find("[aria-label='Revoke To revoke']"));

        await page.InvokeAsync(() => page.Find("[aria-label='Revoke To revoke']").Click());
        dialogs.WaitForAssertion(() => dialogs.Markup.ShouldContain("cannot be undone"));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Revoke").Click());

        page.WaitForAssertion(() => page.FindAll("[aria-label='Revoke To revoke']").ShouldBeEmpty());
        (await Database.Get<ApiTokenService>().AuthenticateAsync(token.Secret, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task TheAccountPageLinksToItsTokens()
    {
        await SignInAsAsync("maria@contoso.example");
        var contoso = await AccountIdAsync("Contoso Cloud");
        RenderPopoverProvider();

        var page = Render<AccountPage>(p => p.Add(x => x.AccountId, contoso));

        page.WaitForAssertion(() => page.Find($"a[href='/accounts/{contoso}/api-tokens']").TextContent.ShouldContain("API tokens"));
    }

    private static AngleSharp.Dom.IElement ScopeInput(IRenderedComponent<ApiTokensPage> page, string testId)
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
