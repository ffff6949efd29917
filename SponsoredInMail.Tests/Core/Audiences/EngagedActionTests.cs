using SponsoredInMail.Core.Audiences;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Tests.Core.Audiences;

/// <summary>Which counted events put a member in which engaged audience (the index's rule, and what every source reads for it).</summary>
public class EngagedActionTests
{
    [Theory]
    [InlineData(EventKind.Open, EngagedAction.Opened)]
    [InlineData(EventKind.ButtonClick, EngagedAction.Clicked)]
    [InlineData(EventKind.LinkClick, EngagedAction.Clicked)]
    [InlineData(EventKind.BannerClick, EngagedAction.Clicked)]
    [InlineData(EventKind.ConversationButton, EngagedAction.Clicked)]
    [InlineData(EventKind.LeadSubmitted, EngagedAction.Lead)]
    [InlineData(EventKind.LeadFormOpen, null)]
    [InlineData(EventKind.NotInterested, null)]
    [InlineData(EventKind.OptOut, null)]
    public void OpensClicksAndLeadsMakeEngagedAudiences(EventKind kind, string? action) => EngagedAction.Of(kind).ShouldBe(action);

    [Fact]
    public void TheSourcesReadExactlyTheKindsThatMakeAnEngagedAudience() =>
        EngagedAction.EventKinds.ShouldBe([EventKind.Open, EventKind.ButtonClick, EventKind.LinkClick, EventKind.BannerClick, EventKind.LeadSubmitted, EventKind.ConversationButton]);
}
