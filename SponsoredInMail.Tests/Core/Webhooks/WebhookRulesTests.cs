using SponsoredInMail.Core.Common;
using SponsoredInMail.Core.Webhooks;
using SponsoredInMail.Webhooks.Example;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>What an endpoint URL may be, the retry schedule, and the signature the docs' verifier checks.</summary>
public class WebhookRulesTests
{
    private static string? UrlError(string? url, bool allowPrivate = false, WebhookEvents events = WebhookEvents.LeadCreated)
    {
        var errors = new List<FieldError>();
        WebhookRules.Validate(errors, url, events, allowPrivate);
        return errors.FirstOrDefault(e => e.Field == "url")?.Message;
    }

    [Theory]
    [InlineData("https://crm.example.com/hooks/sim")]
    [InlineData("https://crm.example.com:8443/hooks?token=abc")]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public void APublicHttpsUrlIsAccepted(string url) => UrlError(url).ShouldBeNull();

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("crm.example.com/hook", "absolute https://")]
    [InlineData("/hook", "absolute https://")]
    [InlineData("ftp://crm.example.com/hook", "absolute https://")]
    [InlineData(" https://crm.example.com/hook", "absolute https://")]
    [InlineData("http://crm.example.com/hook", "must use https://")]
    [InlineData("https://user:secret@crm.example.com/hook", "user name or password")]
    [InlineData("https://localhost/hook", "localhost")]
    [InlineData("https://LOCALHOST./hook", "localhost")]
    [InlineData("https://app.localhost/hook", "localhost")]
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://2130706433/hook", "loopback")] // 127.0.0.1 written as one number
    [InlineData("https://0x7f.1/hook", "loopback")]
    [InlineData("https://10.0.0.5/hook", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://100.64.1.1/hook", "carrier-grade NAT")]
    [InlineData("https://0.0.0.0/hook", "unspecified")]
    [InlineData("https://224.0.0.1/hook", "multicast")]
    [InlineData("https://[::1]/hook", "loopback")]
    [InlineData("https://[::ffff:192.168.0.1]/hook", "private")]
    [InlineData("https://[fe80::1]/hook", "link-local")]
    [InlineData("https://[fd00::1]/hook", "unique local")]
    public void ABadOrPrivateUrlIsRefusedWithAClearMessage(string? url, string expected)
    {
        var error = UrlError(url);

        error.ShouldNotBeNull();
        error.ShouldContain(expected);
    }

    [Fact]
    public void AUrlLongerThan2048CharactersIsRefused()
    {
        var url = "https://crm.example.com/" + new string('a', 2048 - 24 + 1);

        UrlError(url).ShouldBe("The endpoint URL can be at most 2,048 characters; it has 2,049.");
        UrlError(url[..^1]).ShouldBeNull();
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("https://10.0.0.5/hook")]
    public void PrivateTargetsAndHttpAreAllowedOnlyWhenConfigured(string url)
    {
        UrlError(url, allowPrivate: true).ShouldBeNull();
        UrlError(url, allowPrivate: false).ShouldNotBeNull();
    }

    [Fact]
    public void AtLeastOneKnownEventIsRequired()
    {
        var none = new List<FieldError>();
        WebhookRules.Validate(none, "https://crm.example.com/hook", WebhookEvents.None, false);
        var unknown = new List<FieldError>();
        WebhookRules.Validate(unknown, "https://crm.example.com/hook", (WebhookEvents)8, false);

        none.ShouldHaveSingleItem().ShouldBe(new FieldError("events", "Choose at least one event."));
        unknown.ShouldHaveSingleItem().Field.ShouldBe("events");
    }

    [Fact]
    public void BackOffDoublesFrom30SecondsUpToAnHour()
    {
        var waits = Enumerable.Range(1, 10).Select(n => WebhookRules.BackOff(n, jitter: 0)).ToList();

        waits.ShouldBe([
            TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8),
            TimeSpan.FromMinutes(16), TimeSpan.FromMinutes(32), TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.FromHours(1)]);
        WebhookRules.BackOff(3, jitter: 0.999).ShouldBeLessThan(TimeSpan.FromMinutes(2.2));
        WebhookRules.BackOff(3, jitter: 0.999).ShouldBeGreaterThan(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void TheLastAttemptFallsOnTheDeadlineAndNoneAfterIt()
    {
        var queued = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        var giveUp = queued.AddHours(24);

        WebhookRules.NextAttempt(giveUp.AddMinutes(-10), 20, giveUp, 0).ShouldBe(giveUp);
        WebhookRules.NextAttempt(giveUp, 21, giveUp, 0).ShouldBeNull();
        WebhookRules.NextAttempt(queued, 1, giveUp, 0).ShouldBe(queued.AddSeconds(30));
    }

    [Fact]
    public void TheDocsVerifierAcceptsTheSendersSignatureAndRejectsForgedOrStaleOnes()
    {
        var secret = WebhookRules.NewSecret();
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var timestamp = now.ToUnixTimeSeconds();
        const string body = """{"id":"lead.created:1","type":"lead.created","data":{"leadId":1}}""";
        var signature = WebhookRules.Sign(secret, timestamp, body);
        var ts = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        WebhookVerifier.Verify(secret, ts, signature, body, now).ShouldBeTrue("a genuine request");
        WebhookVerifier.Verify(secret, ts, signature, body, now.AddMinutes(4)).ShouldBeTrue("within the 5-minute tolerance");
        WebhookVerifier.Verify(secret, ts, $"v1=0000 {signature}", body, now).ShouldBeTrue("one of several signatures (rotation)");

        WebhookVerifier.Verify(secret, ts, signature, body.Replace("\"leadId\":1", "\"leadId\":2"), now).ShouldBeFalse("a changed body");
        WebhookVerifier.Verify(WebhookRules.NewSecret(), ts, signature, body, now).ShouldBeFalse("signed with another secret");
        WebhookVerifier.Verify(secret, ts, WebhookRules.Sign("whsec_guess", timestamp, body), body, now).ShouldBeFalse("a forged signature");
        WebhookVerifier.Verify(secret, (timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now)
            .ShouldBeFalse("the timestamp is signed too");
        WebhookVerifier.Verify(secret, ts, signature, body, now.AddMinutes(5).AddSeconds(1)).ShouldBeFalse("stale: older than 5 minutes");
        WebhookVerifier.Verify(secret, ts, signature, body, now.AddMinutes(-6)).ShouldBeFalse("from the future");
        WebhookVerifier.Verify(secret, ts, signature, body, now.AddMinutes(9), tolerance: TimeSpan.FromMinutes(10)).ShouldBeTrue("a wider tolerance");
        WebhookVerifier.Verify(secret, ts, signature.ToUpperInvariant().Replace("V1=", "v2="), body, now).ShouldBeFalse("an unknown scheme");
        WebhookVerifier.Verify(secret, "yesterday", signature, body, now).ShouldBeFalse("no timestamp");
        WebhookVerifier.Verify(secret, ts, "v1=zz", body, now).ShouldBeFalse("not hex");
        WebhookVerifier.Verify(secret, ts, null, body, now).ShouldBeFalse("no signature");
    }
}
