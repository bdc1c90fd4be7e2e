using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Forms;
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
    public void An_uploaded_file_goes_to_the_session_whole_and_an_error_comes_back_as_a_snackbar()
    {
        Session.NextError = "'photo.jpg' is a TIFF image, not a JPEG or PNG.";
        var cut = Render<ImagePanel>();
        byte[] content = [1, 2, 3, 4, 5];
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(content, "photo.jpg", contentType: "image/jpeg"));
        cut.WaitForAssertion(() => Assert.Single(Session.Uploads));
        Assert.Equal(("photo.jpg", 5L), (Session.Uploads[0].Name, Session.Uploads[0].Size));
        Assert.Equal(content, Session.Uploads[0].Bytes);
        cut.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message?.Contains("TIFF") == true));
    }

    [Fact]
    public void A_file_over_the_limit_is_not_read()
    {
        var cut = Render<ImagePanel>();
        var big = new byte[Session.Limits.MaxBytes + 1];
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(big, "big.jpg", contentType: "image/jpeg"));
        cut.WaitForAssertion(() => Assert.Single(Session.Uploads));
        Assert.Equal(big.Length, Session.Uploads[0].Size);
        Assert.Empty(Session.Uploads[0].Bytes); // the session refuses it by size; nothing is streamed
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
