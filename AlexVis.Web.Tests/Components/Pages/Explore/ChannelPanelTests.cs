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
    public async Task A_channel_goes_to_the_browser_with_its_values_and_statistics()
    {
        Selection.SelectLayer(AlexNetLayers.Get("pool1"));
        Selection.SelectChannel(3);
        var cut = RenderPanel();
        Assert.Equal("pool1 · channel 3 of 64", cut.Find("[data-testid=channel-title]").TextContent.Trim());
        await cut.WaitForAssertionAsync(() => Assert.Contains("showChannel", JsCalls));
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

    [Fact]
    public void The_switch_off_button_asks_for_the_open_channel_and_says_when_it_is_off()
    {
        Selection.SelectLayer(AlexNetLayers.Get("pool1"));
        Selection.SelectChannel(3);
        var asked = new List<int>();
        IRenderedComponent<ChannelPanel> Panel(bool off) => Render<ChannelPanel>(p => p
            .Add(x => x.Layer, Selection.Current.Layer).Add(x => x.Channel, 3).Add(x => x.ImageVersion, image.Version)
            .Add(x => x.Values, image.ChannelValues(Selection.Current.Layer, 3)).Add(x => x.Stats, image.Stats(Selection.Current.Layer, 3))
            .Add(x => x.CanSwitchOff, true).Add(x => x.Off, off).Add(x => x.OffToggled, (int c) => asked.Add(c)));
        var on = Panel(false);
        var button = on.Find("[data-testid=switch-off]");
        Assert.Equal("false", button.GetAttribute("aria-pressed"));
        Assert.Contains("as if conv1 had no channel 3", button.GetAttribute("title")); // pool1's maps come from conv1's filters
        button.Click();
        Assert.Equal([3], asked);
        var off = Panel(true);
        Assert.Equal("true", off.Find("[data-testid=switch-off]").GetAttribute("aria-pressed"));
        Assert.Contains("Switched off", off.Find("[data-testid=switch-off]").TextContent);
    }

    [Fact]
    public async Task A_worked_conv1_sum_shows_the_patch_and_filter_and_goes_to_the_browser_to_be_written()
    {
        var conv1 = AlexNetLayers.Get("conv1");
        var kernels = new AlexVis.Model.Inference.ConvKernels(conv1, 1, 3, 11, 11, Enumerable.Range(0, 363).Select(i => i / 363f).ToArray(), [0.5f]);
        var sum = new AlexVis.Model.Inference.Conv1Sum(0, 2, 3, 6, 10, new float[363], kernels.Filter(0).ToArray(), 0.5f, 1.25, 1.75f);
        var cut = Render<ChannelPanel>(p => p
            .Add(x => x.Layer, conv1).Add(x => x.Channel, 0).Add(x => x.ImageVersion, image.Version)
            .Add(x => x.Values, new float[55 * 55]).Add(x => x.Stats, new AlexVis.Model.Inference.ChannelStats(0, 0, 0, 1))
            .Add(x => x.Sum, sum).Add(x => x.Crop, image.Trace.Input).Add(x => x.Kernels, kernels));
        Assert.False(cut.Find("[data-testid=cell-arithmetic]").HasAttribute("hidden"));
        Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=sum-patch]").GetAttribute("src"));
        Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=sum-filter]").GetAttribute("src"));
        await cut.WaitForAssertionAsync(() => Assert.Contains("explainCell", JsCalls));
        var info = ModuleOf<ChannelPanel>().Invocations["explainCell"].Last().Arguments[1]!;
        object? Get(string name) => info.GetType().GetProperty(name)!.GetValue(info);
        Assert.Equal(("sum", 363, 1.25, 0.5f, 1.75f), ((string)Get("kind")!, (int)Get("terms")!, (double)Get("sum")!, (float)Get("bias")!, (float)Get("value")!));
    }
}
