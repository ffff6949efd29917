using SponsoredInMail.Core.Changes;
using SponsoredInMail.Core.Engagement;

namespace SponsoredInMail.Tests.Core.Changes;

public class ChangePayloadTests
{
    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 1, 2, 3, 4, 5 })]
    [InlineData(new[] { 0, 127, 128, 16_511, 16_512, 2_000_000, int.MaxValue })]
    public void ASendBatchReadsBackTheSameMembers(int[] ids)
    {
        var sent = new DeliveriesSent(7, 3, new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), ids);

        var read = Assert.IsType<DeliveriesSent>(DataChange.FromJson(sent.ToJson()));

        Assert.Equal(ids, read.MemberIds);
        Assert.Equal(sent.At, read.At);
        Assert.Equal((7, 3), (read.CampaignId, read.AdvertiserAccountId));
    }

    [Fact]
    public void ABatchOfNeighbouringMembersTakesAboutOneBytePerSend()
    {
        var ids = Enumerable.Range(100_000, 20_000).ToArray();

        var json = new DeliveriesSent(1, 1, DateTime.UnixEpoch, ids).ToJson();

        Assert.InRange(json.Length, 20_000, 30_000); // base64 of ~20,000 one-byte gaps, not 160 KB of numbers
    }

    [Fact]
    public void ARowWrittenAsAPlainArrayStillReads()
    {
        var read = DataChange.FromJson("""{"$kind":"deliveries","campaignId":1,"advertiserAccountId":2,"at":"2026-12-01T00:00:00Z","memberIds":[3,9,40]}""");

        Assert.Equal([3, 9, 40], Assert.IsType<DeliveriesSent>(read).MemberIds);
    }

    [Fact]
    public void IdsOutOfOrderAreRefusedRatherThanStoredWrong() =>
        Assert.Throws<ArgumentException>(() => new DeliveriesSent(1, 1, DateTime.UnixEpoch, [5, 4]).ToJson());

    [Fact]
    public void ATruncatedListIsAnError() =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() =>
            DataChange.FromJson("""{"$kind":"deliveries","campaignId":1,"advertiserAccountId":2,"at":"2026-12-01T00:00:00Z","memberIds":"gA=="}"""));

    [Fact]
    public void EngagementReadsBackAsFourNumbersAnEvent()
    {
        var engaged = new EngagementRecorded([new EngagedMember(4, 2, 1_000_001, EventKind.ButtonClick), new EngagedMember(4, 2, 7, EventKind.Open)]);

        var json = engaged.ToJson();
        var read = Assert.IsType<EngagementRecorded>(DataChange.FromJson(json));

        Assert.Equal(engaged.Events, read.Events);
        Assert.Contains($"[4,2,1000001,{(int)EventKind.ButtonClick}]", json);
    }

    [Fact]
    public void EngagementWrittenAsObjectsStillReads()
    {
        var read = DataChange.FromJson("""{"$kind":"engagement","events":[{"campaignId":1,"advertiserAccountId":2,"memberId":3,"kind":1}]}""");

        Assert.Equal([new EngagedMember(1, 2, 3, EventKind.Open)], Assert.IsType<EngagementRecorded>(read).Events);
    }
}
