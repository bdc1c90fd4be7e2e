using AlexVis.Web.Services;

namespace AlexVis.Web.State;

/// <summary>
/// The images the panels draw: the one shown (the loaded photo, or it retraced with channels switched off, or the
/// second photo, or the two's difference) and, when comparing, A and B themselves (a hover shows all three). Set by
/// the page on the circuit's dispatcher; read by the browser's value requests, which name the version they want.
/// </summary>
public sealed class ShownImage
{
    IReadOnlyList<TracedImage> all = [];

    /// <summary>The image drawn now; null before the first.</summary>
    public TracedImage? Current { get; private set; }

    /// <summary>Sets the image drawn and those shown alongside it.</summary>
    public void Show(TracedImage? current, params TracedImage?[] alongside)
    {
        Current = current;
        all = alongside.Prepend(current).OfType<TracedImage>().ToArray();
    }

    /// <summary>The image of a version among those shown, or null.</summary>
    public TracedImage? Find(long version) => all.FirstOrDefault(i => i.Version == version);
}
