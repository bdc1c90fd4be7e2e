using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class LayerSliderTests : ComponentTest
{
    readonly List<string> calls = [];

    /// <summary>The slider as the page renders it: the selection's layer in, the selection's SelectLayer out.</summary>
    IRenderedComponent<LayerSlider> RenderSlider() => Render<LayerSlider>(p => p
        .Add(x => x.Layer, Selection.Current.Layer)
        .Add(x => x.LayerChanged, (LayerInfo layer) =>
        {
            calls.Add($"layer {layer.Alias}");
            Selection.SelectLayer(layer);
        }));

    [Fact]
    public void The_label_carries_torchvision_name_alias_and_shape_and_the_note()
    {
        var cut = RenderSlider();
        Assert.Equal("features.0 · conv1 · 64×55×55", cut.Find("[data-testid=layer-label]").TextContent);
        Assert.Equal(AlexNetLayers.Get("conv1").Note, cut.Find("[data-testid=layer-note]").TextContent);
        Assert.True(cut.Find("[data-testid=layer-prev]").HasAttribute("disabled"));
    }

    [Fact]
    public void Next_and_previous_step_through_the_visible_layers()
    {
        var cut = RenderSlider();
        void Follow() => cut.Render(p => p.Add(x => x.Layer, Selection.Current.Layer)); // as the page does on each change
        cut.Find("[data-testid=layer-next]").Click();
        Follow();
        cut.Find("[data-testid=layer-next]").Click();
        Follow();
        cut.Find("[data-testid=layer-prev]").Click();
        Follow();
        Assert.Equal(["layer relu1", "layer pool1", "layer relu1"], calls);
        Assert.Equal("features.1 · relu1 · 64×55×55", cut.Find("[data-testid=layer-label]").TextContent);
    }

    [Fact]
    public void The_slider_moves_to_any_layer()
    {
        var cut = RenderSlider();
        var input = cut.Find("input[data-testid=layer-slider]");
        Assert.Equal("18", input.GetAttribute("max"));
        input.Input("17"); // relu7: dropouts are not stops
        Assert.Equal("layer relu7", calls.Single());
    }

    [Fact]
    public void Every_visible_layer_has_a_chip_and_the_current_one_stands_out()
    {
        Selection.SelectLayer(AlexNetLayers.Get("pool5"));
        var cut = RenderSlider();
        var chips = cut.FindAll(".av-layer-chip");
        Assert.Equal(AlexNetLayers.Visible.Select(l => l.Alias), chips.Select(c => c.TextContent));
        Assert.Equal("pool5", cut.Find(".av-layer-chip-current").TextContent);
        chips.Single(c => c.TextContent == "fc6").Click();
        Assert.Equal("layer fc6", calls.Single());
    }
}
