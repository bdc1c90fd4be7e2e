using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ModelStatusBarTests : ComponentTest
{
    [Fact]
    public void A_download_shows_megabytes_and_percent()
    {
        var status = new ModelStatus(ModelStage.Downloading, "Downloading alexnet-owt-7be5be79.pth…",
            new DownloadProgress(12_582_912, 244_408_911));
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        var text = cut.Find("[data-testid=model-status]").TextContent;
        Assert.Contains("Downloading alexnet-owt-7be5be79.pth…", text);
        Assert.Contains("12.0 MB of 233.1 MB (5 %)", text);
    }

    [Fact]
    public async Task The_status_follows_the_model_as_it_loads()
    {
        var status = new ModelStatus(ModelStage.Loading, "Loading weights from /x.pth…");
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        Assert.Contains("Loading weights", cut.Markup);
        cut.Render(p => p.Add(x => x.Status, new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Pretrained)));
        await cut.WaitForAssertionAsync(() => Assert.Contains("Pretrained ImageNet weights (torch hub cache)", cut.Find("[data-testid=weights-banner]").TextContent));
        Assert.DoesNotContain(Path.GetDirectoryName(HandMade.Pretrained.Path!)!, cut.Markup); // no folder of the server's disk
        Assert.Empty(cut.FindAll("[data-testid=model-status]"));
    }

    [Fact]
    public void Untrained_weights_are_said_once_briefly_without_the_servers_paths_and_can_be_closed()
    {
        var status = new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Untrained);
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        var banner = cut.Find("[data-testid=weights-banner]").TextContent;
        Assert.Contains("Untrained network:", banner);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(banner, "ntrained"));
        Assert.DoesNotContain("/", banner);
        Assert.DoesNotContain(HandMade.Untrained.Reason!, cut.Markup);
        Assert.True(banner.Trim().Length < 160, banner);
        cut.Find("[data-testid=weights-banner] button").Click();
        Assert.Empty(cut.FindAll("[data-testid=weights-banner]"));
    }

    [Fact]
    public void A_failed_start_is_an_error()
    {
        var status = new ModelStatus(ModelStage.Failed, "The network could not be started: libtorch missing");
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        Assert.Contains("mud-alert-text-error", cut.Markup.Replace("mud-alert-filled-error", "mud-alert-text-error"));
        Assert.Contains("libtorch missing", cut.Markup);
    }
}
