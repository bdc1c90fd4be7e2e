using AlexVis.Model.Inference;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>
/// The image with channels switched off, for everyone: the network re-run from the first switched-off layer on,
/// starting from the image's own trace (a few tens of milliseconds), computed once per image and set of channels and
/// kept. The shared model is never changed: the channels are zeroed in that forward only.
/// </summary>
public sealed class Ablations(ModelHost host, IOptions<AlexVisOptions> options)
{
    readonly LruCache<string, TracedImage> traces = new(options.Value.Display.AblationCache);
    static long nextVersion = 1L << 40; // apart from every session's own image versions, which count from 1

    /// <summary>A retraced image's key: the image's content and the channels off.</summary>
    public static string KeyOf(string contentKey, Ablation ablation) => $"{contentKey}~off~{ablation.Key}";

    /// <summary>
    /// <paramref name="image"/> as the network sees it with <paramref name="ablation"/>'s channels off: its own
    /// version and content key (so figures and hover values of the two never mix), the same crop and name.
    /// </summary>
    public Task<TracedImage> GetAsync(TracedImage image, Ablation ablation)
    {
        if (ablation.IsEmpty) return Task.FromResult(image);
        var key = KeyOf(image.ContentKey, ablation);
        return traces.GetOrAdd(key, () => Task.Run(async () =>
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
}
