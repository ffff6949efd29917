using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data;

public class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<MemberOptOut> MemberOptOuts => Set<MemberOptOut>();
    public DbSet<AdvertiserAccount> AdvertiserAccounts => Set<AdvertiserAccount>();
    public DbSet<AccountMembership> AccountMemberships => Set<AccountMembership>();
    public DbSet<SenderPermission> SenderPermissions => Set<SenderPermission>();
    public DbSet<Audiences.SavedAudience> SavedAudiences => Set<Audiences.SavedAudience>();
    public DbSet<Audiences.MatchedAudience> MatchedAudiences => Set<Audiences.MatchedAudience>();
    public DbSet<Audiences.MatchedAudienceMember> MatchedAudienceMembers => Set<Audiences.MatchedAudienceMember>();
    public DbSet<Ads.Ad> Ads => Set<Ads.Ad>();
    public DbSet<Ads.BannerImage> BannerImages => Set<Ads.BannerImage>();
    public DbSet<Ads.LeadGenForm> LeadGenForms => Set<Ads.LeadGenForm>();
    public DbSet<Campaigns.Campaign> Campaigns => Set<Campaigns.Campaign>();
    public DbSet<Variants.CampaignAd> CampaignAds => Set<Variants.CampaignAd>();
    public DbSet<Campaigns.CampaignStatusChange> CampaignStatusChanges => Set<Campaigns.CampaignStatusChange>();
    public DbSet<Audit.AuditEntry> AuditLog => Set<Audit.AuditEntry>();
    public DbSet<Deliveries.Delivery> Deliveries => Set<Deliveries.Delivery>();
    public DbSet<Deliveries.CampaignDailyStat> CampaignDailyStats => Set<Deliveries.CampaignDailyStat>();
    public DbSet<Engagement.EngagementEvent> EngagementEvents => Set<Engagement.EngagementEvent>();
    public DbSet<Engagement.AdLink> AdLinks => Set<Engagement.AdLink>();
    public DbSet<Engagement.Lead> Leads => Set<Engagement.Lead>();
    public DbSet<Engagement.AppSecret> AppSecrets => Set<Engagement.AppSecret>();
    public DbSet<Inbox.OrganicMessage> OrganicMessages => Set<Inbox.OrganicMessage>();
    public DbSet<Inbox.TestMessage> TestMessages => Set<Inbox.TestMessage>();
    public DbSet<Api.ApiToken> ApiTokens => Set<Api.ApiToken>();
    public DbSet<Api.IdempotencyRecord> IdempotencyRecords => Set<Api.IdempotencyRecord>();
    public DbSet<InMail.SalesSeat> SalesSeats => Set<InMail.SalesSeat>();
    public DbSet<InMail.CreditLedgerEntry> CreditLedger => Set<InMail.CreditLedgerEntry>();
    public DbSet<InMail.InMailMessage> InMails => Set<InMail.InMailMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Changes.ChangeRecord> Changes => Set<Changes.ChangeRecord>();
    public DbSet<Changes.ChangeCursor> ChangeCursors => Set<Changes.ChangeCursor>();
    public DbSet<Conversions.ConversionDefinition> ConversionDefinitions => Set<Conversions.ConversionDefinition>();
    public DbSet<Conversions.ConversionEvent> ConversionEvents => Set<Conversions.ConversionEvent>();
    public DbSet<Conversions.CampaignHoldout> CampaignHoldouts => Set<Conversions.CampaignHoldout>();
    public DbSet<Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Webhooks.WebhookEndpoint>();
    public DbSet<Webhooks.WebhookDelivery> WebhookDeliveries => Set<Webhooks.WebhookDelivery>();
    public DbSet<Webhooks.WebhookAttempt> WebhookAttempts => Set<Webhooks.WebhookAttempt>();

    // Kept by Changes.ChangeRecorder between SavingChanges and SavedChanges, and until the commit signals followers.
    internal List<Func<Changes.DataChange?>>? PendingChanges { get; set; }
    internal Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? OwnedChangeTransaction { get; set; }
    internal List<(Changes.DataChange Change, DateTime At)>? ChangesToAppend { get; set; }
    internal List<Changes.ChangeEnvelope>? AppendedChanges { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity picks its schema version from IdentityOptions in the application's services;
        // AddSponsoredInMailData pins it to version 3 (passkeys) for the app, the tests and design time alike.
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite keeps no kind, so restore it on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}
