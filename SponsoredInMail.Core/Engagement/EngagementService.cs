using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Core.Inbox;
using SponsoredInMail.Core.Members;

namespace SponsoredInMail.Core.Engagement;

/// <summary>What a member does inside a sponsored message, checked and recorded through the group-commit writer.</summary>
public sealed class EngagementService(IDbContextFactory<AppDbContext> factory, EngagementWriter writer, TrackingTokens tokens, TimeProvider clock)
{
    public const int AnswerMax = 500;

    /// <summary>A click through the tracking endpoint: the stored URL to redirect to, or null (404, nothing stored).</summary>
    public async Task<string?> ClickAsync(string? token, CancellationToken ct = default)
    {
        if (await tokens.ReadAsync(token, ct) is not { } named)
        {
            return null;
        }
        // The kind is settled from the stored link's place in the message.
        var at = Now();
        var outcome = await writer.WriteAsync(new EventRequest(named.DeliveryId, EventKind.LinkClick, at, AdLinkId: named.LinkId));
        if (!outcome.Stored || outcome.RedirectUrl is not { } url)
        {
            return null;
        }
        // The landing page gets a signed click id, which the advertiser's tag keeps first-party and sends back with conversions.
        return ClickIds.AppendTo(url, await tokens.IssueClickIdAsync(named.DeliveryId, at, ct));
    }

    /// <summary>A Conversation Ad button that stays in the inbox (next message, lead form, end, "Not interested").</summary>
    public async Task<Result> PressButtonAsync(int memberId, long deliveryId, string messageId, string buttonId, CancellationToken ct = default)
    {
        var script = (await AdOfAsync(memberId, deliveryId, ct))?.Conversation;
        var button = script?.Find(messageId)?.Buttons.FirstOrDefault(b => b.Id == buttonId);
        if (button is null)
        {
            return Result.Fail("button", "That button is not part of this conversation.");
        }
        var kind = ConversationGraphValidator.IsNotInterested(button) ? EventKind.NotInterested : EventKind.ConversationButton;
        return Stored(await writer.WriteAsync(new EventRequest(deliveryId, kind, Now(), memberId, Detail: $"{messageId}/{buttonId}")));
    }

    public async Task<Result> NotInterestedAsync(int memberId, long deliveryId, CancellationToken ct = default) =>
        Stored(await writer.WriteAsync(new EventRequest(deliveryId, EventKind.NotInterested, Now(), memberId)));

    public async Task<Result> LeadFormOpenedAsync(int memberId, long deliveryId, int leadFormId, CancellationToken ct = default)
    {
        var ad = await AdOfAsync(memberId, deliveryId, ct);
        if (ad is null || !InboxService.FormIds(ad).Contains(leadFormId))
        {
            return Result.Fail("form", "That form is not part of this message.");
        }
        return Stored(await writer.WriteAsync(new EventRequest(deliveryId, EventKind.LeadFormOpen, Now(), memberId, Detail: leadFormId.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// Validates the answers against the form (every field filled, e-mail well formed, choices from the list, consent
    /// given when asked) and stores the lead: once per delivery, a second submission updates it.
    /// </summary>
    public async Task<Result> SubmitLeadAsync(int memberId, long deliveryId, int leadFormId, IReadOnlyDictionary<string, string> answers, bool consented, CancellationToken ct = default)
    {
        var ad = await AdOfAsync(memberId, deliveryId, ct);
        if (ad is null || !InboxService.FormIds(ad).Contains(leadFormId))
        {
            return Result.Fail("form", "That form is not part of this message.");
        }
        await using var db = await factory.CreateDbContextAsync(ct);
        var form = await db.LeadGenForms.AsNoTracking().FirstAsync(f => f.Id == leadFormId, ct);
        var errors = new List<FieldError>();
        var clean = new Dictionary<string, string>();
        var fields = form.ProfileFields.Select(f => (Label: ProfileFieldNames.Of(f), IsEmail: f == ProfileField.Email, Options: (IReadOnlyList<string>?)null))
            .Concat(form.Questions.Select(q => (Label: q.Text, IsEmail: false, Options: q.Kind == QuestionKind.Choice ? q.Options : null)));
        foreach (var (label, isEmail, options) in fields)
        {
            var value = answers.GetValueOrDefault(label)?.Trim() ?? "";
            if (value.Length == 0)
            {
                errors.Add(new FieldError(label, $"{label} is required."));
            }
            else if (value.Length > AnswerMax)
            {
                errors.Add(new FieldError(label, $"{label} can be at most {AnswerMax} characters; it has {value.Length:N0}."));
            }
            else if (isEmail && !Audiences.MatchedAudienceCsv.IsValidEmail(value))
            {
                errors.Add(new FieldError(label, "Enter an e-mail address such as name@company.com."));
            }
            else if (options is not null && !options.Contains(value))
            {
                errors.Add(new FieldError(label, $"Choose one of the options for \"{label}\"."));
            }
            clean[label] = value;
        }
        if (form.ConsentText is { Length: > 0 } && !consented)
        {
            errors.Add(new FieldError("consent", "Tick the consent box to send your details."));
        }
        if (errors.Count > 0)
        {
            return Result.Fail(errors);
        }
        var payload = new LeadPayload(leadFormId, JsonSerializer.Serialize(clean));
        return Stored(await writer.WriteAsync(new EventRequest(deliveryId, EventKind.LeadSubmitted, Now(), memberId, Lead: payload)));
    }

    /// <summary>Opts out from inside a sponsored message: of its company, its sender, or all sponsored messages.</summary>
    public async Task<Result> OptOutAsync(int memberId, long deliveryId, OptOutScope scope, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(scope))
        {
            return Result.Fail("scope", "Choose what to opt out of.");
        }
        return Stored(await writer.WriteAsync(new EventRequest(deliveryId, EventKind.OptOut, Now(), memberId, OptOutScope: scope)));
    }

    private async Task<Ad?> AdOfAsync(int memberId, long deliveryId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from d in db.Deliveries.AsNoTracking()
                      where d.Id == deliveryId && d.MemberId == memberId
                      join a in db.Ads on d.AdId equals a.Id
                      select a).FirstOrDefaultAsync(ct);
    }

    private static Result Stored(EventOutcome outcome) => outcome.Stored ? Result.Ok : Result.Fail("message", "Message not found.");

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
