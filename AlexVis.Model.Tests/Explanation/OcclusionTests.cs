using AlexVis.Model.Explanation;
using AlexVis.Model.Network;
using AlexVis.Model.Tests.Support;
using static TorchSharp.torch;

namespace AlexVis.Model.Tests.Explanation;

/// <summary>
/// Occlusion's shortcut: pool2 of the photo with a square hidden, recomputed only where the square reaches, is pool2 of
/// the occluded photo run through conv1 … pool2 whole, for squares at the corners, the edges and inside.
/// </summary>
public class OcclusionTests(UntrainedModel fixture) : IClassFixture<UntrainedModel>
{
    [Theory]
    [InlineData(32, new[] { 0, 0, 96, 112, 192, 192, 0, 192, 17, 3 })]
    [InlineData(1, new[] { 0, 0, 223, 223, 1, 2, 5, 6, 100, 101 })]
    [InlineData(11, new[] { 213, 0, 2, 213, 50, 50 })]
    [InlineData(224, new[] { 0, 0 })]
    public void Pool2_recomputed_where_a_hidden_square_reaches_is_pool2_of_the_occluded_photo(int patch, int[] corners)
    {
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var net = fixture.Model.Network;
        var image = tensor(OracleImage.Load("chelsea").Input().Tensor, [1, 3, 224, 224]);
        var squares = corners.Chunk(2).Select(c => (Row: c[0], Column: c[1])).ToArray();
        var shortcut = new OccludedFeatures(net, image).Occluded(squares, patch);
        int pool2 = OccludedFeatures.Last;
        Assert.Equal("pool2", AlexNetLayers.All[pool2].Alias);
        Tensor Direct(Tensor x) => net.ForwardLayers(x, null, last: pool2);

        for (int i = 0; i < squares.Length; i++)
        {
            var hidden = image.clone();
            hidden[.., .., squares[i].Row..(squares[i].Row + patch), squares[i].Column..(squares[i].Column + patch)] = 0;
            var direct = Direct(hidden);
            double scale = direct.abs().max().item<float>();
            double error = (shortcut[i..(i + 1)] - direct).abs().max().item<float>();
            Assert.True(error <= 1e-5 * scale, $"square {squares[i]} of {patch}: off by {error:g3} of {scale:g3}");
            // And it did hide something (a single pixel can vanish in the max-pools).
            if (patch > 1) Assert.True((direct - Direct(image)).abs().max().item<float>() > 1e-3 * scale);
        }
    }
}
