using Microsoft.EntityFrameworkCore;
using SponsoredInMail.Core.Accounts;
using SponsoredInMail.Core.Ads;
using SponsoredInMail.Tests.Fakes;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>The ad library: roles, tenant isolation, senders, edits, archive, banners and the preview.</summary>
public class AdServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private AdService _ads = default!;
    private string _maria = "";
    private string _ben = "";
    private int _contoso;
    private int _northwind;
    private int _contosoSender;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AdInput MessageAd(string name = "Webinar") => new(name, AdFormat.MessageAd, _contosoSender, "Join us, %FIRSTNAME%",
        "Hi %FIRSTNAME% at %COMPANYNAME%,\nsee [the agenda](https://contoso.example/agenda).", "Register", CtaTarget.LandingUrl, "https://contoso.example/register");

    public async ValueTask InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.SeedAsync(400);
        _ads = _db.Get<AdService>();
        (_maria, _ben, _contoso, _northwind) = await _db.DemoCastAsync();
        _contosoSender = await SenderOfAsync(_contoso);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task AManagerCreatesAMessageAdAndFindsItInTheLibrary()
    {
        var created = await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct);

        created.Succeeded.ShouldBeTrue(created.Outcome.ToString());
        var library = await _ads.ListAsync(_maria, _contoso, ct: Ct);
        library.Single().Name.ShouldBe("Webinar");
        (await _ads.GetAsync(_maria, _contoso, created.Value, Ct))!.Input.ShouldBe(MessageAd());
    }

    [Fact]
    public async Task ASenderWhoHasNotGrantedPermissionIsRefusedAndNothingIsSaved()
    {
        var result = await _ads.CreateAsync(_maria, _contoso, MessageAd() with { SenderMemberId = 1 }, Ct);

        result.Outcome.ErrorFor("sender").ShouldNotBeNull();
        (await CountAdsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task AnotherAccountsSenderCannotBeUsed()
    {
        var result = await _ads.CreateAsync(_ben, _northwind, MessageAd() with { SenderMemberId = _contosoSender }, Ct);

        result.Outcome.ErrorFor("sender").ShouldNotBeNull();
    }

    [Fact]
    public async Task AViewerReadsButCannotChange()
    {
        var id = (await _ads.CreateAsync(_ben, _northwind, MessageAd() with { SenderMemberId = await SenderOfAsync(_northwind) }, Ct)).Value;

        (await _ads.ListAsync(_maria, _northwind, ct: Ct)).Count.ShouldBe(1);
        (await _ads.UpdateAsync(_maria, _northwind, id, MessageAd(), Ct)).ErrorFor("account").ShouldBe("Only a Manager of this account can change ads.");
        (await _ads.ArchiveAsync(_maria, _northwind, id, Ct)).Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task AnotherAccountsAdIsInvisibleAndUntouchable()
    {
        var id = (await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct)).Value;

        (await _ads.GetAsync(_ben, _northwind, id, Ct)).ShouldBeNull();
        (await _ads.GetAsync(_ben, _contoso, id, Ct)).ShouldBeNull();
        (await _ads.ListAsync(_ben, _contoso, ct: Ct)).ShouldBeEmpty();
        (await _ads.UpdateAsync(_ben, _northwind, id, MessageAd("Stolen"), Ct)).ErrorFor("ad").ShouldBe("Ad not found.");
        (await _ads.DuplicateAsync(_ben, _northwind, id, ct: Ct)).Succeeded.ShouldBeFalse();
        (await _ads.PreviewAsync(_ben, _contoso, MessageAd(), null, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ARefusedEditLeavesTheAdAsItWas()
    {
        var id = (await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct)).Value;

        var result = await _ads.UpdateAsync(_maria, _contoso, id, MessageAd() with { Subject = new string('s', 61), CtaText = "" }, Ct);

        result.Errors.Select(e => e.Field).ShouldBe(["subject", "ctaText"], ignoreOrder: true);
        (await _ads.GetAsync(_maria, _contoso, id, Ct))!.Input.ShouldBe(MessageAd());
    }

    [Fact]
    public async Task ACanceledAdIsReadOnlyButCanBeDuplicatedWithAnotherSender()
    {
        var id = (await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct)).Value;
        await using (var db = _db.CreateContext())
        {
            var ad = await db.Ads.SingleAsync(a => a.Id == id, Ct);
            ad.Status = AdStatus.Canceled;
            ad.CanceledReason = "Canceled: the sender revoked permission.";
            await db.SaveChangesAsync(Ct);
        }

        var edit = await _ads.UpdateAsync(_maria, _contoso, id, MessageAd("Edited"), Ct);
        var copy = await _ads.DuplicateAsync(_maria, _contoso, id, await SenderOfAsync(_contoso, skip: 1), Ct);

        edit.ErrorFor("ad").ShouldNotBeNull().ShouldStartWith("Canceled: the sender revoked permission.");
        copy.Succeeded.ShouldBeTrue(copy.Outcome.ToString());
        (await _ads.GetAsync(_maria, _contoso, copy.Value, Ct))!.Input.Name.ShouldBe("Copy of Webinar");
    }

    [Fact]
    public async Task ArchivedAdsLeaveTheDefaultListAndComeBack()
    {
        var id = (await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct)).Value;

        (await _ads.ArchiveAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        (await _ads.ListAsync(_maria, _contoso, ct: Ct)).ShouldBeEmpty();
        (await _ads.ListAsync(_maria, _contoso, includeArchived: true, ct: Ct)).Single().Status.ShouldBe(AdStatus.Archived);
        (await _ads.UnarchiveAsync(_maria, _contoso, id, Ct)).Succeeded.ShouldBeTrue();
        (await _ads.ListAsync(_maria, _contoso, ct: Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task TheLibraryFiltersBySearchAndFormat()
    {
        await _ads.CreateAsync(_maria, _contoso, MessageAd("Spring webinar"), Ct);
        await _ads.CreateAsync(_maria, _contoso, MessageAd("Autumn offer"), Ct);

        (await _ads.ListAsync(_maria, _contoso, "webin", ct: Ct)).Select(a => a.Name).ShouldBe(["Spring webinar"]);
        (await _ads.ListAsync(_maria, _contoso, format: AdFormat.ConversationAd, ct: Ct)).ShouldBeEmpty();
        (await _ads.ListAsync(_maria, _contoso, "_", ct: Ct)).ShouldBeEmpty(); // a wildcard character is taken literally
    }

    [Fact]
    public async Task BannersAreCheckedAndOnlyTheAccountCanUseThem()
    {
        var png = new byte[64];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 1, 44, 0, 0, 0, 250 }.CopyTo(png, 0);

        var banner = await _ads.UploadBannerAsync(_maria, _contoso, "banner.png", png, Ct);
        var wrongSize = await _ads.UploadBannerAsync(_maria, _contoso, "big.png", [.. png[..16], 0, 0, 2, 88, 0, 0, 1, 244, .. png[24..]], Ct);
        var withBanner = await _ads.CreateAsync(_maria, _contoso, MessageAd() with { BannerImageId = banner.Value }, Ct);
        var othersBanner = await _ads.CreateAsync(_ben, _northwind, MessageAd() with { SenderMemberId = await SenderOfAsync(_northwind), BannerImageId = banner.Value }, Ct);

        banner.Succeeded.ShouldBeTrue(banner.Outcome.ToString());
        wrongSize.Outcome.ErrorFor("banner").ShouldBe("The banner must be exactly 300×250 pixels; this image is 600×500.");
        withBanner.Succeeded.ShouldBeTrue();
        othersBanner.Outcome.ErrorFor("banner").ShouldNotBeNull();
        (await _ads.GetBannerAsync(_northwind, banner.Value, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ThePreviewIsWhatTheRendererGivesForThatMember()
    {
        var preview = await _ads.PreviewAsync(_maria, _contoso, MessageAd(), 1, Ct);

        await using var db = _db.CreateContext();
        var mia = await db.Members.Include(m => m.Company).SingleAsync(m => m.Id == 1, Ct);
        var sender = await db.Members.SingleAsync(m => m.Id == _contosoSender, Ct);
        var ad = new Ad { Name = "Webinar", Subject = MessageAd().Subject, Body = MessageAd().Body, CtaText = "Register", CtaTarget = CtaTarget.LandingUrl,
            LandingUrl = "https://contoso.example/register", CreatedByUserId = "", UpdatedByUserId = "" };
        var expected = MessageRenderer.RenderMessageAd(ad, new SenderCard(sender.FullName, sender.Headline),
            new PersonalizationProfile(mia.FirstName, mia.LastName, mia.Company!.Name, mia.JobTitle, mia.Industry, mia.PersonalizationOff));
        preview!.MessageAd.ShouldBe(expected);
        preview.MessageAd!.Subject.ShouldBe("Join us, Mia");
        preview.MessageAd.BodyHtml.ShouldContain($"Hi Mia at {System.Net.WebUtility.HtmlEncode(mia.Company.Name)},<br>");
    }

    /// <summary>PostgreSQL refuses NUL in text: the rule refuses it first, on every provider, before anything is written.</summary>
    [Theory]
    [InlineData("Web\0inar")]
    [InlineData("\0")]
    public async Task AnAdNameWithANulIsRefusedOnCreateAndEditAndNothingChanges(string name)
    {
        const string Message = "Ad name must be a single line without control characters (no line breaks, tabs or NUL).";
        (await _ads.CreateAsync(_maria, _contoso, MessageAd(name), Ct)).Outcome.ErrorFor("name").ShouldBe(Message);
        (await CountAdsAsync()).ShouldBe(0);

        var id = (await _ads.CreateAsync(_maria, _contoso, MessageAd(), Ct)).Value;
        (await _ads.UpdateAsync(_maria, _contoso, id, MessageAd(name), Ct)).ErrorFor("name").ShouldBe(Message);
        (await _ads.GetAsync(_maria, _contoso, id, Ct))!.Input.Name.ShouldBe("Webinar");
    }

    private async Task<int> CountAdsAsync()
    {
        await using var db = _db.CreateContext();
        return await db.Ads.CountAsync(Ct);
    }

    [Fact]
    public async Task APreviewRevealsNeitherAnotherAccountsSenderNorAMemberWhoIsNotOffered()
    {
        var northwindSender = await SenderOfAsync(_northwind);
        var offered = (await _ads.PreviewMembersAsync(_maria, _contoso, Ct)).Select(m => m.Id).ToList();
        int stranger;
        await using (var db = _db.CreateContext())
        {
            stranger = await db.Members.Where(m => !offered.Contains(m.Id) && !m.PersonalizationOff).OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync(Ct);
        }

        var foreignSender = await _ads.PreviewAsync(_maria, _contoso, MessageAd() with { SenderMemberId = northwindSender }, null, Ct);
        var notOffered = await _ads.PreviewAsync(_maria, _contoso, MessageAd(), stranger, Ct);
        var offeredOne = await _ads.PreviewAsync(_maria, _contoso, MessageAd(), offered[0], Ct);

        foreignSender!.MessageAd!.Sender.Name.ShouldBe("Choose a sender");
        notOffered!.MessageAd!.Subject.ShouldBe("Join us, LinkedIn Member");
        offeredOne!.MessageAd!.Subject.ShouldNotBe("Join us, LinkedIn Member");
        (await _ads.PreviewAsync(_maria, _contoso, MessageAd(), null, Ct))!.MessageAd!.Sender.Name.ShouldNotBe("Choose a sender");
    }

    private async Task<int> SenderOfAsync(int account, int skip = 0)
    {
        await using var db = _db.CreateContext();
        return await db.SenderPermissions.Where(p => p.AdvertiserAccountId == account && p.Status == SenderPermissionStatus.Granted)
            .OrderBy(p => p.Id).Select(p => p.MemberId).Skip(skip).FirstAsync(Ct);
    }
}
