using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class FeatureMapsPanelTests : ComponentTest
{
    /// <summary>The panel as the page renders it, from the fake session's state.</summary>
    IRenderedComponent<FeatureMapsPanel> RenderPanel() => Render<FeatureMapsPanel>(p => Parameters(p));

    ComponentParameterCollectionBuilder<FeatureMapsPanel> Parameters(ComponentParameterCollectionBuilder<FeatureMapsPanel> p, bool drawn = true) => p
        .Add(x => x.Layer, Session.Layer)
        .Add(x => x.Montage, drawn ? Session.Montage() : null)
        .Add(x => x.ImageVersion, Session.Image?.Version)
        .Add(x => x.Scale, Session.Scale)
        .Add(x => x.ScaleChanged, Session.SetScale)
        .Add(x => x.Colormap, Session.Colormap)
        .Add(x => x.ColormapChanged, Session.SetColormap)
        .Add(x => x.Dark, Theme.Dark);

    [Fact]
    public void Without_an_image_it_invites_one_and_draws_nothing()
    {
        var cut = RenderPanel();
        Assert.Contains("Pick a sample or drop a photo", cut.Markup);
        Assert.DoesNotContain("showMontage", JsCalls);
    }

    [Fact]
    public void The_montage_goes_to_the_browser_once_per_layer_and_scale()
    {
        Session.ShowImage();
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.Contains("showMontage", JsCalls));
        Assert.Contains("64 maps of 55 × 55", cut.Markup);

        // A colour change is the browser's business: no new montage is sent.
        Session.SetColormap(Colormap.Grey);
        cut.Render(p => Parameters(p));
        cut.WaitForAssertion(() => Assert.Contains("setAppearance", JsCalls));
        Assert.Single(JsCalls, c => c == "showMontage");

        Session.SetScale(ScaleMode.PerLayer);
        cut.Render(p => Parameters(p));
        cut.WaitForAssertion(() => Assert.Equal(2, JsCalls.Count(c => c == "showMontage")));
        Assert.Equal(["colormap Grey", "scale PerLayer"], Session.Calls);
    }

    [Fact]
    public void The_toggles_ask_for_scale_and_colormap()
    {
        Session.ShowImage();
        var cut = RenderPanel();
        cut.Find("[data-testid=scale-global] ").Click();
        cut.Find("[data-testid=colormap-grey]").Click();
        Assert.Equal(["scale Global", "colormap Grey"], Session.Calls);
    }

    [Fact]
    public void The_legend_gives_the_shared_range_for_layer_scaling()
    {
        Session.ShowImage();
        Session.Scale = ScaleMode.PerLayer;
        Session.Layer = AlexNetLayers.Get("pool5");
        var cut = RenderPanel();
        // pool5 in the fake image runs from 0 (channel 0, cell 0) to 255.035 (channel 255, cell 35), shown to 4 digits.
        Assert.Equal("Whole layer: 0 to 255.", cut.Find("[data-testid=legend]").TextContent);
    }

    [Fact]
    public void While_the_montage_is_being_drawn_there_is_no_legend_and_nothing_is_sent()
    {
        Session.ShowImage();
        var cut = Render<FeatureMapsPanel>(p => Parameters(p, drawn: false));
        Assert.Empty(cut.FindAll("[data-testid=legend]"));
        Assert.DoesNotContain("showMontage", JsCalls);
    }
}
