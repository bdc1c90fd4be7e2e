using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Services;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class RankedPhotosPanelTests : ComponentTest
{
    static RankedFigure Figure(string name, float max, PixelRegion region) =>
        new(new RankablePhoto($"key-{name}", name, "student 2"), new ChannelPeak(max, 1, 2), region, $"api/crops/key-{name}.png");

    [Fact]
    public void Each_photo_is_its_crop_zoomed_onto_the_peak_cells_region_in_rank_order()
    {
        var cut = Render<RankedPhotosPanel>(p => p
            .Add(x => x.Layer, AlexNetLayers.Get("pool5"))
            .Add(x => x.Channel, 26)
            .Add(x => x.SetName, "the class's 2 handed-in photos")
            .Add(x => x.Photos, [Figure("cup.png", 0.5f, new PixelRegion(32, 0, 191, 127)), Figure("cat.png", 0.25f, new PixelRegion(0, 0, 47, 47))]));
        Assert.Contains("What drives pool5 channel 26 most", cut.Markup);
        Assert.Contains("the class's 2 handed-in photos", cut.Markup);
        var tiles = cut.FindAll("[data-testid=ranked-photo]");
        Assert.Equal(["key-cup.png", "key-cat.png"], tiles.Select(t => t.GetAttribute("data-key")));
        Assert.Equal("0.5", tiles[0].GetAttribute("data-max"));
        Assert.Contains("1.", tiles[0].TextContent);
        Assert.Contains("cup.png", tiles[0].TextContent);
        // The region is 160 rows × 128 columns: its longer side fills 96 px, so the scale is 0.6 and the 224 crop is 134.4 px.
        var style = tiles[0].QuerySelector(".av-ranked-crop")!.GetAttribute("style");
        Assert.Equal("width:76.8px;height:96px;background-image:url('api/crops/key-cup.png.png');background-size:134.4px 134.4px;background-position:-0px -19.2px", style);
    }

    [Fact]
    public void Without_photos_it_says_so_and_while_analysing_it_shows_progress()
    {
        var empty = Render<RankedPhotosPanel>(p => p.Add(x => x.Layer, AlexNetLayers.Get("conv3")).Add(x => x.Channel, 0));
        Assert.Contains("No photos to rank yet", empty.Find("[data-testid=ranked-empty]").TextContent);
        var working = Render<RankedPhotosPanel>(p => p.Add(x => x.Layer, AlexNetLayers.Get("conv3")).Add(x => x.Channel, 0).Add(x => x.Working, true));
        Assert.Empty(working.FindAll("[data-testid=ranked-empty]"));
        Assert.NotEmpty(working.FindAll(".mud-progress-linear"));
    }
}
