using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class KernelsPanelTests : ComponentTest
{
    [Fact]
    public void Conv1_filters_come_on_one_page_in_colour_once_the_panel_is_in_view()
    {
        var cut = Render<KernelsPanel>();
        Assert.Contains("Kernels of conv1", cut.Find("[data-testid=kernels-title]").TextContent);
        Assert.Contains("64 filters of 3 × 3 × 3", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=kernel-pages]"));
        Assert.Contains("av-kernels-colour", cut.Find("[data-testid=kernels]").ClassName);
        Assert.Contains("whenVisible", JsCalls);
        Assert.DoesNotContain("showKernels", JsCalls); // below the fold: nothing sent yet
        Assert.NotEmpty(cut.FindAll("[data-testid=kernels-waiting]"));

        cut.InvokeAsync(cut.Instance.ShowAsync);
        cut.WaitForAssertion(() => Assert.Contains("showKernels", JsCalls));
        Assert.Empty(cut.FindAll("[data-testid=kernels-waiting]"));
    }

    [Fact]
    public void Conv1_filters_can_be_seen_as_their_three_channels_in_grey()
    {
        var cut = Render<KernelsPanel>();
        cut.InvokeAsync(cut.Instance.ShowAsync);
        cut.Find("[data-testid=kernels-channels]").Click();
        Assert.Contains("kernels conv1 0 channels", Session.Calls);
        cut.WaitForAssertion(() => Assert.Contains("av-kernels", cut.Find("[data-testid=kernels]").ClassName));
        Assert.DoesNotContain("av-kernels-colour", cut.Find("[data-testid=kernels]").ClassName);
        Assert.Contains("(red, green, blue)", cut.Markup);
        cut.WaitForAssertion(() => Assert.Equal(2, JsCalls.Count(c => c == "showKernels")));
    }

    [Fact]
    public void Deeper_layers_are_paged_and_a_page_change_asks_for_that_page()
    {
        Session.Layer = AlexNetLayers.Get("relu2"); // relu2's channels come from conv2's filters
        var cut = Render<KernelsPanel>();
        Assert.Empty(cut.FindAll("[data-testid=kernel-view]")); // only conv1 has colour filters
        Assert.Contains("Kernels of conv2", cut.Find("[data-testid=kernels-title]").TextContent);
        var pages = cut.FindAll("[data-testid=kernel-pages] button");
        Assert.Contains(pages, b => b.TextContent.Trim() == "12");
        pages.First(b => b.TextContent.Trim() == "3").Click();
        Assert.Contains("kernels conv2 2", Session.Calls);
    }

    [Fact]
    public void The_page_follows_the_selected_channel_when_the_layer_changes()
    {
        Session.Channel = 40; // filter 40 is on page 3 of 16 per page
        Session.Layer = AlexNetLayers.Get("conv3");
        var cut = Render<KernelsPanel>();
        Assert.Contains("kernels conv3 2", Session.Calls);
    }

    [Fact]
    public void While_the_model_loads_it_says_so()
    {
        Session.ModelStatus = new ModelStatus(ModelStage.Loading, "Loading…");
        var cut = Render<KernelsPanel>();
        Assert.Contains("appear once the network has loaded", cut.Markup);
    }
}
