using Microsoft.Extensions.Localization;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Imaging;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AlexVis.Model.Labels;
using AlexVis.Web.Options;
using AlexVis.Web.Services;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AlexVis.Web.Extensions;

/// <summary>The few plain HTTP endpoints beside the Blazor page.</summary>
public static class EndpointExtensions
{
    /// <summary>Crops, sample thumbnails, class names and a health check.</summary>
    public static IEndpointRouteBuilder MapAlexVisApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/crops/{key}.png", (string key, Figures views, PhotoSet photos) =>
            (views.CropPng(key) ?? photos.CropPng(key)) is { } png ? Results.File(png, "image/png") : Results.NotFound());
        api.MapGet("/samples/{name}/thumbnail.png", (string name, SampleLibrary samples) =>
            samples.Thumbnail(name) is { } png ? Results.File(png, "image/png") : Results.NotFound());
        api.MapGet("/classes.json", () => Results.Json(ImageNetClasses.Names));
        // A "why" figure to save, at the opacity the student chose (0–100); only figures computed for a page are kept.
        api.MapGet("/explanations/{key}.png", (string key, int? opacity, Explanations explanations) =>
            explanations.Known(key) is { } figure
                ? Results.File(figure.Png(Math.Clamp(opacity ?? 60, 0, 100) / 100.0), "image/png", $"why-{key}.png")
                : Results.NotFound());
        api.MapPost("/uploads", ReceiveUpload);
        api.MapGet("/health", (ModelHost host, InferenceQueue queue, UploadTokens tokens, DecoderPool decoders) => Results.Json(new
        {
            stage = host.Status.Stage.ToString(),
            message = host.Status.Message,
            weights = host.Status.Weights?.Describe(),
            queue = queue.Length,
            sessions = tokens.Count,
            decoderWorkersReplaced = decoders.Replaced,
            // Where the server's memory is: the soak bench tells a managed leak from native growth by these.
            managedHeapMb = GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0,
            managedCommittedMb = GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0,
        }));
        return app;
    }

    /// <summary>
    /// A photo posted by a page's drop zone: the X-AlexVis-Upload header names the student's image loader, X-File-Name the
    /// file. The answer comes once the photo is traced (or refused): {"error": message or null}.
    /// </summary>
    static async Task<IResult> ReceiveUpload(HttpRequest request, UploadTokens tokens, IOptions<AlexVisOptions> options, IStringLocalizerFactory words)
    {
        // In the request's language: the page's culture cookie or its Accept-Language.
        if (tokens.Find(request.Headers["X-AlexVis-Upload"]) is not { } loader)
            return Results.Json(new { error = words.Create(typeof(EndpointExtensions))["LostConnection"].Value }, statusCode: 403);
        // The name is the student's (or an attacker's): escaped once here, so messages and logs can use it as it is.
        var name = DisplayName.Of(Path.GetFileName(Uri.UnescapeDataString(request.Headers["X-File-Name"].ToString())));
        if (string.IsNullOrWhiteSpace(name)) name = "upload";
        // The session refuses a body over the limit before reading it, so the server's own limit only needs to allow the limit.
        var body = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (body is { IsReadOnly: false }) body.MaxRequestBodySize = Math.Max(options.Value.Upload.MaxBytes + 1, body.MaxRequestBodySize ?? 0);
        var error = await loader.ReceiveUploadAsync(request.Body, request.ContentLength ?? -1, name);
        return Results.Json(new { error });
    }

    /// <summary>Prints where teachers and students can open the app once it listens.</summary>
    public static void AnnounceUrls(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                var uri = new Uri(address.Replace("0.0.0.0", "localhost").Replace("[::]", "localhost").Replace("://+", "://localhost").Replace("://*", "://localhost"));
                Console.WriteLine($"AlexVis is running: open {uri.Scheme}://{uri.Host}:{uri.Port}/ in a browser");
                if (address.Contains("0.0.0.0") || address.Contains("[::]") || address.Contains("://+") || address.Contains("://*"))
                    foreach (var ip in LanAddresses())
                        Console.WriteLine($"  students on this network: {uri.Scheme}://{ip}:{uri.Port}/");
            }
        });
    }

    static IEnumerable<string> LanAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString());
}
