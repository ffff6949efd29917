using SponsoredInMail.Core.Inbox;

namespace SponsoredInMail.Core.Seeding;

/// <summary>Ordinary member-to-member messages for the demo inboxes (the organic part below the pinned sponsored ones).</summary>
internal static class OrganicMessageSeeder
{
    private static readonly (string Subject, string Body)[] Templates =
    [
        ("Great meeting you at the conference", "Hi! It was great chatting at the conference last week. Would you be up for a coffee next time you're in town?"),
        ("Quick question about your team", "Hello, I saw your post about scaling your team. How did you approach hiring for senior roles?"),
        ("Congrats on the new role!", "Congratulations on the new position! Wishing you all the best with the move."),
        ("Introduction", "Hi, a mutual colleague suggested I reach out. I'm working on a similar project and would love to compare notes."),
        ("Re: the report you shared", "Thanks for sharing the report. The section on benchmarks was especially useful for our planning."),
        ("Catching up", "It's been a while! How are things going at your end? Let's catch up soon."),
        ("Speaking opportunity", "We're putting together a panel for our spring meetup and thought of you. Interested?"),
        ("Thanks for the referral", "Just wanted to say thank you for the referral. The conversation went really well."),
    ];

    public static List<OrganicMessage> Generate(int seed, int memberCount, DateTime now, int perInbox = 6)
    {
        var random = new Random(seed ^ 0x5EED);
        var messages = new List<OrganicMessage>();
        for (var to = 1; to <= DemoData.ReservedProfiles; to++)
        {
            for (var i = 0; i < perInbox; i++)
            {
                var (subject, body) = Templates[random.Next(Templates.Length)];
                var sentAt = now.AddMinutes(-random.Next(30, 30 * 24 * 60));
                messages.Add(new OrganicMessage
                {
                    FromMemberId = random.Next(DemoData.ReservedProfiles + 1, memberCount + 1), ToMemberId = to, Subject = subject, Body = body,
                    SentAt = sentAt, ReadAt = random.NextDouble() < 0.6 ? sentAt.AddHours(random.Next(1, 48)) : null,
                });
            }
        }
        return messages;
    }
}
