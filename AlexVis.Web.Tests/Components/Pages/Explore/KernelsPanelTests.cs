using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

/// <summary>The kernels panel over the real (untrained) network's weights, drawn by the real figures.</summary>
public class KernelsPanelTests : ComponentTest
{
    readonly List<string> asked = [];

    IRenderedComponent<KernelsPanel> RenderPanel(string layer, int? channel = null, bool ready = true) => Render<KernelsPanel>(p => p
        .Add(x => x.Layer, AlexNetLayers.Get(layer))
        .Add(x => x.Channel, channel)
        .Add(x => x.ModelReady, ready)
        .Add(x => x.Pages, (LayerInfo l, int page, bool channels) =>
        {
            asked.Add($"{l.Alias} {page}{(channels ? " channels" : "")}");
            return ready ? Figures.Kernels(l, page, channels) : null;
        }));

    [Fact]
    public async Task Conv1_filters_come_on_one_page_in_colour_once_the_panel_is_in_view()
    {
        await StartModelAsync();
        var cut = RenderPanel("conv1");
        Assert.Contains("Kernels of conv1", cut.Find("[data-testid=kernels-title]").TextContent);
        Assert.Contains("64 filters of 3 × 11 × 11", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=kernel-pages]"));
        Assert.Contains("av-kernels-colour", cut.Find("[data-testid=kernels]").ClassName);
        Assert.Contains("whenVisible", JsCalls);
        Assert.DoesNotContain("showKernels", JsCalls); // below the fold: nothing sent yet
        Assert.NotEmpty(cut.FindAll("[data-testid=kernels-waiting]"));

        await cut.InvokeAsync(cut.Instance.ShowAsync);
        await cut.WaitForAssertionAsync(() => Assert.Contains("showKernels", JsCalls));
        Assert.Empty(cut.FindAll("[data-testid=kernels-waiting]"));
    }

    [Fact]
    public async Task Conv1_filters_can_be_seen_as_their_three_channels_in_grey()
    {
        await StartModelAsync();
        var cut = RenderPanel("conv1");
        await cut.InvokeAsync(cut.Instance.ShowAsync);
        cut.Find("[data-testid=kernels-channels]").Click();
        Assert.Contains("conv1 0 channels", asked);
        await cut.WaitForAssertionAsync(() => Assert.Contains("av-kernels", cut.Find("[data-testid=kernels]").ClassName));
        Assert.DoesNotContain("av-kernels-colour", cut.Find("[data-testid=kernels]").ClassName);
        Assert.Contains("(red, green, blue)", cut.Markup);
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, JsCalls.Count(c => c == "showKernels")));
    }

    [Fact]
    public async Task Deeper_layers_are_paged_and_a_page_change_asks_for_that_page()
    {
        await StartModelAsync();
        var cut = RenderPanel("conv2");
        Assert.Empty(cut.FindAll("[data-testid=kernel-view]")); // only conv1 has colour filters
        Assert.Contains("Kernels of conv2", cut.Find("[data-testid=kernels-title]").TextContent);
        var pages = cut.FindAll("[data-testid=kernel-pages] button");
        Assert.Contains(pages, b => b.TextContent.Trim() == "12"); // 192 filters, 16 a page
        pages.First(b => b.TextContent.Trim() == "3").Click();
        Assert.Contains("conv2 2", asked);
    }

    [Fact]
    public async Task A_layer_opens_on_the_page_of_the_selected_channel()
    {
        await StartModelAsync();
        RenderPanel("conv3", channel: 40); // filter 40 is on page 3 of 16 a page
        Assert.Equal("conv3 2", asked.Last());
    }

    [Fact]
    public void While_the_model_loads_it_says_so()
    {
        var cut = RenderPanel("conv1", ready: false);
        Assert.Contains("appear once the network has loaded", cut.Markup);
    }
}
