using System.Text.Json;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Inference;

/// <summary>Receptive fields against PyTorch brute force: perturb input rows, columns and pixels, see which cells change.</summary>
public class ReceptiveFieldTests
{
    static readonly JsonElement reference =
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Repo.Oracle, "receptive_fields.json"))).RootElement.Clone();

    public static TheoryData<string> SpatialLayers()
    {
        var data = new TheoryData<string>();
        foreach (var l in AlexNetLayers.All.Where(l => l.IsSpatial)) data.Add(l.Name);
        return data;
    }

    [Theory, MemberData(nameof(SpatialLayers))]
    public void Every_cells_rows_and_columns_are_the_ones_pytorch_depends_on(string name)
    {
        var layer = AlexNetLayers.Get(name);
        var rows = reference.GetProperty("layers").GetProperty(name).GetProperty("rows").EnumerateArray().ToArray();
        var columns = reference.GetProperty("layers").GetProperty(name).GetProperty("columns").EnumerateArray().ToArray();
        Assert.Equal(layer.Height, rows.Length);
        Assert.Equal(layer.Width, columns.Length);
        for (int r = 0; r < layer.Height; r++)
        {
            // The diagonal covers every row and every column.
            var region = ReceptiveField.Of(layer, r, r);
            Assert.Equal((rows[r][0].GetInt32(), rows[r][1].GetInt32()), (region.Top, region.Bottom));
            Assert.Equal((columns[r][0].GetInt32(), columns[r][1].GetInt32()), (region.Left, region.Right));
        }
    }

    [Fact]
    public void A_single_perturbed_pixel_changes_a_cell_exactly_when_it_is_inside_the_region()
    {
        int checkedPixels = 0;
        foreach (var check in reference.GetProperty("pixel_checks").EnumerateArray())
        {
            var layer = AlexNetLayers.Get(check.GetProperty("layer").GetString()!);
            var cell = check.GetProperty("cell").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var region = ReceptiveField.Of(layer, cell[0], cell[1]);
            foreach (var p in check.GetProperty("pixels").EnumerateArray())
            {
                var pixel = p.GetProperty("pixel").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Assert.True(p.GetProperty("changes").GetBoolean() == region.Contains(pixel[0], pixel[1]),
                    $"{layer.Alias} ({cell[0]}, {cell[1]}), region {region}: pixel ({pixel[0]}, {pixel[1]})");
                checkedPixels++;
            }
        }
        Assert.True(checkedPixels > 100, $"only {checkedPixels} pixel checks in the reference");
    }

    [Fact]
    public void Conv1_cells_read_their_11_by_11_window_clipped_at_the_edge()
    {
        var conv1 = AlexNetLayers.Get("conv1");
        // Row 0 starts at -2 (padding 2): rows -2..8, clipped to 0..8; row 10 is 38..48; row 54 is 214..224, clipped to 223.
        Assert.Equal(new PixelRegion(0, 38, 8, 48), ReceptiveField.Of(conv1, 0, 10));
        Assert.Equal(new PixelRegion(214, 214, 223, 223), ReceptiveField.Of(conv1, 54, 54));
        // pool1's cell 1 reads conv1 rows 2..4, that is input rows 6..(4·4 − 2 + 10) = 6..24.
        Assert.Equal(new PixelRegion(6, 6, 24, 24), ReceptiveField.Of(AlexNetLayers.Get("pool1"), 1, 1));
    }

    [Theory, MemberData(nameof(SpatialLayers))]
    public void The_cells_seeing_a_pixel_are_exactly_those_whose_region_contains_it(string name)
    {
        var layer = AlexNetLayers.Get(name);
        foreach (var (y, x) in new[] { (0, 0), (5, 200), (111, 112), (223, 223), (150, 37) })
        {
            var cells = ReceptiveField.Seeing(layer, y, x);
            int inside = 0;
            for (int r = 0; r < layer.Height; r++)
                for (int c = 0; c < layer.Width; c++)
                {
                    bool sees = ReceptiveField.Of(layer, r, c).Contains(y, x);
                    bool listed = r >= cells.Top && r <= cells.Bottom && c >= cells.Left && c <= cells.Right;
                    Assert.True(sees == listed, $"{layer.Alias} cell ({r}, {c}) and pixel ({y}, {x})");
                    if (sees) inside++;
                }
            Assert.Equal(inside, cells.Count);
            Assert.True(inside > 0);
        }
    }

    [Fact]
    public void Fully_connected_layers_and_cells_off_the_map_are_refused_with_the_reason()
    {
        var fc6 = Assert.Throws<ArgumentException>(() => ReceptiveField.Of(AlexNetLayers.Get("fc6"), 0, 0));
        Assert.Contains("whole crop", fc6.Message);
        var off = Assert.Throws<ArgumentOutOfRangeException>(() => ReceptiveField.Of(AlexNetLayers.Get("pool5"), 6, 0));
        Assert.Contains("6×6", off.Message);
    }
}
