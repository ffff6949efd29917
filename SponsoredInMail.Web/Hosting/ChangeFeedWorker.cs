using SponsoredInMail.Core.Changes;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Runs this process's change-feed dispatcher: the audience index, live pages and the rate monitor follow it.</summary>
internal sealed class ChangeFeedWorker(ChangeFeed feed) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => feed.RunAsync(stoppingToken);
}
