using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Services;

/// <summary>A photo that can join a ranking: its content hash, its name and who brought it.</summary>
/// <param name="ContentKey">Hash of the photo's bytes.</param>
/// <param name="Name">Its file name.</param>
/// <param name="From">Who brought it ("sample", "you", "student 3").</param>
/// <param name="SampleName">The bundled sample's name, when it is one (its bytes come from the library).</param>
public sealed record RankablePhoto(string ContentKey, string Name, string From, string? SampleName = null);

/// <summary>One photo of a channel's ranking as the page shows it.</summary>
/// <param name="Photo">The photo.</param>
/// <param name="Peak">The channel's strongest cell in it.</param>
/// <param name="Region">The crop's pixels that cell sees (the photo is shown cropped to them).</param>
/// <param name="CropUrl">Where the browser gets the photo's 224×224 crop.</param>
public sealed record RankedFigure(RankablePhoto Photo, ChannelPeak Peak, PixelRegion Region, string CropUrl);

/// <summary>
/// The photos' channel peaks for rankings, for everyone: computed once per photo (from a kept trace, or by tracing
/// its bytes through the inference queue) and kept with the photo's crop, so ranking a channel over a class's photos
/// reads a few numbers per photo and no trace.
/// </summary>
public sealed class PhotoSet(Figures figures, InferenceQueue queue, IOptions<AlexVisOptions> options, ILogger<PhotoSet> logger)
{
    sealed record Kept(ChannelPeaks Peaks, byte[] CropPng)
    {
        public static Kept Of(Model.Inference.ActivationTrace trace) => new(ChannelPeaks.Of(trace), Png.Encode(trace.Input));
    }

    readonly LruCache<string, Kept> kept = new(options.Value.Display.RankedPhotoCache);

    /// <summary>Keeps the peaks of a photo whose trace is at hand (an upload just analysed).</summary>
    public void Remember(string contentKey, Model.Inference.ActivationTrace trace) =>
        kept.GetOrAdd(contentKey, () => Task.FromResult(Kept.Of(trace)));

    /// <summary>A kept photo's crop as PNG (for <c>api/crops</c> once the trace itself is no longer kept).</summary>
    public byte[]? CropPng(string contentKey) => kept.TryGet(contentKey, out var k) ? k!.CropPng : null;

    /// <summary>
    /// The <paramref name="count"/> photos of <paramref name="set"/> whose channel peaks highest, best first. A photo
    /// not seen before is traced once (its bytes from <paramref name="bytes"/>); one that cannot be read any more
    /// (expired, refused) is left out and logged.
    /// </summary>
    public async Task<IReadOnlyList<RankedFigure>> RankAsync(IReadOnlyList<RankablePhoto> set, Func<RankablePhoto, Task<byte[]?>> bytes,
        LayerInfo layer, int channel, int count = 9, CancellationToken cancellationToken = default)
    {
        var known = new List<(string Key, ChannelPeaks Peaks)>();
        var byKey = new Dictionary<string, RankablePhoto>();
        foreach (var photo in set)
        {
            if (!byKey.TryAdd(photo.ContentKey, photo)) continue; // the same bytes twice count once
            try
            {
                var entry = await kept.GetOrAdd(photo.ContentKey, () => TraceAsync(photo, bytes, cancellationToken));
                known.Add((photo.ContentKey, entry.Peaks));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogInformation("{Name} was left out of the ranking: {Message}", photo.Name, e.Message);
            }
        }
        return PhotoRanking.Rank(known, layer, channel, count)
            .Select(r => new RankedFigure(byKey[r.Key], r.Peak, r.Region, $"api/crops/{r.Key}.png"))
            .ToArray();
    }

    async Task<Kept> TraceAsync(RankablePhoto photo, Func<RankablePhoto, Task<byte[]?>> bytes, CancellationToken cancellationToken)
    {
        var result = figures.KnownTrace(photo.ContentKey);
        if (result is null)
        {
            var data = await bytes(photo) ?? throw new InvalidOperationException($"'{photo.Name}' is no longer kept.");
            result = await queue.TraceAsync(data, photo.Name, cancellationToken);
            figures.Remember(photo.ContentKey, result);
        }
        return Kept.Of(result.Trace);
    }
}
