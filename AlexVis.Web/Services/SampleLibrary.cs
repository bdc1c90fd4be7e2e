using AlexVis.Model.Imaging;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>A bundled sample photo.</summary>
/// <param name="Name">File name without extension, used in URLs (<c>?sample=chelsea</c>).</param>
/// <param name="FileName">The file's name.</param>
/// <param name="ThumbnailUrl">Where the browser gets its thumbnail.</param>
public sealed record SampleInfo(string Name, string FileName, string ThumbnailUrl);

/// <summary>The bundled sample photos (JPEG and PNG files in the configured folder) and their thumbnails.</summary>
public sealed class SampleLibrary
{
    readonly Dictionary<string, string> paths;
    readonly Dictionary<string, Lazy<byte[]>> thumbnails;
    readonly Dictionary<string, Lazy<string>> contentKeys;

    /// <summary>Lists the samples; a missing folder simply means no samples.</summary>
    public SampleLibrary(IOptions<AlexVisOptions> options, IHostEnvironment environment, ILogger<SampleLibrary> logger)
    {
        var folder = options.Value.Samples.Directory;
        if (!Path.IsPathRooted(folder))
        {
            // Next to the app (build and publish output), else the content root (dotnet run from the project).
            var beside = Path.Combine(AppContext.BaseDirectory, folder);
            folder = Directory.Exists(beside) ? beside : Path.Combine(environment.ContentRootPath, folder);
        }
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png").Order().ToList()
            : [];
        if (files.Count == 0) logger.LogWarning("No sample photos found in {Folder}", folder);
        paths = files.ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => f, StringComparer.OrdinalIgnoreCase);
        All = paths.Select(p => new SampleInfo(p.Key, Path.GetFileName(p.Value), $"api/samples/{Uri.EscapeDataString(p.Key)}/thumbnail.png")).ToList();
        thumbnails = paths.ToDictionary(p => p.Key, p => new Lazy<byte[]>(() => MakeThumbnail(p.Value)), StringComparer.OrdinalIgnoreCase);
        contentKeys = paths.ToDictionary(p => p.Key, p => new Lazy<string>(() => Services.ContentKey.Of(File.ReadAllBytes(p.Value))), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The sample's content key (hash of its bytes), computed once; null when there is no such sample.</summary>
    public string? ContentKey(string name) => contentKeys.TryGetValue(name, out var k) ? k.Value : null;

    /// <summary>Every sample, by name.</summary>
    public IReadOnlyList<SampleInfo> All { get; }

    /// <summary>The sample's bytes, or null when there is no such sample.</summary>
    public byte[]? Read(string name) => paths.TryGetValue(name, out var path) ? File.ReadAllBytes(path) : null;

    /// <summary>The sample's file name, or null.</summary>
    public string? FileName(string name) => paths.TryGetValue(name, out var path) ? Path.GetFileName(path) : null;

    /// <summary>A small PNG of the sample, made once.</summary>
    public byte[]? Thumbnail(string name) => thumbnails.TryGetValue(name, out var t) ? t.Value : null;

    static byte[] MakeThumbnail(string path)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(path), new ImageLimits());
        // The model's own view: the 224 centre crop, shrunk by box averaging to 112.
        var crop = Preprocessing.Prepare(image).Crop;
        const int f = 2;
        int w = crop.Width / f, h = crop.Height / f;
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < f; dy++)
                        for (int dx = 0; dx < f; dx++)
                            sum += crop.Pixels[((y * f + dy) * crop.Width + x * f + dx) * 3 + c];
                    px[(y * w + x) * 3 + c] = (byte)((sum + f * f / 2) / (f * f));
                }
        return Png.Encode(new RgbImage(w, h, px));
    }
}
