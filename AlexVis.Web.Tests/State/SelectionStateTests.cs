using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.State;

namespace AlexVis.Web.Tests.State;

public class SelectionStateTests
{
    readonly SelectionState state = new();
    int changes;

    public SelectionStateTests() => state.Changed += () => changes++;

    [Fact]
    public void A_new_page_shows_conv1_per_channel_in_viridis_with_no_channel()
    {
        Assert.Equal(new Selection(AlexNetLayers.Get("conv1"), null, ScaleMode.PerChannel, Colormap.Viridis), state.Current);
    }

    [Fact]
    public void A_whole_selection_arrives_as_one_change_and_the_same_one_again_as_none()
    {
        var teacher = new Selection(AlexNetLayers.Get("relu3"), 200, ScaleMode.PerLayer, Colormap.Grey);
        state.Apply(teacher);
        state.Apply(teacher with { });
        Assert.Equal(teacher, state.Current);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void A_channel_the_layer_lacks_is_never_selected()
    {
        state.Apply(new Selection(AlexNetLayers.Get("conv1"), 200, ScaleMode.PerChannel, Colormap.Viridis)); // conv1 has 64
        Assert.Null(state.Current.Channel);
        Assert.Equal(0, changes);
        state.SelectLayer(AlexNetLayers.Get("conv3"));
        state.SelectChannel(383);
        state.SelectLayer(AlexNetLayers.Get("pool5")); // 256 channels
        Assert.Null(state.Current.Channel);
        state.SelectChannel(-1);
        Assert.Null(state.Current.Channel);
        Assert.Equal(3, changes);
    }

    [Fact]
    public void Fully_connected_layers_keep_a_unit_index_within_their_size()
    {
        state.SelectLayer(AlexNetLayers.Get("fc8"));
        state.SelectChannel(999);
        Assert.Equal(999, state.Current.Channel);
        state.SelectLayer(AlexNetLayers.Get("pool5"));
        Assert.Null(state.Current.Channel);
    }
}
