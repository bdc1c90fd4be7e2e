using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class FeatureMapsPanelTests : ComponentTest
{
    readonly TracedImage image = HandMade.Image();
    readonly List<string> calls = [];

    /// <summary>The real montage of the shown image for the selection, as the page fetches it.</summary>
    async Task<MontageFigure?> Montage(TracedImage? shown) =>
        shown is null ? null : await Figures.MontageAsync(shown.ContentKey, shown.Trace, Selection.Current.Layer, Selection.Current.Scale);

    /// <summary>The panel's parameters as the page gives them: the selection, the image's version and its montage.</summary>
    ComponentParameterCollectionBuilder<FeatureMapsPanel> Parameters(ComponentParameterCollectionBuilder<FeatureMapsPanel> p, TracedImage? shown, MontageFigure? montage)
    {
        var s = Selection.Current;
        return p.Add(x => x.Layer, s.Layer)
            .Add(x => x.Montage, montage)
            .Add(x => x.ImageVersion, shown?.Version)
            .Add(x => x.Scale, s.Scale)
            .Add(x => x.ScaleChanged, (ScaleMode m) => { calls.Add($"scale {m}"); Selection.SetScale(m); })
            .Add(x => x.Colormap, s.Colormap)
            .Add(x => x.ColormapChanged, (Colormap c) => { calls.Add($"colormap {c}"); Selection.SetColormap(c); })
            .Add(x => x.ChannelChanged, (int? c) => calls.Add($"channel {c}"))
            .Add(x => x.Dark, Theme.Dark);
    }

    async Task<IRenderedComponent<FeatureMapsPanel>> RenderPanel(TracedImage? shown, bool drawn = true)
    {
        var montage = drawn ? await Montage(shown) : null;
        return Render<FeatureMapsPanel>(p => Parameters(p, shown, montage));
    }

    async Task Rerender(IRenderedComponent<FeatureMapsPanel> cut, TracedImage shown)
    {
        var montage = await Montage(shown);
        cut.Render(p => Parameters(p, shown, montage));
    }

    IReadOnlyList<JSRuntimeInvocation> Shows => ModuleOf<FeatureMapsPanel>().Invocations["showMontage"];

    [Fact]
    public async Task The_next_layer_given_while_a_montage_is_on_its_way_is_drawn_when_the_browser_answers()
    {
        // A follower's page: the room's next layer comes while the browser is still drawing this one.
        var answer = ModuleOf<FeatureMapsPanel>().Setup<string>("showMontage", _ => true);
        var cut = await RenderPanel(image);
        await cut.WaitForAssertionAsync(() => Assert.Single(Shows));
        Selection.SelectLayer(AlexNetLayers.Get("relu1"));
        var next = (await Montage(image))!;
        cut.Render(p => Parameters(p, image, next));
        answer.SetResult("ok"); // the first drawing is done; the next layer's follows
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, Shows.Count));
        Assert.Equal(next.Key, Payload(Shows[1])["key"]);
    }

    [Fact]
    public async Task Without_an_image_it_invites_one_and_draws_nothing()
    {
        var cut = await RenderPanel(null);
        Assert.Contains("Pick a sample or drop a photo", cut.Markup);
        Assert.DoesNotContain("showMontage", JsCalls);
    }

    [Fact]
    public async Task The_montage_goes_to_the_browser_once_per_layer_and_scale_with_its_palettes()
    {
        var cut = await RenderPanel(image);
        await cut.WaitForAssertionAsync(() => Assert.Contains("showMontage", JsCalls));
        Assert.Contains("64 maps of 55 × 55", cut.Markup);

        // The PNG and the PLTE chunks that recolour it (palette and CRC, made here) go with the first show.
        var payload = Payload(Shows[0]);
        var png = (byte[])payload["png"]!;
        var palettes = (IReadOnlyDictionary<string, byte[]>)payload["palettes"]!;
        Assert.Equal(["diverging|dark", "diverging|light", "grey|dark", "grey|light", "viridis|dark", "viridis|light"], palettes.Keys.Order());
        Assert.Equal(png.AsSpan(33, 12 + 768).ToArray(), palettes["viridis|light"]); // drawn in viridis on white gaps
        Assert.Equal(IndexedPng.WithPalette(png, IndexedPng.MontagePalette(Colormap.Grey, (int)payload["topLevel"]!, (30, 30, 36))).AsSpan(33, 780).ToArray(),
            palettes["grey|dark"]);

        // A colour change is the browser's business: no new montage is sent.
        Selection.SetColormap(Colormap.Grey);
        await Rerender(cut, image);
        await cut.WaitForAssertionAsync(() => Assert.Contains("setAppearance", JsCalls));
        Assert.Single(Shows);

        Selection.SetScale(ScaleMode.PerLayer);
        await Rerender(cut, image);
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, Shows.Count));
    }

    [Fact]
    public async Task The_toggles_ask_for_scale_and_colormap()
    {
        var cut = await RenderPanel(image);
        cut.Find("[data-testid=scale-global] ").Click();
        cut.Find("[data-testid=colormap-grey]").Click();
        Assert.Equal(["scale Global", "colormap Grey"], calls);
    }

    [Fact]
    public async Task A_minus_B_offers_no_colormap_choice_and_A_offers_it_again()
    {
        var cut = await RenderPanel(image);
        Assert.Single(cut.FindAll("[data-testid=colormap]"));
        cut.Render(p => p.Add(x => x.Colormap, Colormap.Diverging)); // what the page gives while A − B is drawn
        Assert.Empty(cut.FindAll("[data-testid=colormap]"));
        cut.Render(p => p.Add(x => x.Colormap, Colormap.Grey));
        Assert.Single(cut.FindAll("[data-testid=colormap]"));
    }

    [Fact]
    public async Task The_legend_range_goes_to_the_browser_for_layer_scaling()
    {
        Selection.SetScale(ScaleMode.PerLayer);
        Selection.SelectLayer(AlexNetLayers.Get("pool5"));
        var cut = await RenderPanel(image);
        await cut.WaitForAssertionAsync(() => Assert.Single(Shows));
        // pool5 in the hand-made image runs from 0 (channel 0, cell 0) to 255.035 (channel 255, cell 35).
        var payload = Payload(Shows[0]);
        Assert.Equal(0f, payload["low"]);
        Assert.Equal(255.035f, payload["high"]);
        Assert.Equal("PerLayer", payload["scale"]);
    }

    [Fact]
    public async Task While_the_montage_is_being_drawn_nothing_is_sent()
    {
        var cut = await RenderPanel(image, drawn: false);
        Assert.Empty(cut.Find("[data-testid=legend]").TextContent);
        Assert.DoesNotContain("showMontage", JsCalls);
    }

    /// <summary>The show call's payload, by property name.</summary>
    static Dictionary<string, object?> Payload(JSRuntimeInvocation call) =>
        call.Arguments[3]!.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(call.Arguments[3])); // after the plot, legend and live line
}
