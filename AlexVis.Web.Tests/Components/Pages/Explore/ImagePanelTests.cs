using AlexVis.Model.Imaging;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ImagePanelTests : ComponentTest
{
    readonly List<string> chosen = [];

    IRenderedComponent<ImagePanel> RenderPanel(TracedImage? image = null, string? busy = null) => Render<ImagePanel>(p => p
        .Add(x => x.Image, image)
        .Add(x => x.Busy, busy)
        .Add(x => x.Samples, Services.GetRequiredService<SampleLibrary>().All)
        .Add(x => x.Limits, new ImageLimits { MaxBytes = 1024 * 1024, MaxPixels = 1_000_000 })
        .Add(x => x.UploadToken, "token-of-this-page")
        .Add(x => x.SampleChosen, (string name) => chosen.Add(name)));

    [Fact]
    public void Every_bundled_sample_is_a_thumbnail_button()
    {
        var cut = RenderPanel();
        var buttons = cut.FindAll("[data-testid^=sample-]");
        Assert.Equal(["sample-astronaut", "sample-chelsea", "sample-coffee", "sample-rocket"], buttons.Select(b => b.GetAttribute("data-testid")));
        Assert.Equal("api/samples/coffee/thumbnail.png", buttons[2].QuerySelector("img")!.GetAttribute("src"));
    }

    [Fact]
    public void Clicking_a_sample_asks_for_it()
    {
        var cut = RenderPanel();
        cut.Find("[data-testid=sample-coffee]").Click();
        Assert.Equal(["coffee"], chosen);
    }

    [Fact]
    public async Task The_drop_zone_posts_files_with_this_pages_token()
    {
        var cut = RenderPanel();
        await cut.WaitForAssertionAsync(() => Assert.Contains("attachUpload", JsCalls));
        var attach = ModuleOf<ImagePanel>().Invocations["attachUpload"].Single();
        Assert.Equal("token-of-this-page", attach.Arguments[2]);
        Assert.Equal("upload", cut.Find("input[type=file]").GetAttribute("data-testid"));
        Assert.Equal(cut.Find("input[type=file]").Id, cut.Find("label[for]").GetAttribute("for"));
    }

    [Fact]
    public void While_busy_the_progress_line_shows_and_samples_wait()
    {
        var cut = RenderPanel(busy: "Analysing coffee.png…");
        Assert.Contains("Analysing coffee.png…", cut.Find("[data-testid=busy]").TextContent);
        Assert.True(cut.Find("[data-testid=sample-coffee]").HasAttribute("disabled"));
    }

    [Fact]
    public void The_crop_the_model_saw_is_shown_with_the_image_name()
    {
        var cut = RenderPanel();
        Assert.Empty(cut.FindAll("[data-testid=crop]"));
        var image = HandMade.Image("cat.jpg", null);
        cut.Render(p => p.Add(x => x.Image, image));
        Assert.Equal(image.CropUrl, cut.Find("[data-testid=crop]").GetAttribute("src"));
        Assert.Equal("cat.jpg", cut.Find("[data-testid=image-name]").TextContent);
        Assert.Contains("Analysed in 42 ms", cut.Markup);
        Assert.Contains("up to 1 MB and 1 megapixels", cut.Markup);
    }

    [Fact]
    public async Task A_hovered_cells_region_is_outlined_one_css_pixel_per_crop_pixel_and_a_hovered_pixel_is_reported()
    {
        var hovered = new List<(int, int)?>();
        var cut = Render<ImagePanel>(p => p
            .Add(x => x.Image, HandMade.Image())
            .Add(x => x.Limits, new ImageLimits())
            .Add(x => x.UploadToken, "t")
            .Add(x => x.Region, new AlexVis.Model.Inference.PixelRegion(38, 78, 48, 88))
            .Add(x => x.RegionLabel, "conv1 channel 0 cell (10, 20)")
            .Add(x => x.PixelHovered, ((int, int)? at) => hovered.Add(at)));
        var outline = cut.Find("[data-testid=receptive-field]");
        Assert.Equal("top:38px;left:78px;width:11px;height:11px", outline.GetAttribute("style"));
        Assert.Equal(["38", "78", "48", "88"], new[] { "data-top", "data-left", "data-bottom", "data-right" }.Select(a => outline.GetAttribute(a)));
        Assert.Contains("conv1 channel 0 cell (10, 20) sees rows 38–48, columns 78–88.", cut.Find("[data-testid=region-text]").TextContent);
        // The crop's pointer goes through the panel's module to FigureCallbacks.Point (row, column; channel −1 when it leaves).
        await cut.WaitForAssertionAsync(() => Assert.Contains("attachCropHover", JsCalls));
        var callbacks = (Microsoft.JSInterop.DotNetObjectReference<FigureCallbacks>)ModuleOf<ImagePanel>().Invocations["attachCropHover"].Single().Arguments[1]!;
        await cut.InvokeAsync(() => callbacks.Value.Point(0, 100, 50));
        await cut.InvokeAsync(() => callbacks.Value.Point(-1, -1, -1));
        Assert.Equal([(100, 50), null], hovered);
    }
}
