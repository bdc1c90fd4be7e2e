using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;
using MudBlazor;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ImagePanelTests : ComponentTest
{
    [Fact]
    public void Every_sample_is_a_thumbnail_button()
    {
        var cut = Render<ImagePanel>();
        var buttons = cut.FindAll("[data-testid^=sample-]");
        Assert.Equal(["sample-chelsea", "sample-coffee"], buttons.Select(b => b.GetAttribute("data-testid")));
        Assert.Equal("api/samples/coffee/thumbnail.png", buttons[1].QuerySelector("img")!.GetAttribute("src"));
    }

    [Fact]
    public void Clicking_a_sample_loads_it()
    {
        var cut = Render<ImagePanel>();
        cut.Find("[data-testid=sample-coffee]").Click();
        Assert.Equal(["coffee"], Session.SamplesLoaded);
    }

    [Fact]
    public void A_failed_load_is_shown_in_a_snackbar()
    {
        Session.NextError = "There is no sample called 'x'.";
        var cut = Render<ImagePanel>();
        cut.Find("[data-testid=sample-chelsea]").Click();
        var snackbars = Services.GetRequiredService<ISnackbar>().ShownSnackbars.ToList();
        Assert.Contains(snackbars, s => s.Message == "There is no sample called 'x'." && s.Severity == Severity.Error);
    }

    [Fact]
    public void The_drop_zone_posts_files_with_this_sessions_token()
    {
        var cut = Render<ImagePanel>();
        var attach = Module.Invocations["attachUpload"].Single();
        Assert.Equal("token-of-this-page", attach.Arguments[2]);
        Assert.Equal("upload", cut.Find("input[type=file]").GetAttribute("data-testid"));
        Assert.Equal(cut.Find("input[type=file]").Id, cut.Find("label[for]").GetAttribute("for"));
    }

    [Fact]
    public void A_refused_upload_is_shown_in_a_snackbar()
    {
        var cut = Render<ImagePanel>();
        Session.FailUpload("'photo.jpg' is a TIFF image, not a JPEG or PNG.");
        cut.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars,
            s => s.Message == "'photo.jpg' is a TIFF image, not a JPEG or PNG." && s.Severity == Severity.Error));
    }

    [Fact]
    public void While_busy_the_progress_line_shows_and_samples_wait()
    {
        Session.Busy = "Analysing coffee.png…";
        var cut = Render<ImagePanel>();
        Assert.Contains("Analysing coffee.png…", cut.Find("[data-testid=busy]").TextContent);
        Assert.True(cut.Find("[data-testid=sample-coffee]").HasAttribute("disabled"));
    }

    [Fact]
    public void The_crop_the_model_saw_is_shown_with_the_image_name()
    {
        var cut = Render<ImagePanel>();
        Assert.Empty(cut.FindAll("[data-testid=crop]"));
        var image = Session.ShowImage("cat.jpg", null);
        cut.WaitForAssertion(() => Assert.Equal(image.CropUrl, cut.Find("[data-testid=crop]").GetAttribute("src")));
        Assert.Equal("cat.jpg", cut.Find("[data-testid=image-name]").TextContent);
        Assert.Contains("Analysed in 42 ms", cut.Markup);
        Assert.Contains("up to 1 MB and 1 megapixels", cut.Markup);
    }
}
