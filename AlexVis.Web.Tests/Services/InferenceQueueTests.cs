using AlexVis.Model.Imaging.Isolation;
using AlexVis.Web.Options;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlexVis.Web.Tests.Services;

/// <summary>The real queue and a real decoder worker, with the queue's inference threads not started: images stay on their way.</summary>
public sealed class InferenceQueueTests : IAsyncDisposable
{
    readonly DecoderPool decoders;
    readonly ModelHost host;
    readonly InferenceQueue queue;

    public InferenceQueueTests()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new AlexVisOptions());
        decoders = new DecoderPool(new DecoderOptions { Workers = 1, WorkerPath = Path.Combine(AppContext.BaseDirectory, "AlexVis.Web.dll") }, options.Value.Upload);
        var services = new ServiceCollection().AddHttpClient().AddMetrics().BuildServiceProvider();
        var telemetry = new Telemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        host = new ModelHost(options, NullLogger<ModelHost>.Instance, services.GetRequiredService<IHttpClientFactory>());
        queue = new InferenceQueue(host, decoders, options, telemetry, NullLogger<InferenceQueue>.Instance);
    }

    [Fact]
    public async Task An_image_counts_as_pending_from_its_decoding_until_it_is_done()
    {
        await decoders.WaitUntilWarmAsync();
        var photo = File.ReadAllBytes(Path.Combine(AlexVis.Harness.AppServer.RepositoryRoot(), "samples", "rocket.jpg"));
        using var leave = new CancellationTokenSource();
        var tracing = queue.TraceAsync(photo, "rocket.jpg", leave.Token);

        // Still in its decoder worker: not in the queue yet, but on its way (a burst of uploads looks like this).
        Assert.Equal((1, 0), (queue.Pending, queue.Length));
        // Decoded, then queued for a forward that no thread runs here.
        await Wait.Until(() => queue.Length > 0, "the decoded image is queued", TimeSpan.FromSeconds(20));
        Assert.Equal((1, 1), (queue.Pending, queue.Length));

        leave.Cancel(); // the student leaves
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tracing);
        Assert.Equal(0, queue.Pending);
    }

    [Fact]
    public async Task A_refused_image_is_no_longer_pending()
    {
        var e = await Assert.ThrowsAsync<AlexVis.Model.Imaging.ImageRejectedException>(() => queue.TraceAsync([0xFF, 0xD8, 0xFF, 0xD9], "empty.jpg", CancellationToken.None));
        Assert.Equal(AlexVis.Model.Imaging.ImageProblem.Corrupt, e.Problem);
        Assert.Equal(0, queue.Pending);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Dispose();
        host.Dispose();
        await decoders.DisposeAsync();
    }
}
