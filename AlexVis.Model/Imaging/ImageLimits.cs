using System.ComponentModel.DataAnnotations;

namespace AlexVis.Model.Imaging;

/// <summary>Limits checked before any pixel is decoded.</summary>
public sealed class ImageLimits
{
    /// <summary>Largest accepted file, in bytes (default 20 MB).</summary>
    [Range(1024, 1L << 32)]
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest accepted width × height (default 40 megapixels).</summary>
    [Range(1, 1L << 32)]
    public long MaxPixels { get; set; } = 40_000_000;
}
