using AlexVis.Model.Imaging;
using AlexVis.Model.Inference;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;

namespace AlexVis.Model.Tests.Inference;

/// <summary>Ranking photos by a channel's peak, on hand-set maps and on the real network.</summary>
[Collection(ModelCollection.Name)]
public class PhotoRankingTests(UntrainedModel fixture)
{
    /// <summary>A trace whose every layer is zero except pool5's channel 4, which holds <paramref name="value"/> at (row, column).</summary>
    static ActivationTrace Trace(float value, int row, int column)
    {
        var maps = AlexNetLayers.All.Select(l => new FeatureMaps(l, new float[l.Count])).ToArray();
        var pool5 = AlexNetLayers.Get("pool5");
        maps[pool5.Index].Data[(4 * 6 + row) * 6 + column] = value;
        return new ActivationTrace(maps, new float[1000], new float[1000], [], new RgbImage(1, 1, new byte[3]), new WeightsInfo(WeightsKind.Untrained, null, "", null, []));
    }

    [Fact]
    public void Photos_are_ranked_by_the_channels_peak_and_cropped_to_the_peak_cells_region()
    {
        var pool5 = AlexNetLayers.Get("pool5");
        var photos = new (string, ChannelPeaks)[]
        {
            ("low", ChannelPeaks.Of(Trace(1, 0, 0))),
            ("high", ChannelPeaks.Of(Trace(5, 2, 3))),
            ("tie-first", ChannelPeaks.Of(Trace(3, 5, 5))),
            ("tie-second", ChannelPeaks.Of(Trace(3, 1, 1))),
        };
        var ranked = PhotoRanking.Rank(photos, pool5, 4, count: 3);
        Assert.Equal(["high", "tie-first", "tie-second"], ranked.Select(r => r.Key));
        Assert.Equal(new ChannelPeak(5, 2, 3), ranked[0].Peak);
        Assert.Equal(ReceptiveField.Of(pool5, 2, 3), ranked[0].Region);
        // An all-zero map peaks at its first cell.
        Assert.Equal(new ChannelPeak(0, 0, 0), photos[0].Item2[pool5, 5]);
    }

    [Fact]
    public void Peaks_agree_with_the_real_traces_maps()
    {
        var names = new[] { "astronaut", "chelsea", "coffee", "rocket" };
        var traces = names.Select(n => fixture.Model.Trace(OracleImage.Load(n).Input())).ToArray();
        var peaks = traces.Select(ChannelPeaks.Of).ToArray();
        var conv3 = AlexNetLayers.Get("conv3");
        for (int i = 0; i < traces.Length; i++)
            foreach (var c in new[] { 0, 7, 383 })
            {
                var p = peaks[i][conv3, c];
                Assert.Equal(traces[i][conv3].Stats(c).Max, p.Max);
                Assert.Equal(p.Max, traces[i][conv3][c, p.Row, p.Column]);
            }
        var ranked = PhotoRanking.Rank(names.Zip(peaks), conv3, 7, count: 4);
        Assert.Equal(names.OrderByDescending(n => traces[Array.IndexOf(names, n)][conv3].Stats(7).Max), ranked.Select(r => r.Key));
    }
}
