using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Data;

namespace SponsoredInMail.Tests.Fakes;

/// <summary>
/// The Core services of one more "app instance" on an existing database, in this test process: its own change signal,
/// feed, index and stores, sharing nothing with another instance but the database.
/// </summary>
public static class InstanceServices
{
    public static ServiceProvider Build(DatabaseConnection database, TimeProvider clock, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(clock)
            .AddSponsoredInMailData(_ => database)
            .AddSponsoredInMailCore(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        services.AddSponsoredInMailIdentity();
        return services.BuildServiceProvider();
    }
}
