using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class SwitchedOffBarTests : ComponentTest
{
    [Fact]
    public void Nothing_is_shown_while_every_filter_is_on() =>
        Assert.Empty(Render<SwitchedOffBar>(p => p.Add(x => x.Off, Ablation.None)).FindAll("[data-testid=switched-off]"));

    [Fact]
    public void Each_switched_off_filter_is_a_chip_that_turns_it_back_on_and_restore_all_turns_on_every_one()
    {
        var turnedOn = new List<string>();
        int restored = 0;
        var cut = Render<SwitchedOffBar>(p => p
            .Add(x => x.Off, Ablation.Parse("conv3:5,17;conv1:2"))
            .Add(x => x.TurnOn, ((LayerInfo Layer, int Channel) off) => turnedOn.Add($"{off.Layer.Alias}:{off.Channel}"))
            .Add(x => x.RestoreAll, () => restored++));
        Assert.Contains("3 filters switched off: every layer after conv1", cut.Markup);
        var chips = cut.FindAll("[data-testid=off-chip]");
        Assert.Equal(["conv1:2", "conv3:5", "conv3:17"], chips.Select(c => $"{c.GetAttribute("data-layer")}:{c.GetAttribute("data-channel")}"));
        cut.FindAll("[data-testid=off-chip] button")[1].Click();
        Assert.Equal(["conv3:5"], turnedOn);
        cut.Find("[data-testid=restore-all]").Click();
        Assert.Equal(1, restored);
    }
}
