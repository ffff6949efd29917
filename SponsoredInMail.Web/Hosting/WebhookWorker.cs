using SponsoredInMail.Core.Cluster;
using SponsoredInMail.Core.Webhooks;

namespace SponsoredInMail.Web.Hosting;

/// <summary>
/// Sends webhook deliveries while this instance leads (<see cref="Leadership"/>). Every instance queues them (the
/// <see cref="WebhookOutbox"/> feed follower); one sends. The claim in <see cref="WebhookSender"/> keeps a delivery from
/// being sent twice at once even when two instances briefly both think they lead.
/// </summary>
internal sealed class WebhookWorker(WebhookSender sender, Leadership leadership) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.WhileLeadingAsync(sender.RunAsync, stoppingToken);
}
