using Microsoft.AspNetCore.Components.Authorization;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Accounts;

/// <summary>
/// The advertiser account a marketer is working in, for one circuit. Pages under /accounts/{id} select
/// their account here (after the Core services have checked the seat); the app bar switcher reads it.
/// </summary>
public sealed class CurrentAccount(AccountService accounts, AuthenticationStateProvider authentication)
{
    private bool _loaded;

    public IReadOnlyList<AccountSummary> Accounts { get; private set; } = [];

    public AccountSummary? Selected { get; private set; }

    public event Action? Changed;

    public async Task EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (_loaded)
        {
            return;
        }
        var state = await authentication.GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        Accounts = await accounts.GetAccountsForUserAsync(state.User.UserId(), ct);
        Selected ??= Accounts.FirstOrDefault();
        _loaded = true;
        Changed?.Invoke();
    }

    /// <summary>Selects an account the user has a seat on; returns false (and changes nothing) otherwise.</summary>
    public async Task<bool> SelectAsync(int accountId, CancellationToken ct = default)
    {
        await EnsureLoadedAsync(ct);
        var account = Accounts.FirstOrDefault(a => a.Id == accountId);
        if (account is null)
        {
            return false;
        }
        if (Selected?.Id != account.Id)
        {
            Selected = account;
            Changed?.Invoke();
        }
        return true;
    }
}
