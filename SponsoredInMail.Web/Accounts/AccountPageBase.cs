using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Web.Hosting;

namespace SponsoredInMail.Web.Accounts;

/// <summary>
/// Base of every page under /accounts/{AccountId}: resolves the caller's seat on the account (none →
/// the page shows "not found", exactly as for an id that does not exist) and selects the account for the
/// app bar. Derived pages load their data in <see cref="OnAccountReadyAsync"/>.
/// </summary>
public abstract class AccountPageBase : ComponentBase
{
    [Parameter] public int AccountId { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private AccountService Accounts { get; set; } = default!;

    [Inject] private CurrentAccount CurrentAccount { get; set; } = default!;

    protected string UserId { get; private set; } = "";

    /// <summary>The caller's role on the account; null when they have no seat (or it does not exist).</summary>
    protected AccountRole? Role { get; private set; }

    protected bool CanEdit => Role == AccountRole.Manager;

    /// <summary>True once the seat check has run.</summary>
    protected bool Resolved { get; private set; }

    protected override async Task OnParametersSetAsync()
    {
        UserId = (await AuthenticationState).User.UserId();
        Role = await Accounts.GetRoleAsync(UserId, AccountId);
        Resolved = true;
        if (Role is not null)
        {
            await CurrentAccount.SelectAsync(AccountId);
            await OnAccountReadyAsync();
        }
    }

    protected virtual Task OnAccountReadyAsync() => Task.CompletedTask;
}
