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
    public void The_status_follows_the_model_as_it_loads()
    {
        var status = new ModelStatus(ModelStage.Loading, "Loading weights from /x.pth…");
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        Assert.Contains("Loading weights", cut.Markup);
        cut.Render(p => p.Add(x => x.Status, new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Pretrained)));
        cut.WaitForAssertion(() => Assert.Contains("Pretrained ImageNet weights (torch hub cache)", cut.Find("[data-testid=weights-banner]").TextContent));
        Assert.Contains(HandMade.Pretrained.Path!, cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=model-status]"));
    }

    [Fact]
    public void Untrained_weights_come_with_how_to_get_pretrained_ones()
    {
        var status = new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Untrained);
        var cut = Render<ModelStatusBar>(p => p.Add(x => x.Status, status));
        var banner = cut.Find("[data-testid=weights-banner]").TextContent;
        Assert.Contains("Untrained network.", banner);
        Assert.Contains("alexnet-owt-7be5be79.pth", banner);
        Assert.Contains("~/.cache/torch/hub/checkpoints/", banner);
        Assert.Contains("no weights file was found", banner);
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
