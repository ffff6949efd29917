using SponsoredInMail.Core.InMail;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Runs the InMail credit job at start-up and then hourly: monthly grants and credit-backs, idempotently.</summary>
internal sealed class CreditJobWorker(CreditJob job, TimeProvider clock, ILogger<CreditJobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await job.RunAsync(stoppingToken);
                if (result.Grants + result.CreditBacks > 0)
                {
                    logger.LogInformation("InMail credits: {Grants} grant(s), {CreditBacks} credit-back(s).", result.Grants, result.CreditBacks);
                }
                await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "The InMail credit job failed; retrying in a minute.");
                await Task.Delay(TimeSpan.FromMinutes(1), clock, stoppingToken);
            }
        }
    }
}
