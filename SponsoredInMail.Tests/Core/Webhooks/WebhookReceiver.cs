using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SponsoredInMail.Webhooks.Example;

namespace SponsoredInMail.Tests.Core.Webhooks;

/// <summary>
/// A real HTTP receiver (Kestrel on 127.0.0.1, a free port) that checks every request with the docs' own
/// <see cref="WebhookVerifier"/> against the test's clock, records it, and answers <see cref="Answer"/> (503 while
/// "down"). Only a request whose signature verifies can be answered 2xx.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<string> _secret;
    private readonly TimeProvider _clock;

    public sealed record Received(string? WebhookId, string? IdempotencyKey, string? Timestamp, string? Signature, string ContentType, string Body,
        bool Verified, int Answered);

    private WebhookReceiver(WebApplication app, Func<string> secret, TimeProvider clock)
    {
        _app = app;
        _secret = secret;
        _clock = clock;
    }

    /// <summary>What the receiver answers to a verified request.</summary>
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.NoContent;

    /// <summary>How long it takes to answer (real time), to widen race windows.</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string Url => _app.Urls.Single().TrimEnd('/') + "/hook";

    /// <summary>The keys answered 2xx, each as often as it was.</summary>
    public IReadOnlyList<string> DeliveredKeys => Requests.Where(r => r.Answered is >= 200 and < 300).Select(r => r.WebhookId!).ToList();

    public static async Task<WebhookReceiver> StartAsync(Func<string> secret, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret, clock);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var timestamp = request.Headers["Webhook-Timestamp"].ToString();
        var signature = request.Headers["Webhook-Signature"].ToString();
        var verified = WebhookVerifier.Verify(_secret(), timestamp, signature, body, _clock.GetUtcNow());
        var answer = verified ? (int)Answer : StatusCodes.Status401Unauthorized;
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }
        Requests.Enqueue(new Received(request.Headers["Webhook-Id"], request.Headers["Idempotency-Key"], timestamp, signature,
            request.ContentType ?? "", body, verified, answer));
        return Results.StatusCode(answer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
