using SponsoredInMail.Core.Ads;

namespace SponsoredInMail.Tests.Core.Ads;

/// <summary>The conversation graph: reachable, acyclic, every path ending, not too deep, buttons within limits.</summary>
public class ConversationGraphValidatorTests
{
    private static readonly ConversationButton NotInterested = new("ni", "Not interested", ButtonAction.End);

    /// <summary>Three messages: a question, two branches ending in a URL and a lead form.</summary>
    private static ConversationScript ThreeMessages() => new("m1",
    [
        new("m1", "Hi %FIRSTNAME%, are you evaluating analytics tools?",
            [new("yes", "Yes, tell me more", ButtonAction.NextMessage, "m2"), new("later", "Maybe later", ButtonAction.NextMessage, "m3"), NotInterested]),
        new("m2", "Great: grab the buyer's guide.", [new("guide", "Get the guide", ButtonAction.LeadForm, LeadFormId: 7)]),
        new("m3", "No problem. Here is our blog.", [new("blog", "Read the blog", ButtonAction.Url, Url: "https://contoso.example/blog"), new("end", "Thanks", ButtonAction.End)]),
    ]);

    private static (IReadOnlyList<SponsoredInMail.Core.Common.FieldError> Errors, IReadOnlyList<SponsoredInMail.Core.Common.FieldError> Warnings) Check(ConversationScript script, int maxDepth = 10) =>
        ConversationGraphValidator.Validate(script, id => id == 7, maxDepth);

    private static ConversationScript Replace(ConversationScript script, string id, Func<ConversationMessage, ConversationMessage> change) =>
        script with { Messages = script.Messages.Select(m => m.Id == id ? change(m) : m).ToList() };

    [Fact]
    public void AWellFormedConversationPasses()
    {
        var (errors, warnings) = Check(ThreeMessages());

        errors.ShouldBeEmpty();
        warnings.ShouldBeEmpty();
    }

    [Fact]
    public void AnUnreachableMessageIsNamed()
    {
        var script = ThreeMessages() with { Messages = [.. ThreeMessages().Messages, new ConversationMessage("m4", "Orphan", [new("e", "End", ButtonAction.End)])] };

        Check(script).Errors.ShouldContain(e => e.Field == "messages[m4]" && e.Message == "Message 4 ('Orphan') cannot be reached from the first message.");
    }

    [Fact]
    public void ACycleIsRefused()
    {
        var script = Replace(ThreeMessages(), "m3", m => m with { Buttons = [new("back", "Start over", ButtonAction.NextMessage, "m1")] });

        Check(script).Errors.ShouldContain(e => e.Field == "messages[m3]" && e.Message.Contains("loop"));
    }

    [Fact]
    public void AMessageWithoutButtonsIsADeadEnd()
    {
        var script = Replace(ThreeMessages(), "m2", m => m with { Buttons = [] });

        Check(script).Errors.ShouldContain(e => e.Field == "messages[m2]" && e.Message.Contains("dead end"));
    }

    [Fact]
    public void AButtonToAMissingMessageIsRefused()
    {
        var script = Replace(ThreeMessages(), "m1", m => m with { Buttons = [new("yes", "Yes", ButtonAction.NextMessage, "m9"), NotInterested] });

        Check(script).Errors.ShouldContain(e => e.Field == "messages[m1].buttons[yes]" && e.Message.Contains("does not exist"));
    }

    [Theory]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void DepthIsAtMostTheConfiguredMaximum(int length, bool ok)
    {
        var messages = Enumerable.Range(1, length).Select(i => new ConversationMessage($"m{i}", $"Step {i}",
            i < length ? [new("next", "Next", ButtonAction.NextMessage, $"m{i + 1}"), .. (i == 1 ? new[] { NotInterested } : [])] : [new("end", "Done", ButtonAction.End)])).ToList();

        var errors = Check(new ConversationScript("m1", messages)).Errors;

        (errors.Count == 0).ShouldBe(ok);
        if (!ok)
        {
            errors.ShouldContain(e => e.Message == "The longest path has 11 messages; at most 10 are allowed.");
        }
    }

    [Fact]
    public void TheFirstMessageMustCarryNotInterested()
    {
        var script = Replace(ThreeMessages(), "m1", m => m with { Buttons = m.Buttons.Where(b => b.Id != "ni").ToList() });

        Check(script).Errors.ShouldContain(e => e.Field == "messages[m1]" && e.Message.Contains("\"Not interested\""));
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void AtMostFiveButtonsNotInterestedIncluded(int buttons, bool ok)
    {
        var script = Replace(ThreeMessages(), "m1", m => m with
        {
            Buttons = [.. Enumerable.Range(1, buttons - 2).Select(i => new ConversationButton($"b{i}", $"Option {i}", ButtonAction.NextMessage, "m2")),
                new ConversationButton("later", "Maybe later", ButtonAction.NextMessage, "m3"), NotInterested],
        });

        (Check(script).Errors.Count == 0).ShouldBe(ok);
    }

    [Theory]
    [InlineData(25, true)]
    [InlineData(26, false)]
    public void ButtonTextIsAtMostTwentyFiveCharacters(int length, bool ok)
    {
        var script = Replace(ThreeMessages(), "m3", m => m with { Buttons = [new("blog", new string('x', length), ButtonAction.End)] });

        (Check(script).Errors.Count == 0).ShouldBe(ok);
    }

    [Theory]
    [InlineData("Yes\nplease")]
    [InlineData("Yes\0")]
    [InlineData("\tYes")]
    public void ButtonTextIsOneLineWithoutControlCharacters(string text)
    {
        var script = Replace(ThreeMessages(), "m3", m => m with { Buttons = [new("blog", text, ButtonAction.End)] });

        Check(script).Errors.ShouldContain(e => e.Message.Contains("single line"));
    }

    [Theory]
    [InlineData(8_000, true)]
    [InlineData(8_001, false)]
    public void MessagesAreAtMostEightThousandCharacters(int length, bool ok)
    {
        var script = Replace(ThreeMessages(), "m2", m => m with { Text = new string('t', length) });

        (Check(script).Errors.Count == 0).ShouldBe(ok);
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(501, true)]
    public void MessagesOverFiveHundredCharactersWarn(int length, bool warns)
    {
        var script = Replace(ThreeMessages(), "m2", m => m with { Text = new string('t', length) });

        (Check(script).Warnings.Count == 1).ShouldBe(warns);
    }

    [Fact]
    public void UrlAndLeadFormButtonsAreChecked()
    {
        var script = Replace(ThreeMessages(), "m3", m => m with { Buttons = [new("blog", "Blog", ButtonAction.Url, Url: "javascript:alert(1)"), new("form", "Form", ButtonAction.LeadForm, LeadFormId: 99)] });

        var errors = Check(script).Errors;

        errors.ShouldContain(e => e.Field == "messages[m3].buttons[blog]" && e.Message.Contains("http:// or https://"));
        errors.ShouldContain(e => e.Field == "messages[m3].buttons[form]" && e.Message.Contains("lead gen form"));
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        var script = new ConversationScript("m1",
        [
            new("m1", "", [new("a", "Go", ButtonAction.NextMessage, "m2")]),
            new("m2", "Two", [new("b", "Back", ButtonAction.NextMessage, "m1")]),
            new("m3", "Lonely", []),
        ]);

        var fields = Check(script).Errors.Select(e => e.Field).ToList();

        fields.ShouldContain("messages[m1]"); // empty text and no "Not interested"
        fields.ShouldContain("messages[m2]"); // loop
        fields.Count(f => f == "messages[m3]").ShouldBe(2); // dead end and unreachable
    }

    [Fact]
    public void AConversationAdValidatesItsGraphAndItsLongerFooter()
    {
        var context = new AdContext(true, id => id == 7, _ => false, 10);
        var ad = new AdInput("Qualifier", AdFormat.ConversationAd, 42, "Quick question", Footer: new string('f', 20_000), Conversation: ThreeMessages());

        AdValidator.Validate(ad, context).Outcome.Succeeded.ShouldBeTrue();
        AdValidator.Validate(ad with { Footer = new string('f', 20_001) }, context).Outcome.ErrorFor("footer").ShouldNotBeNull();
        AdValidator.Validate(ad with { Conversation = null }, context).Outcome.ErrorFor("conversation").ShouldNotBeNull();
    }
}
