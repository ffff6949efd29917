using SponsoredInMail.Core.Common;

namespace SponsoredInMail.Core.Ads;

/// <summary>
/// Checks a Conversation Ad's graph and reports every problem at once, each under the message (and
/// button) it concerns: unreachable message, cycle, dead end, too deep, missing "Not interested",
/// too many buttons, and every text and link limit.
/// </summary>
public static class ConversationGraphValidator
{
    public static (IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings) Validate(
        ConversationScript? script, Func<int, bool> isUsableLeadForm, int maxDepth)
    {
        var errors = new List<FieldError>();
        var warnings = new List<FieldError>();
        if (script is null || script.Messages.Count == 0)
        {
            errors.Add(new FieldError("conversation", "A Conversation Ad needs at least one message."));
            return (errors, warnings);
        }
        foreach (var duplicate in script.Messages.GroupBy(m => m.Id).Where(g => g.Count() > 1))
        {
            errors.Add(new FieldError(Field(duplicate.Key), $"Two messages share the id '{duplicate.Key}'."));
        }
        var messages = script.Messages.GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.First());
        if (!messages.ContainsKey(script.FirstMessageId))
        {
            errors.Add(new FieldError("conversation", "Choose which message opens the conversation."));
        }
        var names = script.Messages.Select((m, i) => (m.Id, Name: Name(i, m.Text))).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().Name);
        foreach (var message in script.Messages)
        {
            CheckMessage(message, names[message.Id], message.Id == script.FirstMessageId, messages, isUsableLeadForm, errors, warnings);
        }
        if (messages.TryGetValue(script.FirstMessageId, out var first))
        {
            CheckShape(first, messages, names, maxDepth, errors);
        }
        return (errors, warnings);
    }

    public static string Field(string messageId) => $"messages[{messageId}]";

    public static string Field(string messageId, string buttonId) => $"messages[{messageId}].buttons[{buttonId}]";

    private static void CheckMessage(ConversationMessage message, string name, bool isFirst, Dictionary<string, ConversationMessage> messages,
        Func<int, bool> isUsableLeadForm, List<FieldError> errors, List<FieldError> warnings)
    {
        var field = Field(message.Id);
        FieldRules.Length(errors, field, $"{name}: text", message.Text, 1, AdLimits.ConversationMessageMax);
        FieldRules.MultiLine(errors, field, $"{name}: text", message.Text);
        if (message.Text?.Length > AdLimits.ConversationMessageWarnAbove && message.Text.Length <= AdLimits.ConversationMessageMax)
        {
            warnings.Add(new FieldError(field, $"{name} is {message.Text.Length:N0} characters; messages over {AdLimits.ConversationMessageWarnAbove} characters are read less."));
        }
        if (message.Buttons.Count == 0)
        {
            errors.Add(new FieldError(field, $"{name} is a dead end: give it at least one button."));
        }
        if (message.Buttons.Count > AdLimits.ButtonsMax)
        {
            errors.Add(new FieldError(field, $"{name} has {message.Buttons.Count} buttons; at most {AdLimits.ButtonsMax} are allowed{(isFirst ? ", \"Not interested\" included" : "")}."));
        }
        if (isFirst && !message.Buttons.Any(IsNotInterested))
        {
            errors.Add(new FieldError(field, $"The first message must carry a \"{AdLimits.NotInterested}\" button that ends the conversation."));
        }
        foreach (var duplicate in message.Buttons.GroupBy(b => b.Id).Where(g => g.Count() > 1))
        {
            errors.Add(new FieldError(field, $"{name}: two buttons share the id '{duplicate.Key}'."));
        }
        foreach (var button in message.Buttons)
        {
            CheckButton(message, name, button, messages, isUsableLeadForm, errors);
        }
    }

    private static void CheckButton(ConversationMessage message, string messageName, ConversationButton button, Dictionary<string, ConversationMessage> messages,
        Func<int, bool> isUsableLeadForm, List<FieldError> errors)
    {
        var field = Field(message.Id, button.Id);
        var label = string.IsNullOrWhiteSpace(button.Text) ? $"A button of {messageName}" : $"Button '{button.Text}'";
        FieldRules.SingleLine(errors, field, label, button.Text, 1, AdLimits.ButtonTextMax);
        switch (button.Action)
        {
            case ButtonAction.NextMessage when button.TargetMessageId is null || !messages.ContainsKey(button.TargetMessageId):
                errors.Add(new FieldError(field, $"{label} leads to a message that does not exist; pick one."));
                break;
            case ButtonAction.Url:
                FieldRules.HttpUrl(errors, field, $"{label}: URL", button.Url, AdLimits.UrlMax, required: true);
                break;
            case ButtonAction.LeadForm when button.LeadFormId is not { } form || !isUsableLeadForm(form):
                errors.Add(new FieldError(field, $"{label} opens a lead gen form that this account does not have (or archived)."));
                break;
            case ButtonAction.NextMessage or ButtonAction.Url or ButtonAction.LeadForm or ButtonAction.End:
                break;
            default:
                errors.Add(new FieldError(field, $"{label} has no action: choose next message, URL, lead gen form or end."));
                break;
        }
    }

    /// <summary>Reachability, cycles and depth, walking from the first message.</summary>
    private static void CheckShape(ConversationMessage first, Dictionary<string, ConversationMessage> messages, Dictionary<string, string> names, int maxDepth, List<FieldError> errors)
    {
        var state = new Dictionary<string, int>(); // 1 = on the current path, 2 = done
        var depth = new Dictionary<string, int>();
        var cycles = new HashSet<string>();

        int Walk(ConversationMessage message)
        {
            state[message.Id] = 1;
            var deepest = 0;
            foreach (var next in Successors(message, messages))
            {
                if (state.GetValueOrDefault(next.Id) == 1)
                {
                    cycles.Add(message.Id);
                    continue;
                }
                deepest = Math.Max(deepest, state.GetValueOrDefault(next.Id) == 2 ? depth[next.Id] : Walk(next));
            }
            state[message.Id] = 2;
            depth[message.Id] = deepest + 1;
            return depth[message.Id];
        }

        var longest = Walk(first);
        foreach (var id in cycles)
        {
            errors.Add(new FieldError(Field(id), $"{names[id]} leads back into a loop; every path must end in a URL, a lead form or an end."));
        }
        foreach (var message in messages.Values.Where(m => !state.ContainsKey(m.Id)))
        {
            errors.Add(new FieldError(Field(message.Id), $"{names[message.Id]} cannot be reached from the first message."));
        }
        if (longest > maxDepth)
        {
            errors.Add(new FieldError("conversation", $"The longest path has {longest} messages; at most {maxDepth} are allowed."));
        }
    }

    private static IEnumerable<ConversationMessage> Successors(ConversationMessage message, Dictionary<string, ConversationMessage> messages) =>
        message.Buttons.Where(b => b.Action == ButtonAction.NextMessage && b.TargetMessageId is not null)
            .Select(b => messages.GetValueOrDefault(b.TargetMessageId!))
            .OfType<ConversationMessage>()
            .DistinctBy(m => m.Id);

    public static bool IsNotInterested(ConversationButton button) =>
        button.Action == ButtonAction.End && string.Equals(button.Text?.Trim(), AdLimits.NotInterested, StringComparison.OrdinalIgnoreCase);

    /// <summary>"Message 2 ('Great: grab the guide…')", or just "Message 2" while it has no text.</summary>
    private static string Name(int index, string? text) =>
        string.IsNullOrWhiteSpace(text) ? $"Message {index + 1}" : $"Message {index + 1} ('{Preview(text)}')";

    private static string Preview(string? text)
    {
        var flat = (text ?? "").ReplaceLineEndings(" ").Trim();
        return flat.Length <= 30 ? flat : flat[..30] + "…";
    }
}
