using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Network;

/// <summary>The search order and fallbacks, with temporary caches and a loopback server standing in for the internet.</summary>
public class ModelLoaderTests(SavedWeights saved) : IClassFixture<SavedWeights>
{
    sealed class Layout : IDisposable
    {
        readonly TempDir dir = new();

        public Layout(string url = "http://127.0.0.1:9/models/alexnet-owt-7be5be79.pth")
        {
            Options = new WeightsOptions
            {
                TorchHome = Path.Combine(dir.Path, "torch"),
                CacheDirectory = Path.Combine(dir.Path, "alexvis"),
                DownloadUrl = url,
                // No test here is about a stall (WeightsDownloaderTests are). With a 5 s limit and the whole suite
                // running on two cores, the download test once fell back to the untrained network after 11 s.
                StallTimeout = TimeSpan.FromSeconds(60),
                Device = DeviceChoice.Cpu,
            };
        }

        public WeightsOptions Options { get; }

        public string HubFile => Path.Combine(Options.TorchHubCheckpoints(), Options.FileName);

        public string CacheFile => Path.Combine(Options.AlexVisCache(), Options.FileName);

        public void Put(string target, string source)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        public void Dispose() => dir.Dispose();
    }

    [Fact]
    public async Task Untrained_on_request_without_looking_anywhere()
    {
        using var layout = new Layout();
        layout.Options.Untrained = true;
        using var model = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal(WeightsKind.Untrained, model.Weights.Kind);
        Assert.Equal(saved.Seed0Conv1, model.Kernels("conv1").Weights);
        Assert.StartsWith("untrained:untrained weights were asked for", model.Weights.Describe());
    }

    [Fact]
    public async Task The_torch_hub_cache_is_used_after_a_missing_configured_file()
    {
        using var layout = new Layout();
        layout.Options.Path = "/nonexistent/weights.pth";
        layout.Put(layout.HubFile, saved.Pth);
        using var model = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal(WeightsKind.Pretrained, model.Weights.Kind);
        Assert.Equal("torch hub cache", model.Weights.Origin);
        Assert.Equal(layout.HubFile, model.Weights.Path);
        Assert.Contains(model.Weights.Problems, p => p.Contains("/nonexistent/weights.pth"));
        Assert.Equal(saved.HalvedConv1, model.Kernels("conv1").Weights);
    }

    [Fact]
    public async Task A_damaged_hub_file_falls_through_to_alexvis_own_cache()
    {
        using var layout = new Layout();
        Directory.CreateDirectory(Path.GetDirectoryName(layout.HubFile)!);
        File.WriteAllBytes(layout.HubFile, File.ReadAllBytes(saved.Pth)[..4096]);
        layout.Put(layout.CacheFile, saved.SafetensorsPath);
        using var model = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal("AlexVis cache", model.Weights.Origin);
        Assert.Contains(model.Weights.Problems, p => p.StartsWith($"Weights file '{layout.HubFile}' is truncated or damaged"));
    }

    [Fact]
    public async Task Downloads_into_alexvis_cache_when_no_file_is_found()
    {
        var bytes = await File.ReadAllBytesAsync(saved.Pth);
        var name = $"alexnet-test-{saved.PthSha256[..8]}.pth";
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Body(s, bytes, 1 << 20, TimeSpan.Zero, null, false, ct));
        using var layout = new Layout(server.Url("models/" + name).ToString());
        var reports = new List<LoadProgress>();
        using var model = await ModelLoader.LoadAsync(layout.Options, new Sync(reports.Add));
        Assert.True(model.Weights.Kind == WeightsKind.Pretrained, "not downloaded: " + string.Join(" | ", model.Weights.Problems));
        Assert.Equal("downloaded", model.Weights.Origin);
        Assert.Equal(Path.Combine(layout.Options.AlexVisCache(), name), model.Weights.Path);
        Assert.Equal(saved.HalvedConv1, model.Kernels("conv1").Weights);
        var downloads = reports.Where(r => r.Stage == LoadStage.Downloading && r.Download?.Fraction is not null).ToList();
        Assert.True(downloads.Count > 10, "progress should be reported while downloading");
        Assert.Equal(1.0, downloads[^1].Download!.Value.Fraction);
        Assert.Equal(LoadStage.Ready, reports[^1].Stage);

        // A second start finds the file in the cache and does not download again.
        using var again = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal("AlexVis cache", again.Weights.Origin);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Offline_falls_back_to_the_untrained_network_and_says_how_to_fix_it()
    {
        using var layout = new Layout(); // port 9 (discard) refuses connections
        using var model = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal(WeightsKind.Untrained, model.Weights.Kind);
        Assert.Contains("could not be found or downloaded", model.Weights.Reason);
        Assert.Contains(layout.Options.TorchHubCheckpoints(), model.Weights.Reason);
        Assert.Contains(model.Weights.Problems, p => p.StartsWith("Could not download alexnet-owt-7be5be79.pth from 127.0.0.1"));
        Assert.Equal(saved.Seed0Conv1, model.Kernels("conv1").Weights);
    }

    [Fact]
    public async Task No_download_when_switched_off()
    {
        await using var server = new LocalHttpServer((_, s, ct) => LocalHttpServer.Head(s, 500, "Should Not Be Asked", 0));
        using var layout = new Layout(server.Url("alexnet-owt-7be5be79.pth").ToString());
        layout.Options.AllowDownload = false;
        using var model = await ModelLoader.LoadAsync(layout.Options);
        Assert.Equal(WeightsKind.Untrained, model.Weights.Kind);
        Assert.Contains("downloading is switched off", model.Weights.Reason);
        Assert.Equal(0, server.Requests);
    }

    sealed class Sync(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
