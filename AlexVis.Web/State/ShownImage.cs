using AlexVis.Web.Services;

namespace AlexVis.Web.State;

/// <summary>
/// The image the panels draw: the loaded one, or the same image retraced with channels switched off. Set by the
/// page on the circuit's dispatcher; read by the browser's value requests, which name the version they were drawn from.
/// </summary>
public sealed class ShownImage
{
    /// <summary>The image drawn now; null before the first.</summary>
    public TracedImage? Current { get; set; }
}
