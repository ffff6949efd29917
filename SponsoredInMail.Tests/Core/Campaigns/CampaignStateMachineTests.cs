using SponsoredInMail.Core.Campaigns;

namespace SponsoredInMail.Tests.Core.Campaigns;

/// <summary>Walks every pair of states: exactly the SPEC's moves are allowed, everything else refused.</summary>
public class CampaignStateMachineTests
{
    private static readonly HashSet<(CampaignStatus, CampaignStatus)> Allowed =
    [
        (CampaignStatus.Draft, CampaignStatus.InReview), (CampaignStatus.Draft, CampaignStatus.Archived),
        (CampaignStatus.InReview, CampaignStatus.Approved), (CampaignStatus.InReview, CampaignStatus.Rejected), (CampaignStatus.InReview, CampaignStatus.Draft), (CampaignStatus.InReview, CampaignStatus.Canceled),
        (CampaignStatus.Rejected, CampaignStatus.Draft), (CampaignStatus.Rejected, CampaignStatus.Archived),
        (CampaignStatus.Approved, CampaignStatus.Active), (CampaignStatus.Approved, CampaignStatus.Canceled),
        (CampaignStatus.Active, CampaignStatus.Paused), (CampaignStatus.Active, CampaignStatus.Completed), (CampaignStatus.Active, CampaignStatus.Canceled),
        (CampaignStatus.Paused, CampaignStatus.Active), (CampaignStatus.Paused, CampaignStatus.Completed), (CampaignStatus.Paused, CampaignStatus.Canceled),
        (CampaignStatus.Completed, CampaignStatus.Archived), (CampaignStatus.Canceled, CampaignStatus.Archived),
    ];

    public static TheoryData<CampaignStatus, CampaignStatus> EveryPair()
    {
        var data = new TheoryData<CampaignStatus, CampaignStatus>();
        foreach (var from in Enum.GetValues<CampaignStatus>())
        {
            foreach (var to in Enum.GetValues<CampaignStatus>())
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void OnlyTheSpecsMovesAreAllowed(CampaignStatus from, CampaignStatus to)
    {
        var campaign = new Campaign { Name = "c", Status = from, CreatedByUserId = "u", UpdatedByUserId = "u" };

        var moved = CampaignStateMachine.Move(campaign, to, "admin", new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc), "because");

        moved.Succeeded.ShouldBe(Allowed.Contains((from, to)), $"{from} → {to}");
        campaign.Status.ShouldBe(moved.Succeeded ? to : from);
        if (moved.Succeeded)
        {
            moved.Value!.From.ShouldBe(from);
            moved.Value.To.ShouldBe(to);
            moved.Value.ActorUserId.ShouldBe("admin");
            moved.Value.Reason.ShouldBe("because");
        }
        else
        {
            moved.Outcome.ErrorFor("status").ShouldNotBeNull().ShouldStartWith("A campaign that is ");
        }
    }

    [Fact]
    public void ArchivedIsFinal() => CampaignStateMachine.NextStates(CampaignStatus.Archived).ShouldBeEmpty();

    [Theory]
    [InlineData(CampaignStatus.InReview, true)]
    [InlineData(CampaignStatus.Approved, true)]
    [InlineData(CampaignStatus.Active, true)]
    [InlineData(CampaignStatus.Paused, true)]
    [InlineData(CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Completed, false)]
    [InlineData(CampaignStatus.Canceled, false)]
    public void LiveStatesHoldTheirAudienceAndAd(CampaignStatus status, bool live) => CampaignStateMachine.IsLive(status).ShouldBe(live);
}
