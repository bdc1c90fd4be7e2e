using AlexVis.Web.Options;
using AlexVis.Web.Services;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.State;

/// <summary>
/// The photos this page analysed that are not samples (its uploads), newest first and at most
/// <see cref="DisplayOptions.OwnPhotos"/>: with the samples they are the set a channel's ranking is drawn from
/// outside a room. Their peaks are kept as they arrive, while the trace is at hand.
/// </summary>
public sealed class OwnPhotos : IDisposable
{
    readonly ImageLoader loader;
    readonly PhotoSet photos;
    readonly int limit;
    List<RankablePhoto> all = [];

    /// <summary>Follows the page's image loader.</summary>
    public OwnPhotos(ImageLoader loader, PhotoSet photos, IOptions<AlexVisOptions> options)
    {
        this.loader = loader;
        this.photos = photos;
        limit = options.Value.Display.OwnPhotos;
        loader.Uploaded += OnUploaded;
    }

    /// <summary>The photos, newest first (a new list after each change, so a page can tell it changed).</summary>
    public IReadOnlyList<RankablePhoto> All => all;

    void OnUploaded(TracedImage image, byte[] bytes)
    {
        photos.Remember(image.ContentKey, image.Trace);
        all = all.Where(p => p.ContentKey != image.ContentKey).Prepend(new RankablePhoto(image.ContentKey, image.Name, Localization.PhotoFrom.You)).Take(limit).ToList();
    }

    /// <inheritdoc />
    public void Dispose() => loader.Uploaded -= OnUploaded;
}
