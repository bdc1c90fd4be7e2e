using AlexVis.Web.Components.Layout;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Layout;

public class LayoutTests : ComponentTest
{
    [Fact]
    public void The_theme_button_switches_to_dark_and_back_without_touching_the_session()
    {
        var cut = Render<MainLayout>();
        cut.Find("[data-testid=theme-toggle]").Click();
        Assert.True(Theme.Dark);
        cut.Find("[data-testid=theme-toggle]").Click();
        Assert.False(Theme.Dark);
        Assert.Empty(Session.Calls);
    }

    [Fact]
    public void The_layout_attaches_the_circuits_dispatcher()
    {
        Render<MainLayout>();
        Assert.True(Services.GetRequiredService<CircuitThread>().Attached);
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
