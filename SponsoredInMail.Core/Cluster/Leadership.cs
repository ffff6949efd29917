using Microsoft.Extensions.Logging;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Core.Cluster;

/// <summary>
/// Which app instance leads. Exactly one instance at a time runs what must run once across the deployment — delivery
/// rounds (so bid priority stays global), the InMail credit job, feed pruning — and it is the one holding the
/// session lock <see cref="LockName"/>. Every instance tries for it every <see cref="CheckEvery"/>; the leader checks
/// every <see cref="CheckEvery"/> that its lock connection still answers and steps down the moment it does not. When a
/// leader dies the server drops its connection and with it the lock, so a survivor takes over within about one check.
/// </summary>
/// <remarks>
/// Leadership is for efficiency and bid order, not for the invariants: two engines running at once (a leader that has
/// lost its connection but not yet noticed, or a first-run seed) still cannot overspend, duplicate or break a cap,
/// because every send batch takes the database locks of <c>IDeliveryStore</c>. On SQLite (one process) the lock is
/// always granted.
/// </remarks>
public sealed class Leadership(IDatabaseProviderServices provider, DatabaseConnection database, ILogger<Leadership> logger)
{
    public const string LockName = "sponsoredinmail:leader";

    /// <summary>How often a follower tries for the lock and the leader checks it still has it.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private CancellationTokenSource? _term;
    private TaskCompletionSource<CancellationToken> _elected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while this instance leads.</summary>
    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _term is { IsCancellationRequested: false };
            }
        }
    }

    /// <summary>Waits until this instance leads; the token it returns is cancelled when it stops leading.</summary>
    public async Task<CancellationToken> WaitUntilLeaderAsync(CancellationToken ct)
    {
        Task<CancellationToken> elected;
        lock (_gate)
        {
            elected = _elected.Task;
        }
        return await elected.WaitAsync(ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> whenever this instance leads, until <paramref name="ct"/> ends: it gets a token that
    /// is cancelled when the term ends (and is started again at the next term).
    /// </summary>
    public async Task WhileLeadingAsync(Func<CancellationToken, Task> work, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            CancellationToken term;
            try
            {
                term = await WaitUntilLeaderAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, term);
            try
            {
                await work(both.Token);
            }
            catch (OperationCanceledException) when (both.IsCancellationRequested)
            {
                // Stepped down (or shutting down): wait for the next term.
            }
        }
    }

    /// <summary>Campaigns for the lock until <paramref name="ct"/> ends (the app's lifetime); steps down on the way out.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        ISessionLock? held = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (held is null)
                    {
                        var candidate = provider.CreateSessionLock(database, LockName);
                        if (await candidate.TryAcquireAsync(ct))
                        {
                            held = candidate;
                            Elect();
                            logger.LogInformation("This instance leads: it runs delivery, the InMail credit job and feed pruning.");
                        }
                        else
                        {
                            await candidate.DisposeAsync();
                        }
                    }
                    else if (!await held.IsHeldAsync(ct))
                    {
                        logger.LogWarning("This instance lost the leader lock (its database connection failed); another instance will take over.");
                        StepDown();
                        await held.DisposeAsync();
                        held = null;
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogWarning(error, "Leader election could not reach the database; trying again.");
                    if (held is not null)
                    {
                        StepDown();
                        await held.DisposeAsync();
                        held = null;
                    }
                }
                // Real time: elections are about this process's liveness, not the product's clock.
                await Task.Delay(CheckEvery, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            StepDown();
            if (held is not null)
            {
                await held.DisposeAsync();
            }
        }
    }

    private void Elect()
    {
        lock (_gate)
        {
            _term = new CancellationTokenSource();
            _elected.TrySetResult(_term.Token);
        }
    }

    private void StepDown()
    {
        CancellationTokenSource? ended;
        lock (_gate)
        {
            ended = _term;
            _term = null;
            if (_elected.Task.IsCompleted)
            {
                _elected = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        // Not disposed: workers may still link to its token (a term ends rarely; nothing to reclaim).
        ended?.Cancel();
    }
}
