using AlexVis.Web.Components.Layout;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Layout;

public class LayoutTests : ComponentTest
{
    [Fact]
    public void The_theme_button_switches_to_dark_and_back()
    {
        var cut = Render<MainLayout>();
        cut.Find("[data-testid=theme-toggle]").Click();
        cut.Find("[data-testid=theme-toggle]").Click();
        Assert.Equal(["dark True", "dark False"], Session.Calls);
    }

    [Fact]
    public void The_weights_chip_says_untrained_pretrained_or_loading()
    {
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<WeightsChip>();
        Assert.Contains("untrained weights", cut.Find("[data-testid=weights-chip]").TextContent);
        Session.ModelStatus = new ModelStatus(ModelStage.Ready, "ready", null, FakeSession.Pretrained);
        Session.Raise();
        cut.WaitForAssertion(() => Assert.Contains("pretrained weights", cut.Find("[data-testid=weights-chip]").TextContent));
        Session.ModelStatus = new ModelStatus(ModelStage.Downloading, "…");
        Session.Raise();
        cut.WaitForAssertion(() => Assert.Contains("downloading…", cut.Find("[data-testid=weights-chip]").TextContent));
    }
}
