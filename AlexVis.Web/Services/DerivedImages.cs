using AlexVis.Model.Inference;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>
/// Images made from other images, for everyone, each computed once and kept: a photo with channels switched off
/// (the network re-run from the first switched-off layer on, starting from the photo's own trace; the shared model
/// is never changed) and the difference of two photos. Each has its own version and content key, so figures and
/// hover values of the original and the derived image never mix.
/// </summary>
public sealed class DerivedImages(ModelHost host, IOptions<AlexVisOptions> options)
{
    readonly LruCache<string, TracedImage> images = new(options.Value.Display.AblationCache);
    static long nextVersion = 1L << 40; // apart from the pages' own image versions (slot A from 1, slot B from 2^36)

    /// <summary>A retraced image's key: the image's content and the channels off.</summary>
    public static string AblatedKey(string contentKey, Ablation ablation) => $"{contentKey}~off~{ablation.Key}";

    /// <summary>A difference's key: both images' keys.</summary>
    public static string DifferenceKey(string a, string b) => $"{a}~minus~{b}";

    /// <summary><paramref name="image"/> as the network sees it with <paramref name="ablation"/>'s channels off (itself when none are).</summary>
    public Task<TracedImage> AblatedAsync(TracedImage image, Ablation ablation)
    {
        if (ablation.IsEmpty) return Task.FromResult(image);
        var key = AblatedKey(image.ContentKey, ablation);
        return images.GetOrAdd(key, () => Task.Run(async () =>
        {
            var model = await host.Ready;
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            var trace = model.Retrace(image.Trace, ablation);
            return image with
            {
                Version = Interlocked.Increment(ref nextVersion), ContentKey = key, Trace = trace,
                Compute = System.Diagnostics.Stopwatch.GetElapsedTime(start),
            };
        }));
    }

    /// <summary>A − B, cell by cell in every layer: drawn on a scale centred on zero (A's crop and name with B's).</summary>
    public Task<TracedImage> DifferenceAsync(TracedImage a, TracedImage b)
    {
        var key = DifferenceKey(a.ContentKey, b.ContentKey);
        return images.GetOrAdd(key, () => Task.Run(() => new TracedImage(Interlocked.Increment(ref nextVersion), $"{a.Name} − {b.Name}", key, null,
            a.CropUrl, TraceDifference.Of(a.Trace, b.Trace), TimeSpan.Zero, Signed: true)));
    }
}
