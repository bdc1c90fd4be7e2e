using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ChannelPanelTests : ComponentTest
{
    /// <summary>The panel as the page renders it from the fake session's image and selection.</summary>
    IRenderedComponent<ChannelPanel> RenderPanel() => Render<ChannelPanel>(p => p
        .Add(x => x.Layer, Session.Layer)
        .Add(x => x.Channel, Session.Channel)
        .Add(x => x.ChannelChanged, (int? c) => Session.SelectChannel(c))
        .Add(x => x.ImageVersion, Session.Image?.Version)
        .Add(x => x.Values, Session.Channel is int c && Session.Image is { } image ? Session.ChannelValues(Session.Layer, c, image.Version) : null)
        .Add(x => x.Stats, Session.Channel is int s ? Session.Stats(Session.Layer, s) : null));

    [Fact]
    public void Without_a_channel_it_explains_how_to_open_one()
    {
        Session.ShowImage();
        var cut = RenderPanel();
        Assert.Contains("Click a map", cut.Find("[data-testid=channel-hint]").TextContent);
        Assert.DoesNotContain("showChannel", JsCalls);
    }

    [Fact]
    public void A_channel_shows_its_statistics_and_goes_to_the_browser()
    {
        Session.ShowImage();
        Session.Layer = AlexNetLayers.Get("pool1");
        Session.Channel = 3;
        var cut = RenderPanel();
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
        var cut = RenderPanel();
        Assert.True(cut.Find("button[aria-label='Previous channel']").HasAttribute("disabled"));
        cut.Find("button[aria-label='Next channel']").Click();
        cut.Find("button[aria-label='Close channel']").Click();
        Assert.Equal(["channel 1", "channel none"], Session.Calls);
    }
}
