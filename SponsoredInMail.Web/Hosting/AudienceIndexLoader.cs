using System.Diagnostics;
using SponsoredInMail.Core.Audiences;

namespace SponsoredInMail.Web.Hosting;

/// <summary>Builds the audience index in the background at start-up, so the first page is not kept waiting.</summary>
internal sealed class AudienceIndexLoader(AudienceIndex index, IAudienceSource source, ILogger<AudienceIndexLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await index.RebuildAsync(source, stoppingToken);
            logger.LogInformation("Audience index ready: {Members:N0} members in {Seconds:F1} s.", index.MemberCount, stopwatch.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the index was needed.
        }
    }
}
