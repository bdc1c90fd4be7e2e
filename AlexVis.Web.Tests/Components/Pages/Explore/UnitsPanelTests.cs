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
        Session.ShowImage();
        Session.Layer = AlexNetLayers.Get(layer);
        var cut = Render<UnitsPanel>();
        Assert.Contains(title, cut.Markup);
        Assert.Contains("min 0", cut.Find("[data-testid=units-stats]").TextContent);
        cut.WaitForAssertion(() => Assert.Contains("showUnits", JsCalls));
    }
}
