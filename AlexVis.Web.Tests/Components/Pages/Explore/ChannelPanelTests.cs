using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ChannelPanelTests : ComponentTest
{
    [Fact]
    public void Without_a_channel_it_explains_how_to_open_one()
    {
        Session.ShowImage();
        var cut = Render<ChannelPanel>();
        Assert.Contains("Click a map", cut.Find("[data-testid=channel-hint]").TextContent);
        Assert.DoesNotContain("showChannel", JsCalls);
    }

    [Fact]
    public void A_channel_shows_its_statistics_and_goes_to_the_browser()
    {
        Session.ShowImage();
        Session.Layer = AlexNetLayers.Get("pool1");
        Session.Channel = 3;
        var cut = Render<ChannelPanel>();
        Assert.Equal("pool1 · channel 3 of 64", cut.Find("[data-testid=channel-title]").TextContent.Trim());
        // Channel 3 of the fake pool1 holds 3 + i/1000 for i = 0 … 728 (27 × 27 cells).
        var stats = cut.Find("[data-testid=channel-stats]").TextContent;
        Assert.Contains("min 3", stats);
        Assert.Contains("max 3.728", stats);
        Assert.Contains("mean 3.364", stats);
        Assert.Contains("zeros 0.0 %", stats);
        cut.WaitForAssertion(() => Assert.Contains("showChannel", JsCalls));
    }

    [Fact]
    public void Arrows_and_close_change_the_selection()
    {
        Session.ShowImage();
        Session.Channel = 0;
        var cut = Render<ChannelPanel>();
        Assert.True(cut.Find("button[aria-label='Previous channel']").HasAttribute("disabled"));
        cut.Find("button[aria-label='Next channel']").Click();
        cut.Find("button[aria-label='Close channel']").Click();
        Assert.Equal(["channel 1", "channel none"], Session.Calls);
    }
}
