using AlexVis.Web.Components.Layout;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Layout;

public class LayoutTests : ComponentTest
{
    [Fact]
    public void The_theme_button_switches_to_dark_and_back_without_touching_the_selection()
    {
        var cut = Render<MainLayout>();
        var before = Selection.Current;
        cut.Find("[data-testid=theme-toggle]").Click();
        Assert.True(Theme.Dark);
        cut.Find("[data-testid=theme-toggle]").Click();
        Assert.False(Theme.Dark);
        Assert.Same(before, Selection.Current);
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
        var cut = Render<WeightsChip>(p => p.Add(x => x.Status, new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Untrained)));
        Assert.Contains("untrained weights", cut.Find("[data-testid=weights-chip]").TextContent);
        cut.Render(p => p.Add(x => x.Status, new ModelStatus(ModelStage.Ready, "ready", null, HandMade.Pretrained)));
        Assert.Contains("pretrained weights", cut.Find("[data-testid=weights-chip]").TextContent);
        cut.Render(p => p.Add(x => x.Status, new ModelStatus(ModelStage.Downloading, "…")));
        Assert.Contains("downloading…", cut.Find("[data-testid=weights-chip]").TextContent);
    }

    [Fact]
    public async Task The_layout_shows_the_real_models_weights_once_it_has_loaded()
    {
        var cut = Render<MainLayout>();
        Assert.Contains("starting…", cut.Find("[data-testid=weights-chip]").TextContent);
        await StartModelAsync();
        await cut.WaitForAssertionAsync(() => Assert.Contains("untrained weights", cut.Find("[data-testid=weights-chip]").TextContent));
    }

    [Fact]
    public void The_language_switch_goes_back_to_the_address_the_page_means_even_before_the_address_bar_shows_it()
    {
        var nav = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/?sample=chelsea&layer=conv1");
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Render<LanguageSwitch>();
        Services.GetRequiredService<AddressState>().Intend(nav.ToAbsoluteUri("/?sample=chelsea&layer=pool2").ToString());
        cut.Find("[data-testid=language-switch]").Click();
        var reload = nav.ToBaseRelativePath(nav.Uri); // culture/<the other language>?back=…
        Assert.StartsWith("culture/", reload);
        Assert.EndsWith("?back=" + Uri.EscapeDataString("/?sample=chelsea&layer=pool2"), reload);
    }
}
