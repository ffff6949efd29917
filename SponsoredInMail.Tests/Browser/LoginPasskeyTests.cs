using Microsoft.Playwright;

namespace SponsoredInMail.Tests.Browser;

/// <summary>
/// The login page's passkey autofill (the Identity template's passkey-submit element) in Chromium. Passkeys need a
/// domain name: on an IP host the browser refuses with "SecurityError: This is an invalid domain", so the page must
/// not try there, and must leave the console clean.
/// </summary>
[Collection(BrowserCollection.Name)]
public class LoginPasskeyTests(BrowserFixture browser)
{
    [Fact]
    public async Task TheLoginPageOnAnIpHostLeavesPasskeysAloneAndTheConsoleClean()
    {
        browser.SkipWhenUnavailable();
        var ipBase = browser.BaseUrl.Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        var (autofill, errors) = await OpenLoginAsync(ipBase);

        errors.ShouldBeEmpty();
        autofill.ShouldBe("ip-host");
    }

    [Fact]
    public async Task TheLoginPageOnADomainHostStillOffersPasskeyAutofill()
    {
        browser.SkipWhenUnavailable();
        var (autofill, _) = await OpenLoginAsync(browser.BaseUrl);

        autofill.ShouldNotBeNull();
        autofill.ShouldNotBe("ip-host");
    }

    /// <summary>Opens /Account/Login and waits until the passkey element has decided about autofill, or the console shows an error.</summary>
    private async Task<(string? Autofill, List<string> Errors)> OpenLoginAsync(string baseUrl)
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        var firstError = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Record(string text)
        {
            lock (errors)
            {
                errors.Add(text);
            }
            firstError.TrySetResult();
        }
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record(message.Text);
            }
        };
        page.PageError += (_, error) => Record(error);
        await page.GotoAsync(baseUrl.TrimEnd('/') + "/Account/Login");
        var decided = page.Locator("passkey-submit[data-autofill]");
        var attached = decided.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await Task.WhenAny(attached, firstError.Task);
        _ = attached.ContinueWith(t => t.Exception, TaskScheduler.Default);
        var autofill = await decided.CountAsync() > 0 ? await decided.GetAttributeAsync("data-autofill") : null;
        await page.Context.CloseAsync();
        lock (errors)
        {
            return (autofill, [.. errors]);
        }
    }
}
