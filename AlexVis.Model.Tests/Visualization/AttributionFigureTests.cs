using AlexVis.Model.Explanation;
using AlexVis.Model.Imaging;
using AlexVis.Model.Visualization;

namespace AlexVis.Model.Tests.Visualization;

public class AttributionFigureTests
{
    // A 2×1 photo, both pixels grey 100; heat 0 on the left, the maximum (4) on the right.
    static readonly RgbImage photo = new(2, 1, [100, 100, 100, 100, 100, 100]);
    static readonly Attribution attribution = new(ExplainMethod.Saliency, null, null, null, 0, [3, 1, 2], new float[6], [0f, 4f]);

    [Fact]
    public void No_heat_shows_the_photo_and_the_maximum_blends_the_top_colour_at_the_opacity()
    {
        var figure = AttributionFigure.Overlay(attribution, photo, opacity: 0.5);
        var (r, g, b) = Colormaps.Colour(Colormap.Viridis, 255);
        Assert.Equal((byte)100, figure.Pixels[0]); // left: untouched
        Assert.Equal(new[] { (byte)Math.Round(50 + r / 2.0), (byte)Math.Round(50 + g / 2.0), (byte)Math.Round(50 + b / 2.0) }, figure.Pixels[3..6]);
        Assert.Equal([100, 100, 100, 100, 100, 100], photo.Pixels); // the photo itself is not drawn on
    }

    [Fact]
    public void An_opacity_outside_0_to_1_and_a_heat_of_another_size_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AttributionFigure.Overlay(attribution, photo, opacity: 1.5));
        Assert.Throws<ArgumentException>(() => AttributionFigure.Overlay(attribution with { Heat = [1f] }, photo));
    }
}
