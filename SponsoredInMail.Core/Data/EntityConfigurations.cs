using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Data;

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> member)
    {
        member.Property(m => m.FirstName).HasMaxLength(100);
        member.Property(m => m.LastName).HasMaxLength(100);
        member.Property(m => m.Email).HasMaxLength(256);
        member.Property(m => m.Headline).HasMaxLength(220);
        member.Property(m => m.CountryCode).HasMaxLength(2);
        member.Property(m => m.Region).HasMaxLength(100);
        member.Property(m => m.Industry).HasMaxLength(100);
        member.Property(m => m.JobTitle).HasMaxLength(150);
        member.Property(m => m.JobFunction).HasMaxLength(100);
        member.Property(m => m.ProfileLanguage).HasMaxLength(8);
        member.Ignore(m => m.FullName);
        member.HasOne(m => m.Company).WithMany().HasForeignKey(m => m.CompanyId).OnDelete(DeleteBehavior.Restrict);
        member.HasIndex(m => m.LastName);
        member.HasIndex(m => m.Email);
    }
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> company)
    {
        company.Property(c => c.Name).HasMaxLength(200);
        company.Property(c => c.Domain).HasMaxLength(200);
        company.Property(c => c.Industry).HasMaxLength(100);
        company.Property(c => c.CountryCode).HasMaxLength(2);
        company.HasIndex(c => c.Name);
    }
}

internal sealed class MemberOptOutConfiguration : IEntityTypeConfiguration<MemberOptOut>
{
    public void Configure(EntityTypeBuilder<MemberOptOut> optOut)
    {
        optOut.HasIndex(o => new { o.MemberId, o.Scope });
        optOut.HasOne<Member>().WithMany().HasForeignKey(o => o.MemberId).OnDelete(DeleteBehavior.Cascade);
        optOut.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(o => o.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AdvertiserAccountConfiguration : IEntityTypeConfiguration<AdvertiserAccount>
{
    public void Configure(EntityTypeBuilder<AdvertiserAccount> account)
    {
        account.Property(a => a.Name).HasMaxLength(120);
        account.Property(a => a.Website).HasMaxLength(1024);
        account.Property(a => a.LogoColor).HasMaxLength(9);
        account.Property(a => a.LogoInitials).HasMaxLength(2);
        account.HasIndex(a => a.Name).IsUnique();
        account.HasMany(a => a.Memberships).WithOne(m => m.AdvertiserAccount)
            .HasForeignKey(m => m.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccountMembershipConfiguration : IEntityTypeConfiguration<AccountMembership>
{
    public void Configure(EntityTypeBuilder<AccountMembership> membership)
    {
        membership.HasIndex(m => new { m.AdvertiserAccountId, m.UserId }).IsUnique();
        membership.HasIndex(m => m.UserId);
        membership.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SenderPermissionConfiguration : IEntityTypeConfiguration<SenderPermission>
{
    public void Configure(EntityTypeBuilder<SenderPermission> permission)
    {
        permission.HasIndex(p => new { p.AdvertiserAccountId, p.MemberId }).IsUnique();
        permission.HasIndex(p => p.MemberId);
        permission.HasOne(p => p.AdvertiserAccount).WithMany().HasForeignKey(p => p.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
        permission.HasOne(p => p.Member).WithMany().HasForeignKey(p => p.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> user)
    {
        user.Property(u => u.DisplayName).HasMaxLength(120);
        user.HasOne<Member>().WithMany().HasForeignKey(u => u.MemberId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SavedAudienceConfiguration : IEntityTypeConfiguration<Audiences.SavedAudience>
{
    public void Configure(EntityTypeBuilder<Audiences.SavedAudience> audience)
    {
        audience.Property(a => a.Name).HasMaxLength(Audiences.AudienceRules.MaxNameLength);
        audience.Ignore(a => a.Targeting);
        audience.HasIndex(a => new { a.AdvertiserAccountId, a.Name }).IsUnique();
        audience.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(a => a.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MatchedAudienceConfiguration : IEntityTypeConfiguration<Audiences.MatchedAudience>
{
    public void Configure(EntityTypeBuilder<Audiences.MatchedAudience> list)
    {
        list.Property(a => a.Name).HasMaxLength(Audiences.AudienceRules.MaxNameLength);
        list.Property(a => a.FileName).HasMaxLength(260);
        list.HasIndex(a => a.AdvertiserAccountId);
        list.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(a => a.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MatchedAudienceMemberConfiguration : IEntityTypeConfiguration<Audiences.MatchedAudienceMember>
{
    public void Configure(EntityTypeBuilder<Audiences.MatchedAudienceMember> row)
    {
        row.HasKey(r => new { r.MatchedAudienceId, r.MemberId });
        row.HasOne<Audiences.MatchedAudience>().WithMany().HasForeignKey(r => r.MatchedAudienceId).OnDelete(DeleteBehavior.Cascade);
        row.HasOne<Member>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AdConfiguration : IEntityTypeConfiguration<Ads.Ad>
{
    public void Configure(EntityTypeBuilder<Ads.Ad> ad)
    {
        ad.Property(a => a.Name).HasMaxLength(Ads.AdLimits.NameMax);
        ad.Property(a => a.LandingUrl).HasMaxLength(Ads.AdLimits.UrlMax);
        ad.Ignore(a => a.Conversation);
        ad.HasIndex(a => new { a.AdvertiserAccountId, a.Status });
        ad.HasIndex(a => new { a.AdvertiserAccountId, a.SenderMemberId });
        ad.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(a => a.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
        ad.HasOne<Member>().WithMany().HasForeignKey(a => a.SenderMemberId).OnDelete(DeleteBehavior.Restrict);
        ad.HasOne<Ads.LeadGenForm>().WithMany().HasForeignKey(a => a.LeadFormId).OnDelete(DeleteBehavior.Restrict);
        ad.HasOne<Ads.BannerImage>().WithMany().HasForeignKey(a => a.BannerImageId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class BannerImageConfiguration : IEntityTypeConfiguration<Ads.BannerImage>
{
    public void Configure(EntityTypeBuilder<Ads.BannerImage> banner)
    {
        banner.Property(b => b.FileName).HasMaxLength(260);
        banner.Property(b => b.ContentType).HasMaxLength(40);
        banner.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(b => b.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LeadGenFormConfiguration : IEntityTypeConfiguration<Ads.LeadGenForm>
{
    public void Configure(EntityTypeBuilder<Ads.LeadGenForm> form)
    {
        form.Property(f => f.Name).HasMaxLength(Ads.AdLimits.NameMax);
        form.Property(f => f.PrivacyPolicyUrl).HasMaxLength(Ads.AdLimits.UrlMax);
        form.Property(f => f.ThankYouUrl).HasMaxLength(Ads.AdLimits.UrlMax);
        form.Ignore(f => f.ProfileFields);
        form.Ignore(f => f.Questions);
        form.HasIndex(f => f.AdvertiserAccountId);
        form.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(f => f.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaigns.Campaign>
{
    public void Configure(EntityTypeBuilder<Campaigns.Campaign> campaign)
    {
        campaign.Property(c => c.Name).HasMaxLength(Campaigns.CampaignRules.NameMax);
        campaign.Property(c => c.RejectionReason).HasMaxLength(2_000);
        campaign.HasIndex(c => c.Status);
        campaign.HasIndex(c => new { c.AdvertiserAccountId, c.Status });
        campaign.HasIndex(c => c.SavedAudienceId);
        campaign.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(c => c.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
        // A finished campaign lets its audience go (deletion is refused only while a campaign is live).
        campaign.HasOne<Audiences.SavedAudience>().WithMany().HasForeignKey(c => c.SavedAudienceId).OnDelete(DeleteBehavior.SetNull);
        campaign.HasOne<Ads.Ad>().WithMany().HasForeignKey(c => c.AdId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignAdConfiguration : IEntityTypeConfiguration<Variants.CampaignAd>
{
    public void Configure(EntityTypeBuilder<Variants.CampaignAd> ad)
    {
        ad.HasKey(a => new { a.CampaignId, a.AdId });
        ad.Property(a => a.RejectionReason).HasMaxLength(2_000);
        ad.HasIndex(a => a.AdId);
        ad.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(a => a.CampaignId).OnDelete(DeleteBehavior.Cascade);
        ad.HasOne<Ads.Ad>().WithMany().HasForeignKey(a => a.AdId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignStatusChangeConfiguration : IEntityTypeConfiguration<Campaigns.CampaignStatusChange>
{
    public void Configure(EntityTypeBuilder<Campaigns.CampaignStatusChange> change)
    {
        change.Property(c => c.Reason).HasMaxLength(2_000);
        change.HasIndex(c => new { c.CampaignId, c.At });
        change.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<Audit.AuditEntry>
{
    public void Configure(EntityTypeBuilder<Audit.AuditEntry> entry)
    {
        entry.Property(e => e.EntityType).HasMaxLength(40);
        entry.Property(e => e.EntityId).HasMaxLength(40);
        entry.Property(e => e.Action).HasMaxLength(60);
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => new { e.EntityType, e.EntityId });
        entry.HasIndex(e => e.AdvertiserAccountId);
    }
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Deliveries.Delivery>
{
    public void Configure(EntityTypeBuilder<Deliveries.Delivery> delivery)
    {
        // Invariant 1: one delivery per (campaign, member), whatever crashes or races happen.
        delivery.HasIndex(d => new { d.CampaignId, d.MemberId }).IsUnique();
        // The frequency-cap state: a member's sponsored messages by time (both caps read it).
        delivery.HasIndex(d => new { d.MemberId, d.DeliveredAt, d.AdvertiserAccountId });
        delivery.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(d => d.CampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CampaignDailyStatConfiguration : IEntityTypeConfiguration<Deliveries.CampaignDailyStat>
{
    public void Configure(EntityTypeBuilder<Deliveries.CampaignDailyStat> stat)
    {
        stat.HasKey(s => new { s.CampaignId, s.Day });
        stat.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EngagementEventConfiguration : IEntityTypeConfiguration<Engagement.EngagementEvent>
{
    public void Configure(EntityTypeBuilder<Engagement.EngagementEvent> e)
    {
        e.Property(x => x.Detail).HasMaxLength(200);
        e.HasIndex(x => new { x.CampaignId, x.At });
        e.HasIndex(x => new { x.DeliveryId, x.Kind });
        // Reports read who opened or clicked a campaign straight from this index (demographics, engaged audiences).
        e.HasIndex(x => new { x.CampaignId, x.Kind, x.Counted, x.MemberId, x.At });
        e.HasOne<Deliveries.Delivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AdLinkConfiguration : IEntityTypeConfiguration<Engagement.AdLink>
{
    public void Configure(EntityTypeBuilder<Engagement.AdLink> link)
    {
        link.Property(l => l.Url).HasMaxLength(2_048);
        link.HasIndex(l => new { l.AdId, l.Kind, l.Url }).IsUnique();
        link.HasOne<Ads.Ad>().WithMany().HasForeignKey(l => l.AdId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Engagement.Lead>
{
    public void Configure(EntityTypeBuilder<Engagement.Lead> lead)
    {
        lead.HasIndex(l => l.DeliveryId).IsUnique();
        lead.HasIndex(l => new { l.AdvertiserAccountId, l.SubmittedAt });
        lead.HasIndex(l => l.CampaignId);
        lead.HasOne<Deliveries.Delivery>().WithMany().HasForeignKey(l => l.DeliveryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppSecretConfiguration : IEntityTypeConfiguration<Engagement.AppSecret>
{
    public void Configure(EntityTypeBuilder<Engagement.AppSecret> secret)
    {
        secret.HasKey(s => s.Name);
        secret.Property(s => s.Name).HasMaxLength(100);
    }
}

internal sealed class OrganicMessageConfiguration : IEntityTypeConfiguration<Inbox.OrganicMessage>
{
    public void Configure(EntityTypeBuilder<Inbox.OrganicMessage> message)
    {
        message.Property(m => m.Subject).HasMaxLength(200);
        message.Property(m => m.Body).HasMaxLength(8_000);
        message.HasIndex(m => new { m.ToMemberId, m.SentAt });
    }
}

internal sealed class TestMessageConfiguration : IEntityTypeConfiguration<Inbox.TestMessage>
{
    public void Configure(EntityTypeBuilder<Inbox.TestMessage> message)
    {
        message.HasIndex(m => new { m.ToMemberId, m.SentAt });
        message.HasOne<Ads.Ad>().WithMany().HasForeignKey(m => m.AdId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<Api.ApiToken>
{
    public void Configure(EntityTypeBuilder<Api.ApiToken> token)
    {
        token.Property(t => t.Name).HasMaxLength(100);
        token.Property(t => t.Prefix).HasMaxLength(16);
        token.Property(t => t.SecretHash).HasMaxLength(64);
        token.HasIndex(t => t.SecretHash).IsUnique();
        token.HasIndex(t => t.AdvertiserAccountId);
        token.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(t => t.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<Api.IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<Api.IdempotencyRecord> record)
    {
        record.Property(r => r.Key).HasMaxLength(Api.IdempotencyRules.MaxKeyLength);
        record.Property(r => r.RequestHash).HasMaxLength(64);
        record.Property(r => r.ContentType).HasMaxLength(200);
        record.Property(r => r.Location).HasMaxLength(500);
        record.Property(r => r.ETag).HasMaxLength(100);
        record.HasIndex(r => new { r.AdvertiserAccountId, r.Key }).IsUnique();
        record.HasIndex(r => new { r.AdvertiserAccountId, r.CreatedAt });
        record.HasOne<AdvertiserAccount>().WithMany().HasForeignKey(r => r.AdvertiserAccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SalesSeatConfiguration : IEntityTypeConfiguration<InMail.SalesSeat>
{
    public void Configure(EntityTypeBuilder<InMail.SalesSeat> seat)
    {
        seat.HasKey(s => s.UserId);
        seat.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CreditLedgerEntryConfiguration : IEntityTypeConfiguration<InMail.CreditLedgerEntry>
{
    public void Configure(EntityTypeBuilder<InMail.CreditLedgerEntry> entry)
    {
        entry.Property(e => e.Reason).HasMaxLength(200);
        entry.Property(e => e.GrantMonth).HasMaxLength(7);
        entry.HasIndex(e => new { e.UserId, e.At });
        // At most one grant per rep and month, and one refund per InMail: the job is idempotent by construction.
        entry.HasIndex(e => new { e.UserId, e.GrantMonth }).IsUnique();
        entry.HasIndex(e => e.RefundOfInMailId).IsUnique();
        entry.Property(e => e.ExpiryMonth).HasMaxLength(7);
        entry.HasIndex(e => new { e.UserId, e.ExpiryMonth }).IsUnique();
    }
}

internal sealed class InMailMessageConfiguration : IEntityTypeConfiguration<InMail.InMailMessage>
{
    public void Configure(EntityTypeBuilder<InMail.InMailMessage> message)
    {
        message.Property(m => m.Subject).HasMaxLength(InMail.InMailLimits.SubjectMax);
        message.Property(m => m.Body).HasMaxLength(InMail.InMailLimits.BodyMax);
        message.Property(m => m.ReplyText).HasMaxLength(InMail.InMailLimits.ReplyMax);
        message.HasIndex(m => new { m.SenderUserId, m.SentAt });
        message.HasIndex(m => new { m.ToMemberId, m.SentAt });
    }
}
