using AlexVis.Model.Explanation;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ExplainPanelTests : ComponentTest
{
    readonly TracedImage image = HandMade.Image();

    [Fact]
    public void The_method_buttons_ask_for_a_method_and_say_which_is_on()
    {
        ExplainMethod? asked = ExplainMethod.Saliency;
        var cut = Render<ExplainPanel>(p => p.Add(x => x.Image, image).Add(x => x.Method, (ExplainMethod?)null)
            .Add(x => x.MethodChanged, (ExplainMethod? m) => asked = m));
        Assert.Equal("true", cut.Find("[data-testid=why-off]").GetAttribute("aria-pressed"));
        Assert.Equal("No explanation over the photo", cut.Find("[data-testid=why-off]").GetAttribute("title"));
        Assert.StartsWith("Occlusion (Zeiler & Fergus)", cut.Find("[data-testid=why-occlusion]").GetAttribute("title"));
        Assert.Empty(cut.FindAll("[data-testid=why-overlay]"));
        cut.Find("[data-testid=why-occlusion]").Click();
        Assert.Equal(ExplainMethod.Occlusion, asked);
        cut.Find("[data-testid=why-off]").Click();
        Assert.Null(asked);
    }

    [Fact]
    public async Task A_figure_is_drawn_over_the_crop_with_its_title_and_a_link_to_save_it()
    {
        await StartModelAsync();
        var explanations = Services.GetRequiredService<Explanations>();
        var request = new ExplainRequest(ExplainMethod.Saliency, Class: 3);
        var figure = await explanations.GetAsync(image, request);
        var cut = Render<ExplainPanel>(p => p.Add(x => x.Image, image).Add(x => x.Method, ExplainMethod.Saliency).Add(x => x.Figure, figure));
        var overlay = cut.Find("[data-testid=why-overlay]");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(figure.OverlayPng), overlay.GetAttribute("src"));
        Assert.Equal("opacity: 0.60", overlay.GetAttribute("style"));
        Assert.Equal("3", overlay.GetAttribute("data-class"));
        var title = cut.Find("[data-testid=why-title]").TextContent;
        Assert.StartsWith("Saliency: the pixels “", title);
        Assert.Contains("(class 3) is most sensitive to", title);
        Assert.Equal($"api/explanations/{figure.Key}.png?opacity=60", cut.Find("[data-testid=why-save]").GetAttribute("href"));
        Assert.Same(figure, explanations.Known(figure.Key));
    }

    [Fact]
    public void A_problem_is_said_instead_of_a_figure()
    {
        var cut = Render<ExplainPanel>(p => p.Add(x => x.Image, image).Add(x => x.Method, ExplainMethod.GradCam)
            .Add(x => x.Problem, "--layer fc7 has no maps to weigh"));
        Assert.Equal("--layer fc7 has no maps to weigh", cut.Find("[data-testid=why-problem]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=why-overlay]"));
    }
}
