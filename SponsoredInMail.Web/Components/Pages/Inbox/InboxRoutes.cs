using SponsoredInMail.Core.Inbox;

namespace SponsoredInMail.Web.Components.Pages.Inbox;

/// <summary>The URL segment of each kind of inbox message: /inbox/sponsored/{id}, /inbox/test/{id}, /inbox/messages/{id}, /inbox/inmail/{id}.</summary>
public static class InboxRoutes
{
    public static string Segment(InboxItemKind kind) => kind switch
    {
        InboxItemKind.Sponsored => "sponsored",
        InboxItemKind.Test => "test",
        InboxItemKind.InMail => "inmail",
        _ => "messages",
    };

    public static InboxItemKind? Parse(string? segment) => segment?.ToLowerInvariant() switch
    {
        "sponsored" => InboxItemKind.Sponsored,
        "test" => InboxItemKind.Test,
        "messages" => InboxItemKind.Organic,
        "inmail" => InboxItemKind.InMail,
        _ => null,
    };
}
