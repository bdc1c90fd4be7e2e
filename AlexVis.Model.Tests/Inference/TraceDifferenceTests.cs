using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;

namespace AlexVis.Model.Tests.Inference;

/// <summary>A − B of two traces, and how a difference is drawn: a scale centred on zero, blue through white to red.</summary>
public class TraceDifferenceTests
{
    static ActivationTrace Trace(float fill, float logit)
    {
        var maps = AlexNetLayers.All.Select(l => new FeatureMaps(l, Enumerable.Repeat(fill, l.Count).ToArray())).ToArray();
        var logits = Enumerable.Repeat(logit, 1000).ToArray();
        return new ActivationTrace(maps, logits, Enumerable.Repeat(0.001f, 1000).ToArray(), [], new RgbImage(1, 1, [1, 2, 3]),
            new WeightsInfo(WeightsKind.Untrained, null, "", null, []));
    }

    [Fact]
    public void Every_layer_logit_and_probability_is_a_minus_b_and_nothing_is_ranked()
    {
        var a = Trace(0.75f, 2f);
        var b = Trace(1f, 0.5f);
        var d = TraceDifference.Of(a, b);
        Assert.All(d.Layers, l => Assert.All(l.Data, v => Assert.Equal(-0.25f, v)));
        Assert.All(d.Logits, v => Assert.Equal(1.5f, v));
        Assert.All(d.Probabilities, v => Assert.Equal(0f, v));
        Assert.Empty(d.Top);
        Assert.Same(a.Input, d.Input);
    }

    [Fact]
    public void A_symmetric_scale_puts_zero_in_the_middle_level()
    {
        // One 1×3 map holding −1, 0 and 3: the range becomes −3 … 3, so 0 is level 127 of 254 and −1 is level 85.
        var maps = new FeatureMaps(new LayerInfo(0, "t", "t", LayerKind.Convolution, [1, 1, 3], AlexVis.Model.Network.Window.Identity), [-1, 0, 3]);
        var q = Montage.Quantise(maps, ScaleMode.PerChannel, symmetric: true);
        Assert.Equal((-3f, 3f), (q.Low[0], q.High[0]));
        Assert.Equal([85, 127, 254], q.Levels);
        Assert.Equal((-1f, 3f), (Montage.Quantise(maps, ScaleMode.PerChannel).Low[0], Montage.Quantise(maps, ScaleMode.PerChannel).High[0]));
    }

    [Fact]
    public void The_diverging_colormap_runs_from_dark_blue_through_near_white_to_dark_red()
    {
        Assert.Equal((5, 48, 97), Colormaps.Colour(Colormap.Diverging, 0));
        Assert.Equal((103, 0, 31), Colormaps.Colour(Colormap.Diverging, 255));
        var (r, g, b) = Colormaps.Colour(Colormap.Diverging, 127);
        Assert.True(r > 240 && g > 240 && b > 240, $"the middle is ({r}, {g}, {b})");
        Assert.True(Colormaps.Colour(Colormap.Diverging, 60).B > Colormaps.Colour(Colormap.Diverging, 60).R);  // negative: blue
        Assert.True(Colormaps.Colour(Colormap.Diverging, 200).R > Colormaps.Colour(Colormap.Diverging, 200).B); // positive: red
    }
}
