using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class UnitsPanelTests : ComponentTest
{
    [Theory]
    [InlineData("fc6", "4096 units", false)]
    [InlineData("fc8", "1000 class scores (logits)", true)]
    public async Task Fully_connected_layers_go_to_the_browser_with_their_statistics(string layer, string title, bool labelled)
    {
        var trace = HandMade.Trace();
        var at = AlexNetLayers.Get(layer);
        var cut = Render<UnitsPanel>(p => p.Add(x => x.Layer, at).Add(x => x.Values, trace[at].Data).Add(x => x.ImageVersion, 1L));
        Assert.Contains(title, cut.Markup);
        await cut.WaitForAssertionAsync(() => Assert.Contains("showUnits", JsCalls));
        var payload = ModuleOf<UnitsPanel>().Invocations["showUnits"].Single().Arguments[2]!;
        object? Get(object o, string name) => o.GetType().GetProperty(name)!.GetValue(o);
        // Unit i of the hand-made fc layers holds i (one 1 × 1 map per unit).
        Assert.Equal(labelled, Get(payload, "labelled"));
        var stats = Get(payload, "stats")!;
        Assert.Equal(0f, Get(stats, "min"));
        Assert.Equal((float)(at.Channels - 1), Get(stats, "max"));
        Assert.Equal(1.0 / at.Channels, Get(stats, "zeroFraction"));
    }

    [Fact]
    public void Before_an_image_nothing_is_sent()
    {
        var cut = Render<UnitsPanel>(p => p.Add(x => x.Layer, AlexNetLayers.Get("fc7")));
        Assert.Empty(cut.Find("[data-testid=units-stats]").TextContent);
        Assert.DoesNotContain("showUnits", JsCalls);
    }
}
