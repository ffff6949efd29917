using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Reports;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Web.Components.Reports;

/// <summary>
/// A <see cref="ReportService"/> whose next report load can be held back until the test lets it go, so that a range
/// change's load is overtaken by a later change's on either provider, every time (not only when PostgreSQL happens to
/// answer the older query last). Register <see cref="Reports"/> before the page renders.
/// </summary>
internal sealed class HeldReportLoads : IDbContextFactory<AppDbContext>
{
    private readonly IDbContextFactory<AppDbContext> _inner;
    private Hold? _next;

    public HeldReportLoads(TestDatabase database)
    {
        _inner = database.Factory;
        Reports = new ReportService(this, database.Get<AccountScope>(), database.Get<AudienceIndex>(), database.Get<IEngagedMembers>(),
            database.Get<IOptions<ReportOptions>>(), database.Get<TimeProvider>());
    }

    public ReportService Reports { get; }

    /// <summary>
    /// Types a range into the page's picker as a user does, from then to: two range changes, the first one's load held
    /// back until the second one's has finished, then let go. Returns once both changes' handlers have finished.
    /// </summary>
    public async Task ChangeRangeOvertakingTheFirstLoadAsync<TComponent>(IRenderedComponent<TComponent> page, string from, string to)
        where TComponent : IComponent
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var hold = _next = new Hold();
        var overtaken = Task.CompletedTask;
        await page.InvokeAsync(() => { overtaken = page.Find("[data-testid=range-from]").ChangeAsync(from); });
        await hold.Reached.WaitAsync(ct);
        await page.InvokeAsync(() => page.Find("[data-testid=range-to]").ChangeAsync(to));
        hold.Release();
        await overtaken.WaitAsync(ct);
    }

    /// <summary>Holds back the next load until the returned hold is released (to see what shows while it loads).</summary>
    public Hold HoldNext() => _next = new Hold();

    public AppDbContext CreateDbContext() => _inner.CreateDbContext();

    public async Task<AppDbContext> CreateDbContextAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _next, null) is { } hold)
        {
            hold.Arrived();
            await hold.Released.WaitAsync(ct);
        }
        return await _inner.CreateDbContextAsync(ct);
    }

    public sealed class Hold
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when a load has arrived at the hold (and waits there).</summary>
        public Task Reached => _reached.Task;

        internal Task Released => _released.Task;

        internal void Arrived() => _reached.TrySetResult();

        public void Release() => _released.TrySetResult();
    }
}
