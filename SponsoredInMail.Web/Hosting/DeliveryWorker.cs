using Microsoft.Extensions.Options;
using SponsoredInMail.Core.Cluster;
using SponsoredInMail.Core.Deliveries;

namespace SponsoredInMail.Web.Hosting;

/// <summary>
/// Runs the delivery engine while this instance leads (<see cref="Leadership"/>): rounds back to back while anything
/// sends, a short rest when nothing does. A failed round is logged and retried; the database keeps every committed
/// batch, so a new leader resumes exactly where the last one stopped.
/// </summary>
internal sealed class DeliveryWorker(DeliveryEngine engine, Leadership leadership, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.RunInBackground ? leadership.WhileLeadingAsync(RunAsync, stoppingToken) : Task.CompletedTask;

    private async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var round = await engine.RunRoundAsync(ct);
                if (round.Completed > 0)
                {
                    logger.LogInformation("Delivery: {Completed} campaign(s) completed.", round.Completed);
                }
                if (round.Sent == 0 && round.HeldOut == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.Value.IdleDelayMilliseconds), clock, ct);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(error, "Delivery round failed; retrying shortly.");
                await Task.Delay(TimeSpan.FromSeconds(5), clock, ct);
            }
        }
    }
}
