using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ChannelPanelTests : ComponentTest
{
    readonly TracedImage image = HandMade.Image();
    readonly List<string> calls = [];

    /// <summary>The panel as the page renders it from the image and the selection.</summary>
    IRenderedComponent<ChannelPanel> RenderPanel()
    {
        var s = Selection.Current;
        return Render<ChannelPanel>(p => p
            .Add(x => x.Layer, s.Layer)
            .Add(x => x.Channel, s.Channel)
            .Add(x => x.ChannelChanged, (int? c) => calls.Add($"channel {c?.ToString() ?? "none"}"))
            .Add(x => x.ImageVersion, image.Version)
            .Add(x => x.Values, s.Channel is int c ? image.ChannelValues(s.Layer, c) : null)
            .Add(x => x.Stats, s.Channel is int k ? image.Stats(s.Layer, k) : null));
    }

    [Fact]
    public void Without_a_channel_it_explains_how_to_open_one()
    {
        var cut = RenderPanel();
        Assert.Contains("Click a map", cut.Find("[data-testid=channel-hint]").TextContent);
        Assert.DoesNotContain("showChannel", JsCalls);
    }

    [Fact]
    public void A_channel_goes_to_the_browser_with_its_values_and_statistics()
    {
        Selection.SelectLayer(AlexNetLayers.Get("pool1"));
        Selection.SelectChannel(3);
        var cut = RenderPanel();
        Assert.Equal("pool1 · channel 3 of 64", cut.Find("[data-testid=channel-title]").TextContent.Trim());
        cut.WaitForAssertion(() => Assert.Contains("showChannel", JsCalls));
        var call = ModuleOf<ChannelPanel>().Invocations["showChannel"].Single();
        var payload = call.Arguments[3]!;
        object? Get(object o, string name) => o.GetType().GetProperty(name)!.GetValue(o);
        // Channel 3 of the hand-made pool1 holds 3 + i/1000 for i = 0 … 728 (27 × 27 cells).
        var values = (byte[])Get(payload, "values")!;
        Assert.Equal(27 * 27 * 4, values.Length);
        Assert.Equal(3.728f, BitConverter.ToSingle(values, 728 * 4));
        var stats = Get(payload, "stats")!;
        Assert.Equal(3f, Get(stats, "min"));
        Assert.Equal(3.728f, Get(stats, "max"));
        Assert.Equal(3.364, (double)Get(stats, "mean")!, 3);
        Assert.Equal(0.0, Get(stats, "zeroFraction"));
    }

    [Fact]
    public void Arrows_and_close_change_the_selection()
    {
        Selection.SelectChannel(0);
        var cut = RenderPanel();
        Assert.True(cut.Find("button[aria-label='Previous channel']").HasAttribute("disabled"));
        cut.Find("button[aria-label='Next channel']").Click();
        cut.Find("button[aria-label='Close channel']").Click();
        Assert.Equal(["channel 1", "channel none"], calls);
    }
}
