using System.ComponentModel.DataAnnotations;

namespace AlexVis.Model.Network;

/// <summary>How to find, fetch and place the pretrained weights (bound from the <c>AlexVis:Model</c> configuration section).</summary>
public sealed class WeightsOptions
{
    /// <summary>torchvision's URL for the ImageNet weights; the file name's hash part is checked as torch.hub does.</summary>
    public const string OfficialUrl = "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth";

    /// <summary>A weights file (.pth or .safetensors) to use before any cache.</summary>
    public string? Path { get; set; }

    /// <summary>Skip every file and download: use the deterministic untrained network.</summary>
    public bool Untrained { get; set; }

    /// <summary>Download the weights when no file is found.</summary>
    public bool AllowDownload { get; set; } = true;

    /// <summary>Where to download from.</summary>
    [Required, Url]
    public string DownloadUrl { get; set; } = OfficialUrl;

    /// <summary>AlexVis's own cache folder; default <c>$XDG_CACHE_HOME/alexvis</c> or <c>~/.cache/alexvis</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Overrides <c>$TORCH_HOME</c> when looking in the torch hub cache.</summary>
    public string? TorchHome { get; set; }

    /// <summary>A download that receives nothing for this long is abandoned.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the network runs.</summary>
    public DeviceChoice Device { get; set; } = DeviceChoice.Auto;

    /// <summary>The weights file name, taken from <see cref="DownloadUrl"/>.</summary>
    public string FileName => System.IO.Path.GetFileName(new Uri(DownloadUrl).LocalPath);

    /// <summary>The torch hub checkpoint folder, as torch.hub computes it.</summary>
    public string TorchHubCheckpoints()
    {
        var torchHome = TorchHome ?? Environment.GetEnvironmentVariable("TORCH_HOME");
        if (string.IsNullOrEmpty(torchHome))
            torchHome = System.IO.Path.Combine(XdgCache(), "torch");
        return System.IO.Path.Combine(ExpandHome(torchHome), "hub", "checkpoints");
    }

    /// <summary>AlexVis's cache folder.</summary>
    public string AlexVisCache() => ExpandHome(CacheDirectory ?? System.IO.Path.Combine(XdgCache(), "alexvis"));

    static string XdgCache()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return string.IsNullOrEmpty(xdg) ? System.IO.Path.Combine(Home(), ".cache") : xdg;
    }

    static string Home() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    static string ExpandHome(string path) =>
        path == "~" ? Home() : path.StartsWith("~/", StringComparison.Ordinal) ? System.IO.Path.Combine(Home(), path[2..]) : path;
}
