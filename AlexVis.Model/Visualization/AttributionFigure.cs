using AlexVis.Model.Explanation;
using AlexVis.Model.Imaging;

namespace AlexVis.Model.Visualization;

/// <summary>An attribution drawn over the photo it explains, as the explorer and <c>alexvis explain --out</c> show it.</summary>
public static class AttributionFigure
{
    /// <summary>
    /// The crop with the attribution's heat in a colormap blended over it: each pixel's heat scaled to the heat's
    /// maximum, and <paramref name="opacity"/> of the colour over the photo (where the heat is 0 the photo shows through).
    /// </summary>
    public static RgbImage Overlay(Attribution attribution, RgbImage crop, double opacity = 0.6, Colormap colormap = Colormap.Viridis)
    {
        if (opacity is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(opacity), "opacity is between 0 and 1");
        var heat = attribution.Heat;
        if (heat.Length != crop.Width * crop.Height) throw new ArgumentException("The heat and the crop differ in size.", nameof(attribution));
        float max = heat.Max();
        var pixels = (byte[])crop.Pixels.Clone();
        for (int i = 0; i < heat.Length; i++)
        {
            double level = max > 0 ? heat[i] / max : 0;
            var (r, g, b) = Colormaps.Colour(colormap, (byte)Math.Round(255 * level));
            double a = opacity * level; // weak heat lets the photo through
            pixels[3 * i] = Blend(pixels[3 * i], r, a);
            pixels[3 * i + 1] = Blend(pixels[3 * i + 1], g, a);
            pixels[3 * i + 2] = Blend(pixels[3 * i + 2], b, a);
        }
        return crop with { Pixels = pixels };
    }

    static byte Blend(byte photo, byte colour, double alpha) => (byte)Math.Round(photo * (1 - alpha) + colour * alpha);
}
