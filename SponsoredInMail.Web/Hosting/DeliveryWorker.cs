using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Deliveries;

namespace SponsoredInMail.Web.Hosting;

/// <summary>
/// Runs the delivery engine for the life of the app: rounds back to back while anything sends, a short rest
/// when nothing does. A failed round is logged and retried; the database keeps every committed batch.
/// </summary>
internal sealed class DeliveryWorker(DeliveryEngine engine, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunInBackground)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await engine.RunRoundAsync(stoppingToken);
                if (round.Completed > 0)
                {
                    logger.LogInformation("Delivery: {Completed} campaign(s) completed.", round.Completed);
                }
                if (round.Sent == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.Value.IdleDelayMilliseconds), clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Delivery round failed; retrying shortly.");
                await Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken);
            }
        }
    }
}
