using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Core.Data;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Accounts;

/// <summary>
/// Sender permissions: requests by the account, answers by the member, and the revocation that cancels every ad
/// of that account sending in the member's name.
/// </summary>
public class SenderServiceTests : IAsyncLifetime
{
    private const int Mia = 1;

    private TestDatabase _db = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;

    private SenderService Senders => ActivatorUtilities.CreateInstance<SenderService>(_db.Services);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(300);
        await using var db = _db.CreateContext();
        _maria = await db.Users.Where(u => u.Email == "maria@contoso.example").Select(u => u.Id).SingleAsync(Ct);
        _ben = await db.Users.Where(u => u.Email == "ben@northwind.example").Select(u => u.Id).SingleAsync(Ct);
        _contoso = await db.AdvertiserAccounts.Where(a => a.Name == "Contoso Cloud").Select(a => a.Id).SingleAsync(Ct);
        _northwind = await db.AdvertiserAccounts.Where(a => a.Name == "Northwind Analytics").Select(a => a.Id).SingleAsync(Ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    // ---- Requests (marketer side) ----------------------------------------------------------------------------

    [Fact]
    public async Task ManagerRequestsAMemberAndBothSidesSeeThePendingRequest()
    {
        var member = await NewcomerAsync();
        _db.Clock.Advance(TimeSpan.FromHours(3));

        var result = await Senders.RequestAsync(_maria, _contoso, member.Id, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        var permission = await PermissionAsync(result.Value);
        (permission.AdvertiserAccountId, permission.MemberId, permission.Status).ShouldBe((_contoso, member.Id, SenderPermissionStatus.Pending));
        permission.RequestedAt.ShouldBe(_db.Clock.GetUtcNow().UtcDateTime);
        permission.RespondedAt.ShouldBeNull();

        var accountSide = (await Senders.ListForAccountAsync(_maria, _contoso, Ct)).Single(s => s.PermissionId == result.Value);
        accountSide.ShouldBe(new AccountSenderView(result.Value, member.Id, member.FullName, member.Headline,
            SenderPermissionStatus.Pending, _db.Clock.GetUtcNow().UtcDateTime, null));

        var memberSide = (await Senders.ListForMemberAsync(member.Id, Ct)).ShouldHaveSingleItem();
        memberSide.ShouldBe(new MemberSenderRequest(result.Value, _contoso, "Contoso Cloud", "https://contoso.example", "#0A66C2", "CC",
            SenderPermissionStatus.Pending, _db.Clock.GetUtcNow().UtcDateTime, null, 0));
    }

    [Fact]
    public async Task AnAlreadyPendingRequestIsRefusedAndNothingChanges()
    {
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RequestAsync(_maria, _contoso, Mia, Ct);

        result.Outcome.ErrorFor("member").ShouldBe("Mia Morgan has not answered this account's request yet; it was sent on 21 Nov 2026.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AnAlreadyGrantedSenderIsRefusedAndNothingChanges()
    {
        var sender = (await GrantedOfAsync(_contoso)).First();
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RequestAsync(_maria, _contoso, sender.MemberId, Ct);

        result.Outcome.ErrorFor("member").ShouldBe($"{sender.Name} already lets this account send in their name.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ADeclinedRequestCanBeAskedAgainAndIsPendingWithANewDate()
    {
        var id = await PermissionIdAsync(_contoso, Mia);
        (await Senders.DeclineAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        var count = (await PermissionsSnapshotAsync()).Count;
        _db.Clock.Advance(TimeSpan.FromDays(5));

        var result = await Senders.RequestAsync(_maria, _contoso, Mia, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value.ShouldBe(id);
        var permission = await PermissionAsync(id);
        permission.Status.ShouldBe(SenderPermissionStatus.Pending);
        permission.RequestedAt.ShouldBe(_db.Clock.GetUtcNow().UtcDateTime);
        permission.RespondedAt.ShouldBeNull();
        (await PermissionsSnapshotAsync()).Count.ShouldBe(count);
    }

    [Fact]
    public async Task ARevokedPermissionCanBeAskedAgainAndIsPendingWithANewDate()
    {
        var id = await PermissionIdAsync(_contoso, Mia);
        (await Senders.AcceptAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        (await Senders.RevokeAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        _db.Clock.Advance(TimeSpan.FromDays(40));

        var result = await Senders.RequestAsync(_maria, _contoso, Mia, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        var permission = await PermissionAsync(id);
        (permission.Status, permission.RequestedAt, permission.RespondedAt)
            .ShouldBe((SenderPermissionStatus.Pending, _db.Clock.GetUtcNow().UtcDateTime, (DateTime?)null));
        (await Senders.IsGrantedAsync(_contoso, Mia, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task AnUnknownMemberIsRefusedAndNothingChanges()
    {
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RequestAsync(_maria, _contoso, 999_999, Ct);

        result.Outcome.ErrorFor("member").ShouldBe("Member not found.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AViewerCannotRequestAndNothingChanges()
    {
        var member = await NewcomerAsync();
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RequestAsync(_maria, _northwind, member.Id, Ct);

        result.Outcome.ErrorFor("account").ShouldBe("Only a Manager of this account can request sender permission.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AnotherAccountAnswersNotFoundEverywhere()
    {
        var member = await NewcomerAsync();
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RequestAsync(_ben, _contoso, member.Id, Ct);

        result.Outcome.ErrorFor("account").ShouldBe("Advertiser account not found.");
        (await Senders.RequestAsync(_ben, 999_999, member.Id, Ct)).Outcome.ErrorFor("account").ShouldBe("Advertiser account not found.");
        (await Senders.ListForAccountAsync(_ben, _contoso, Ct)).ShouldBeEmpty();
        (await Senders.GrantedSendersAsync(_ben, _contoso, Ct)).ShouldBeEmpty();
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AViewerListsTheAccountsRequestsAndPermissionsOnlyOfThatAccount()
    {
        var list = await Senders.ListForAccountAsync(_maria, _northwind, Ct);

        list.Count(s => s.Status == SenderPermissionStatus.Granted).ShouldBe(3);
        list.Where(s => s.Status == SenderPermissionStatus.Pending).ShouldHaveSingleItem().Name.ShouldBe("Mia Morgan");
        list[0].Status.ShouldBe(SenderPermissionStatus.Pending);
        var northwindIds = await PermissionIdsOfAsync(_northwind);
        list.Select(s => s.PermissionId).Order().ShouldBe(northwindIds);
        list.ShouldAllBe(s => s.Headline.Length > 0);
    }

    [Fact]
    public async Task ThePickerOffersOnlyGrantedSenders()
    {
        var granted = await GrantedOfAsync(_contoso);

        var picker = await Senders.GrantedSendersAsync(_maria, _contoso, Ct);

        picker.Select(p => p.MemberId).Order().ShouldBe(granted.Select(g => g.MemberId).Order());
        picker.ShouldNotContain(p => p.MemberId == Mia);

        (await Senders.AcceptAsync(Mia, await PermissionIdAsync(_contoso, Mia), Ct)).Succeeded.ShouldBeTrue();
        (await Senders.GrantedSendersAsync(_maria, _contoso, Ct)).ShouldContain(new GrantedSender(Mia, "Mia Morgan", await HeadlineAsync(Mia)));
        (await Senders.GrantedSendersAsync(_maria, _northwind, Ct)).ShouldNotContain(p => p.MemberId == Mia);
    }

    [Fact]
    public async Task IsGrantedIsTrueOnlyForAGrantedPermissionOfThatAccount()
    {
        var contosoSender = (await GrantedOfAsync(_contoso)).First().MemberId;

        (await Senders.IsGrantedAsync(_contoso, contosoSender, Ct)).ShouldBeTrue();
        (await Senders.IsGrantedAsync(_northwind, contosoSender, Ct)).ShouldBeFalse();
        (await Senders.IsGrantedAsync(_contoso, Mia, Ct)).ShouldBeFalse();
        (await Senders.IsGrantedAsync(_contoso, 999_999, Ct)).ShouldBeFalse();
    }

    // ---- Answers (member side) -------------------------------------------------------------------------------

    [Fact]
    public async Task TheMemberSeesPendingRequestsWithTheAccountsNameAndLogo()
    {
        var list = await Senders.ListForMemberAsync(Mia, Ct);

        list.Select(r => (r.AccountName, r.LogoInitials, r.LogoColor, r.Status)).ShouldBe([
            ("Contoso Cloud", "CC", "#0A66C2", SenderPermissionStatus.Pending),
            ("Northwind Analytics", "NA", "#057642", SenderPermissionStatus.Pending),
        ]);
        (await Senders.ListForMemberAsync(2, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AcceptingGrantsAndDecliningDropsTheRequestFromTheMembersList()
    {
        var contosoRequest = await PermissionIdAsync(_contoso, Mia);
        var northwindRequest = await PermissionIdAsync(_northwind, Mia);
        _db.Clock.Advance(TimeSpan.FromMinutes(90));
        var now = _db.Clock.GetUtcNow().UtcDateTime;

        (await Senders.AcceptAsync(Mia, contosoRequest, Ct)).Succeeded.ShouldBeTrue();
        (await Senders.DeclineAsync(Mia, northwindRequest, Ct)).Succeeded.ShouldBeTrue();

        var accepted = await PermissionAsync(contosoRequest);
        (accepted.Status, accepted.RespondedAt).ShouldBe((SenderPermissionStatus.Granted, (DateTime?)now));
        var declined = await PermissionAsync(northwindRequest);
        (declined.Status, declined.RespondedAt).ShouldBe((SenderPermissionStatus.Declined, (DateTime?)now));
        (await Senders.IsGrantedAsync(_contoso, Mia, Ct)).ShouldBeTrue();
        (await Senders.ListForMemberAsync(Mia, Ct)).ShouldHaveSingleItem()
            .ShouldSatisfyAllConditions(r => r.AccountName.ShouldBe("Contoso Cloud"), r => r.Status.ShouldBe(SenderPermissionStatus.Granted));
    }

    [Fact]
    public async Task OnlyAPendingRequestCanBeAnsweredAndRefusalsChangeNothing()
    {
        var id = await PermissionIdAsync(_contoso, Mia);
        (await Senders.AcceptAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        var before = await PermissionsSnapshotAsync();
        _db.Clock.Advance(TimeSpan.FromDays(1));

        (await Senders.AcceptAsync(Mia, id, Ct)).ErrorFor("permission").ShouldBe("Only a pending request can be accepted; this one is already granted.");
        (await Senders.DeclineAsync(Mia, id, Ct)).ErrorFor("permission").ShouldBe("Only a pending request can be declined; this one is already granted.");

        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task ADeclinedRequestCannotBeAcceptedLater()
    {
        var id = await PermissionIdAsync(_northwind, Mia);
        (await Senders.DeclineAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        var before = await PermissionsSnapshotAsync();

        (await Senders.AcceptAsync(Mia, id, Ct)).ErrorFor("permission").ShouldBe("Only a pending request can be accepted; this one is declined.");
        (await Senders.RevokeAsync(Mia, id, Ct)).Outcome.ErrorFor("permission")
            .ShouldBe("Only a permission you granted can be revoked; this one is declined.");

        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task APendingRequestCannotBeRevoked()
    {
        var before = await PermissionsSnapshotAsync();

        var result = await Senders.RevokeAsync(Mia, await PermissionIdAsync(_contoso, Mia), Ct);

        result.Outcome.ErrorFor("permission").ShouldBe("You have not accepted this request, so there is nothing to revoke; decline it instead.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AnotherMembersPermissionAnswersNotFoundAndNothingChanges()
    {
        var someoneElses = await PermissionIdAsync(_contoso, (await GrantedOfAsync(_contoso)).First().MemberId);
        var miasRequest = await PermissionIdAsync(_contoso, Mia);
        var ad = await AddAdAsync(_contoso, (await GrantedOfAsync(_contoso)).First().MemberId);
        var before = await PermissionsSnapshotAsync();
        var adsBefore = await AdsSnapshotAsync();

        (await Senders.AcceptAsync(Mia, someoneElses, Ct)).ErrorFor("permission").ShouldBe("Sender request not found.");
        (await Senders.DeclineAsync(Mia, someoneElses, Ct)).ErrorFor("permission").ShouldBe("Sender request not found.");
        (await Senders.RevokeAsync(Mia, someoneElses, Ct)).Outcome.ErrorFor("permission").ShouldBe("Sender permission not found.");
        (await Senders.AcceptAsync(2, miasRequest, Ct)).ErrorFor("permission").ShouldBe("Sender request not found.");
        (await Senders.AcceptAsync(Mia, 999_999, Ct)).ErrorFor("permission").ShouldBe("Sender request not found.");
        (await Senders.RevokeAsync(Mia, 999_999, Ct)).Outcome.ErrorFor("permission").ShouldBe("Sender permission not found.");

        (await PermissionsSnapshotAsync()).ShouldBe(before);
        (await AdsSnapshotAsync()).ShouldBe(adsBefore);
        (await AdAsync(ad)).Status.ShouldBe(AdStatus.Active);
    }

    // ---- Revocation ------------------------------------------------------------------------------------------

    [Fact]
    public async Task RevokingCancelsExactlyThatAccountsAdsInTheMembersNameWithTheReason()
    {
        var otherSender = (await GrantedOfAsync(_contoso)).First().MemberId;
        var contosoPermission = await GrantMiaAsync(_contoso);
        await GrantMiaAsync(_northwind);
        var active = await AddAdAsync(_contoso, Mia);
        var archived = await AddAdAsync(_contoso, Mia, AdStatus.Archived);
        var alreadyCanceled = await AddAdAsync(_contoso, Mia, AdStatus.Canceled, "Canceled on 1 Oct 2026: an earlier revocation.");
        var otherSendersAd = await AddAdAsync(_contoso, otherSender);
        var otherAccountsAd = await AddAdAsync(_northwind, Mia);
        var untouched = (await AdsSnapshotAsync()).Where(a => a.Id != active && a.Id != archived).ToList();
        (await Senders.ListForMemberAsync(Mia, Ct)).Single(r => r.AccountId == _contoso).AdsInTheirName.ShouldBe(2);
        _db.Clock.Advance(TimeSpan.FromDays(1));
        var now = _db.Clock.GetUtcNow().UtcDateTime;

        var result = await Senders.RevokeAsync(Mia, contosoPermission, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        result.Value.ShouldBe(2);
        var permission = await PermissionAsync(contosoPermission);
        (permission.Status, permission.RespondedAt).ShouldBe((SenderPermissionStatus.Revoked, (DateTime?)now));
        foreach (var id in new[] { active, archived })
        {
            var ad = await AdAsync(id);
            ad.Status.ShouldBe(AdStatus.Canceled);
            ad.CanceledReason.ShouldBe("Canceled on 24 Nov 2026: Mia Morgan revoked permission for Contoso Cloud to send in their name.");
            ad.UpdatedAt.ShouldBe(now);
            ad.UpdatedByUserId.ShouldBe(SenderService.RevocationActor);
        }
        (await AdsSnapshotAsync()).Where(a => a.Id != active && a.Id != archived).ToList().ShouldBe(untouched);
        (await AdAsync(otherAccountsAd)).Status.ShouldBe(AdStatus.Active);
        (await AdAsync(otherSendersAd)).Status.ShouldBe(AdStatus.Active);
        (await AdAsync(alreadyCanceled)).CanceledReason.ShouldBe("Canceled on 1 Oct 2026: an earlier revocation.");
        (await Senders.IsGrantedAsync(_contoso, Mia, Ct)).ShouldBeFalse();
        (await Senders.IsGrantedAsync(_northwind, Mia, Ct)).ShouldBeTrue();
        (await Senders.GrantedSendersAsync(_maria, _contoso, Ct)).ShouldNotContain(s => s.MemberId == Mia);
        (await Senders.ListForMemberAsync(Mia, Ct)).ShouldHaveSingleItem().AccountId.ShouldBe(_northwind);
        (await Senders.ListForAccountAsync(_maria, _contoso, Ct)).Single(s => s.MemberId == Mia).Status.ShouldBe(SenderPermissionStatus.Revoked);
    }

    [Fact]
    public async Task RevokingTwiceIsRefusedTheSecondTime()
    {
        var id = await GrantMiaAsync(_contoso);
        (await Senders.RevokeAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        var before = await PermissionsSnapshotAsync();

        var again = await Senders.RevokeAsync(Mia, id, Ct);

        again.Outcome.ErrorFor("permission").ShouldBe("Only a permission you granted can be revoked; this one is revoked.");
        (await PermissionsSnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task EveryListenerIsToldOnceInsideTheTransactionWithTheRightArguments()
    {
        var id = await GrantMiaAsync(_contoso);
        await AddAdAsync(_contoso, Mia);
        var first = new RecordingListener();
        var second = new RecordingListener();

        var result = await SendersWith(first, second).RevokeAsync(Mia, id, Ct);

        result.Succeeded.ShouldBeTrue(result.Outcome.ToString());
        const string Reason = "Canceled on 23 Nov 2026: Mia Morgan revoked permission for Contoso Cloud to send in their name.";
        foreach (var listener in new[] { first, second })
        {
            var call = listener.Calls.ShouldHaveSingleItem();
            (call.AccountId, call.SenderMemberId, call.Reason).ShouldBe((_contoso, Mia, Reason));
            call.PermissionStatusSeen.ShouldBe(SenderPermissionStatus.Revoked);
            call.CanceledAdsSeen.ShouldBe(1);
            call.InTransaction.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task AListenersWritesCommitWithTheRevocation()
    {
        var id = await GrantMiaAsync(_contoso);
        var ad = await AddAdAsync(_contoso, Mia);
        var renaming = new DelegateListener(async (db, accountId, _, _, ct) =>
        {
            var tracked = await db.Ads.SingleAsync(a => a.AdvertiserAccountId == accountId && a.Id == ad, ct);
            tracked.Name = "Touched by a listener";
        });

        (await SendersWith(renaming).RevokeAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();

        (await AdAsync(ad)).Name.ShouldBe("Touched by a listener");
    }

    [Fact]
    public async Task AFailingListenerRollsEverythingBack()
    {
        var id = await GrantMiaAsync(_contoso);
        var ad = await AddAdAsync(_contoso, Mia);
        var before = await PermissionsSnapshotAsync();
        var adsBefore = await AdsSnapshotAsync();
        var recorder = new RecordingListener();
        var failing = new DelegateListener((_, _, _, _, _) => throw new InvalidOperationException("campaign store is down"));
        _db.Clock.Advance(TimeSpan.FromHours(1));

        var error = await Should.ThrowAsync<InvalidOperationException>(() => SendersWith(recorder, failing).RevokeAsync(Mia, id, Ct));

        error.Message.ShouldBe("campaign store is down");
        recorder.Calls.ShouldHaveSingleItem();
        (await PermissionsSnapshotAsync()).ShouldBe(before);
        (await AdsSnapshotAsync()).ShouldBe(adsBefore);
        (await AdAsync(ad)).Status.ShouldBe(AdStatus.Active);
        (await Senders.IsGrantedAsync(_contoso, Mia, Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task RefusedRevocationsDoNotCallListeners()
    {
        var recorder = new RecordingListener();

        var result = await SendersWith(recorder).RevokeAsync(Mia, await PermissionIdAsync(_contoso, Mia), Ct);

        result.Succeeded.ShouldBeFalse();
        recorder.Calls.ShouldBeEmpty();
    }

    // ---- Helpers ---------------------------------------------------------------------------------------------

    private SenderService SendersWith(params ISenderRevocationListener[] listeners) =>
        ActivatorUtilities.CreateInstance<SenderService>(_db.Services, (IEnumerable<ISenderRevocationListener>)listeners);

    private async Task<int> GrantMiaAsync(int accountId)
    {
        var id = await PermissionIdAsync(accountId, Mia);
        (await Senders.AcceptAsync(Mia, id, Ct)).Succeeded.ShouldBeTrue();
        return id;
    }

    /// <summary>A member with no permission at any account (a reserved demo profile without a login).</summary>
    private async Task<SponsoredInMail.Core.Members.Member> NewcomerAsync()
    {
        await using var db = _db.CreateContext();
        var member = await db.Members.AsNoTracking().SingleAsync(m => m.Id == 5, Ct);
        (await db.SenderPermissions.AnyAsync(p => p.MemberId == member.Id, Ct)).ShouldBeFalse();
        return member;
    }

    private async Task<List<(int MemberId, string Name)>> GrantedOfAsync(int accountId)
    {
        await using var db = _db.CreateContext();
        var rows = await db.SenderPermissions.AsNoTracking()
            .Where(p => p.AdvertiserAccountId == accountId && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.MemberId)
            .Select(p => new { p.MemberId, Name = p.Member!.FirstName + " " + p.Member.LastName })
            .ToListAsync(Ct);
        rows.Count.ShouldBe(3);
        return rows.Select(r => (r.MemberId, r.Name)).ToList();
    }

    private async Task<int> PermissionIdAsync(int accountId, int memberId)
    {
        await using var db = _db.CreateContext();
        return await db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId && p.MemberId == memberId).Select(p => p.Id).SingleAsync(Ct);
    }

    private async Task<List<int>> PermissionIdsOfAsync(int accountId)
    {
        await using var db = _db.CreateContext();
        return await db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId).Select(p => p.Id).OrderBy(id => id).ToListAsync(Ct);
    }

    private async Task<SenderPermission> PermissionAsync(int id)
    {
        await using var db = _db.CreateContext();
        return await db.SenderPermissions.AsNoTracking().SingleAsync(p => p.Id == id, Ct);
    }

    private async Task<string> HeadlineAsync(int memberId)
    {
        await using var db = _db.CreateContext();
        return await db.Members.Where(m => m.Id == memberId).Select(m => m.Headline).SingleAsync(Ct);
    }

    private async Task<List<(int Id, int AccountId, int MemberId, SenderPermissionStatus Status, DateTime RequestedAt, DateTime? RespondedAt)>> PermissionsSnapshotAsync()
    {
        await using var db = _db.CreateContext();
        var rows = await db.SenderPermissions.AsNoTracking().OrderBy(p => p.Id).ToListAsync(Ct);
        return rows.Select(p => (p.Id, p.AdvertiserAccountId, p.MemberId, p.Status, p.RequestedAt, p.RespondedAt)).ToList();
    }

    private async Task<List<(int Id, string Name, AdStatus Status, string? CanceledReason, DateTime UpdatedAt, string UpdatedBy)>> AdsSnapshotAsync()
    {
        await using var db = _db.CreateContext();
        var rows = await db.Ads.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct);
        return rows.Select(a => (a.Id, a.Name, a.Status, a.CanceledReason, a.UpdatedAt, a.UpdatedByUserId)).ToList();
    }

    private async Task<int> AddAdAsync(int accountId, int senderMemberId, AdStatus status = AdStatus.Active, string? canceledReason = null)
    {
        await using var db = _db.CreateContext();
        var created = _db.Clock.GetUtcNow().UtcDateTime.AddDays(-3);
        var ad = new Ad
        {
            AdvertiserAccountId = accountId, SenderMemberId = senderMemberId, Format = AdFormat.MessageAd,
            Name = $"Ad {Guid.NewGuid():N}"[..12], Subject = "Your data, faster", Body = "Hello %FIRSTNAME%", CtaText = "Learn more",
            CtaTarget = CtaTarget.LandingUrl, LandingUrl = "https://contoso.example/", Status = status, CanceledReason = canceledReason,
            CreatedByUserId = _maria, CreatedAt = created, UpdatedByUserId = _maria, UpdatedAt = created,
        };
        db.Ads.Add(ad);
        await db.SaveChangesAsync(Ct);
        return ad.Id;
    }

    private async Task<Ad> AdAsync(int id)
    {
        await using var db = _db.CreateContext();
        return await db.Ads.AsNoTracking().SingleAsync(a => a.Id == id, Ct);
    }

    private sealed record ListenerCall(
        int AccountId, int SenderMemberId, string Reason, SenderPermissionStatus PermissionStatusSeen, int CanceledAdsSeen, bool InTransaction);

    /// <summary>Records each call and what the revocation's own context shows at that moment.</summary>
    private sealed class RecordingListener : ISenderRevocationListener
    {
        public List<ListenerCall> Calls { get; } = [];

        public async Task OnSenderRevokedAsync(AppDbContext db, int accountId, int senderMemberId, string reason, CancellationToken ct)
        {
            var status = await db.SenderPermissions.Where(p => p.AdvertiserAccountId == accountId && p.MemberId == senderMemberId)
                .Select(p => p.Status).SingleAsync(ct);
            var canceled = await db.Ads.CountAsync(a => a.AdvertiserAccountId == accountId && a.SenderMemberId == senderMemberId
                && a.Status == AdStatus.Canceled, ct);
            Calls.Add(new ListenerCall(accountId, senderMemberId, reason, status, canceled, db.Database.CurrentTransaction is not null));
        }
    }

    private sealed class DelegateListener(Func<AppDbContext, int, int, string, CancellationToken, Task> onRevoked) : ISenderRevocationListener
    {
        public Task OnSenderRevokedAsync(AppDbContext db, int accountId, int senderMemberId, string reason, CancellationToken ct) =>
            onRevoked(db, accountId, senderMemberId, reason, ct);
    }
}
