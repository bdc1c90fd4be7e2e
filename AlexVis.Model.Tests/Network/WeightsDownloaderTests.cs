using System.Security.Cryptography;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Network;

[Collection(MeasuringCollection.Name)]
public class WeightsDownloaderTests
{
    static readonly byte[] payload = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 123);
    static readonly string prefix = Convert.ToHexStringLower(SHA256.HashData(payload))[..8];
    static readonly string goodName = $"alexnet-owt-{prefix}.pth";
    static readonly HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };

    [Theory]
    [InlineData("alexnet-owt-7be5be79.pth", "7be5be79")]
    [InlineData("resnet18-f37072fd.pth", "f37072fd")]
    [InlineData("weights.pth", null)]
    public void Hash_prefix_is_read_from_the_file_name_as_torch_hub_does(string name, string? expected) =>
        Assert.Equal(expected, WeightsDownloader.HashPrefix(name));

    [Fact]
    public async Task A_verified_download_lands_under_its_name_with_progress()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 256 * 1024, TimeSpan.Zero, null, false, ct));
        using var dir = new TempDir();
        var reports = new List<DownloadProgress>();
        var path = await WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, TimeSpan.FromSeconds(5), new Sync(reports.Add), default);
        Assert.Equal(dir.File(goodName), path);
        Assert.Equal(payload, await File.ReadAllBytesAsync(path));
        Assert.Equal(payload.Length, reports[^1].Received);
        Assert.Equal(payload.Length, reports[^1].Total);
        Assert.True(reports.Count >= 4, $"expected progress along the way, got {reports.Count} reports");
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task A_wrong_hash_is_refused_and_nothing_is_left_behind()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 1 << 20, TimeSpan.Zero, null, false, ct));
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() =>
            WeightsDownloader.DownloadAsync(http, server.Url("alexnet-owt-7be5be79.pth"), dir.Path, TimeSpan.FromSeconds(5), null, default));
        Assert.Contains("expected to start with 7be5be79", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task A_cut_connection_is_reported_with_how_far_it_got()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 256 * 1024, TimeSpan.Zero, 1024 * 1024, false, ct));
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() =>
            WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, TimeSpan.FromSeconds(5), null, default));
        Assert.Contains("1.0 MB", e.Message);
        Assert.Contains("3.0 MB", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Not_found_names_the_status_and_address()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Head(s, 404, "Not Found", 0));
        using var dir = new TempDir();
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() =>
            WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, TimeSpan.FromSeconds(5), null, default));
        Assert.Contains("404 Not Found", e.Message);
        Assert.Contains(goodName, e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task A_slow_but_steady_server_is_waited_for()
    {
        // 3 MB in 48 chunks 60 ms apart: about 2.9 s in all, longer than the 2.5 s stall limit, but never silent for
        // more than 60 ms. The limit is far above the gap because a CI machine compiling beside the tests can hold
        // the server's timer back for a second (seen once with a 1 s limit and 40 ms gaps).
        var stallLimit = TimeSpan.FromSeconds(2.5);
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 64 * 1024 + 8, TimeSpan.FromMilliseconds(60), null, false, ct));
        using var dir = new TempDir();
        var started = DateTime.UtcNow;
        var path = await WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, stallLimit, null, default);
        Assert.True(DateTime.UtcNow - started > stallLimit, "the download should have outlasted the stall limit, or the test shows nothing");
        Assert.Equal(payload, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_stalled_server_is_abandoned_after_the_stall_timeout()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 256 * 1024, TimeSpan.Zero, 512 * 1024, stall: true, ct));
        using var dir = new TempDir();
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<WeightsDownloadException>(() =>
            WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, TimeSpan.FromMilliseconds(700), null, default));
        Assert.Contains("stalled", e.Message);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(10));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task Cancelling_stops_the_download_and_removes_the_partial_file()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, payload, 64 * 1024, TimeSpan.FromMilliseconds(50), null, false, ct));
        using var dir = new TempDir();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            WeightsDownloader.DownloadAsync(http, server.Url(goodName), dir.Path, TimeSpan.FromSeconds(5), null, cts.Token));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    sealed class Sync(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
