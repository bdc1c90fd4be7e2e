using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class UnitsPanelTests : ComponentTest
{
    [Theory]
    [InlineData("fc6", "4096 units")]
    [InlineData("fc8", "1000 class scores (logits)")]
    public void Fully_connected_layers_are_bars_with_their_statistics(string layer, string title)
    {
        var trace = FakeSession.MakeTrace();
        var at = AlexNetLayers.Get(layer);
        var cut = Render<UnitsPanel>(p => p.Add(x => x.Layer, at).Add(x => x.Values, trace[at].Data).Add(x => x.ImageVersion, 1L));
        Assert.Contains(title, cut.Markup);
        Assert.Contains("min 0", cut.Find("[data-testid=units-stats]").TextContent);
        cut.WaitForAssertion(() => Assert.Contains("showUnits", JsCalls));
    }

    [Fact]
    public void Before_an_image_there_are_no_bars_and_no_statistics()
    {
        var cut = Render<UnitsPanel>(p => p.Add(x => x.Layer, AlexNetLayers.Get("fc7")));
        Assert.Empty(cut.FindAll("[data-testid=units-stats]"));
        Assert.DoesNotContain("showUnits", JsCalls);
    }
}
