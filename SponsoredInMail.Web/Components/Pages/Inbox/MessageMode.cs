namespace SponsoredInMail.Web.Components.Pages.Inbox;

/// <summary>How a sponsored message behaves: a member's live inbox, a test send (nothing recorded), or an admin's read-only view.</summary>
public enum MessageMode
{
    Live,
    Test,
    ReadOnly,
}
