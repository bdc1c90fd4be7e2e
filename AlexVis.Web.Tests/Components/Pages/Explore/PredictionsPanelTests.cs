using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class PredictionsPanelTests : ComponentTest
{
    [Fact]
    public void The_top5_are_listed_with_class_names_and_probabilities()
    {
        var cut = Render<PredictionsPanel>(p => p.Add(x => x.Trace, HandMade.Trace()));
        var items = cut.FindAll("[data-testid=prediction]");
        Assert.Equal(["281", "285", "282", "287", "292"], items.Select(i => i.GetAttribute("data-class")));
        Assert.Contains("tabby", items[0].TextContent);
        Assert.Contains("53.12 %", items[0].TextContent);
        Assert.Contains("Egyptian cat", items[1].TextContent);
        Assert.Contains("this ranking is noise", cut.Markup); // the fake trace is untrained
    }

    [Fact]
    public void Without_an_image_there_is_nothing_to_rank() =>
        Assert.Contains("five best guesses appear here", Render<PredictionsPanel>(p => p.Add(x => x.Trace, null)).Markup);

    [Fact]
    public void With_filters_switched_off_each_prediction_says_what_it_was_and_the_change()
    {
        var after = HandMade.Trace();
        var probabilities = (float[])after.Probabilities.Clone();
        probabilities[281] = 0.6f; // tabby was 60 %, is 53.12 % now
        var before = after with { Probabilities = probabilities };
        var cut = Render<PredictionsPanel>(p => p.Add(x => x.Trace, after).Add(x => x.Before, before));
        var changes = cut.FindAll("[data-testid=prediction-change]");
        Assert.Equal(5, changes.Count);
        Assert.Contains("was 60.00 %", changes[0].TextContent);
        Assert.Contains("−6.88 %", changes[0].TextContent);
        Assert.Contains("with filters switched off", cut.Markup);
        Assert.Empty(Render<PredictionsPanel>(p => p.Add(x => x.Trace, after)).FindAll("[data-testid=prediction-change]"));
    }
}
