using AlexVis.Model.Imaging;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ComparePanelTests : ComponentTest
{
    readonly List<CompareView?> views = [];
    readonly List<string> samples = [];

    IRenderedComponent<ComparePanel> RenderPanel(CompareView? view, TracedImage? second) => Render<ComparePanel>(p => p
        .Add(x => x.View, view)
        .Add(x => x.ViewChanged, (CompareView? v) => views.Add(v))
        .Add(x => x.First, HandMade.Image())
        .Add(x => x.Second, second)
        .Add(x => x.Samples, Services.GetRequiredService<SampleLibrary>().All)
        .Add(x => x.Limits, new ImageLimits())
        .Add(x => x.UploadToken, "token-b")
        .Add(x => x.SampleChosen, (string s) => samples.Add(s)));

    [Fact]
    public void Closed_it_offers_to_compare_and_opening_starts_on_the_difference()
    {
        var cut = RenderPanel(null, null);
        Assert.Empty(cut.FindAll("[data-testid=compare-view]"));
        cut.Find("[data-testid=compare-open]").Click();
        Assert.Equal([CompareView.Difference], views);
    }

    [Fact]
    public async Task Open_without_a_second_photo_it_asks_for_one_in_slot_b_with_its_own_upload_token()
    {
        var cut = RenderPanel(CompareView.Difference, null);
        Assert.Contains("Pick a sample or drop a photo as B", cut.Find("[data-testid=compare-hint]").TextContent);
        cut.Find("[data-testid=b-sample-coffee]").Click();
        Assert.Equal(["coffee"], samples);
        Assert.Empty(cut.FindAll("[data-testid=sample-coffee]")); // slot B's ids are its own: the main panel's stay unique
        await cut.WaitForAssertionAsync(() => Assert.Contains("attachUpload", JsCalls));
        Assert.Equal("token-b", ModuleOf<ImagePanel>().Invocations["attachUpload"].Single().Arguments[2]);
    }

    [Fact]
    public void With_two_photos_it_switches_between_a_b_and_a_minus_b_and_closes()
    {
        var cut = RenderPanel(CompareView.Difference, HandMade.Image("coffee.png", "coffee", 2));
        Assert.Contains("A − B: chelsea.png minus coffee.png", cut.Find("[data-testid=compare-hint]").TextContent);
        cut.Find("[data-testid=compare-b]").Click();
        cut.Find("[data-testid=compare-close]").Click();
        Assert.Equal([CompareView.B, null], views);
    }
}
