using SponsoredInMail.Core.Cluster;
using SponsoredInMail.Core.InMail;

namespace SponsoredInMail.Web.Hosting;

/// <summary>
/// Runs the InMail credit job on the leading instance (<see cref="Leadership"/>) when it takes the lead and then hourly:
/// monthly grants and credit-backs, idempotently.
/// </summary>
internal sealed class CreditJobWorker(CreditJob job, Leadership leadership, TimeProvider clock, ILogger<CreditJobWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.WhileLeadingAsync(RunAsync, stoppingToken);

    private async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var result = await job.RunAsync(ct);
                if (result.Grants + result.CreditBacks > 0)
                {
                    logger.LogInformation("InMail credits: {Grants} grant(s), {CreditBacks} credit-back(s).", result.Grants, result.CreditBacks);
                }
                await Task.Delay(TimeSpan.FromHours(1), clock, ct);
            }
            catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(error, "The InMail credit job failed; retrying in a minute.");
                await Task.Delay(TimeSpan.FromMinutes(1), clock, ct);
            }
        }
    }
}
