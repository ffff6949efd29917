using SponsoredInMail.Core.Cluster;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Campaigns for this instance's leadership for the life of the app (see <see cref="Leadership"/>).</summary>
internal sealed class LeadershipWorker(Leadership leadership) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => leadership.RunAsync(stoppingToken);
}
