using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Members;
using SponsoredInMail.Core.Seeding;

namespace SponsoredInMail.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The product's services and their options. Data registration is separate: <c>AddSponsoredInMailData</c>.</summary>
    public static IServiceCollection AddSponsoredInMailCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeedOptions>().Bind(configuration.GetSection(SeedOptions.Section));
        services.AddOptions<ActivityOptions>().Bind(configuration.GetSection(ActivityOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ActivityPolicy>();
        services.AddSingleton<MemberDirectory>();
        services.AddSingleton<NetworkOverview>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<AccountScope>();
        services.AddSingleton<UserNames>();
        services.AddScoped<NetworkSeeder>();
        services.AddSingleton<DemoCampaignSeeder>();
        services.AddSingleton<DemoEngagementSeeder>();
        services.AddSingleton<DemoConversionSeeder>();
        services.AddSingleton<DemoInMailSeeder>();
        services.AddOptions<AudienceOptions>().Bind(configuration.GetSection(AudienceOptions.Section));
        services.AddSingleton<AudienceIndex>();
        services.AddOptions<Changes.ChangeFeedOptions>().Bind(configuration.GetSection(Changes.ChangeFeedOptions.Section));
        services.AddSingleton<Changes.ChangeFeed>();
        services.AddSingleton<Changes.IChangeSubscriber, AudienceIndexFollower>();
        services.AddSingleton<Changes.LiveChanges>();
        services.AddSingleton<Changes.IChangeSubscriber>(sp => sp.GetRequiredService<Changes.LiveChanges>());
        services.AddSingleton<IFacetVocabulary>(sp => sp.GetRequiredService<AudienceIndex>());
        services.TryAddSingleton<IAudienceUsage, Campaigns.CampaignAudienceUsage>();
        services.AddOptions<Campaigns.CampaignOptions>().Bind(configuration.GetSection(Campaigns.CampaignOptions.Section));
        services.AddSingleton<AudienceService>();
        services.AddSingleton<MatchedAudienceImporter>();
        services.AddOptions<AdOptions>().Bind(configuration.GetSection(AdOptions.Section));
        services.AddSingleton<AdService>();
        services.AddSingleton<LeadFormService>();
        services.AddSingleton<SenderService>();
        services.AddSingleton<Campaigns.CampaignService>();
        services.AddSingleton<Campaigns.ReviewService>();
        services.AddSingleton<Variants.VariantService>();
        services.AddSingleton<Conversions.HoldoutLiftService>();
        services.AddSingleton<ISenderRevocationListener, Campaigns.CampaignSenderRevocation>();
        services.AddSingleton<MemberActivity>();
        services.AddOptions<Deliveries.DeliveryOptions>().Bind(configuration.GetSection(Deliveries.DeliveryOptions.Section));
        services.AddSingleton<Deliveries.DeliveryMonitor>();
        services.AddSingleton<Changes.IChangeSubscriber>(sp => sp.GetRequiredService<Deliveries.DeliveryMonitor>());
        services.AddSingleton<Deliveries.DeliveryEngine>();
        services.AddSingleton<Campaigns.CampaignOverview>();
        services.AddSingleton<Campaigns.CampaignSendingStates>();
        services.AddSingleton<Campaigns.AdminCampaignService>();
        services.AddSingleton<Audit.AuditLogQuery>();
        services.AddOptions<Engagement.TrackingOptions>().Bind(configuration.GetSection(Engagement.TrackingOptions.Section));
        services.AddSingleton<Engagement.TrackingTokens>();
        services.AddSingleton<Engagement.EngagementWriter>();
        services.AddSingleton<Engagement.EngagementService>();
        services.AddSingleton<Engagement.AdLinkRegistry>();
        services.AddSingleton<Engagement.OptOutService>();
        services.AddSingleton<Engagement.LeadService>();
        services.AddSingleton<Inbox.InboxService>();
        services.AddSingleton<Inbox.TestSendService>();
        services.AddOptions<Reports.ReportOptions>().Bind(configuration.GetSection(Reports.ReportOptions.Section));
        services.AddSingleton<Reports.ReportService>();

        services.AddSingleton<Conversions.ConversionDefinitionService>();
        services.AddSingleton<Conversions.MemberEmailHashes>();
        services.AddSingleton<Conversions.ConversionIntake>();
        services.AddOptions<InMail.InMailOptions>().Bind(configuration.GetSection(InMail.InMailOptions.Section));
        services.AddSingleton<InMail.InMailService>();
        services.AddSingleton<InMail.InMailDirectory>();
        services.AddSingleton<InMail.CreditJob>();
        services.AddOptions<Api.ApiOptions>().Bind(configuration.GetSection(Api.ApiOptions.Section));
        services.AddSingleton<Api.ApiTokenService>();
        services.AddSingleton<Api.ApiRateLimiter>();
        services.AddSingleton<Api.IdempotencyStore>();
        services.AddOptions<Webhooks.WebhookOptions>().Bind(configuration.GetSection(Webhooks.WebhookOptions.Section));
        services.AddSingleton<Webhooks.WebhookSignal>();
        services.AddSingleton<Webhooks.WebhookService>();
        services.AddSingleton<Webhooks.WebhookOutbox>();
        services.AddSingleton<Changes.IChangeSubscriber>(sp => sp.GetRequiredService<Webhooks.WebhookOutbox>());
        services.AddSingleton<Webhooks.WebhookSender>();
        return services;
    }
}
