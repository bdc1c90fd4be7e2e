using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Tests.Support;
using Microsoft.AspNetCore.Components;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

public class ExploreTests : ComponentTest
{
    [Fact]
    public void The_address_selects_layer_and_channel_and_the_sample_loads()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/?layer=conv3&channel=7&sample=coffee");
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Assert.Equal("conv3", Session.Layer.Alias);
        Assert.Equal(7, Session.Channel);
        cut.WaitForAssertion(() => Assert.Equal(["coffee"], Session.SamplesLoaded));
    }

    [Fact]
    public void Selections_are_written_back_to_the_address()
    {
        Session.ShowImage("coffee.png", "coffee");
        var nav = Services.GetRequiredService<NavigationManager>();
        Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Session.SelectLayer(AlexNetLayers.Get("relu4"));
        Session.SelectChannel(12);
        var query = new Uri(nav.Uri).Query.TrimStart('?').Split('&').Order();
        Assert.Equal(["channel=12", "layer=relu4", "sample=coffee"], query);
    }

    [Fact]
    public void Spatial_layers_get_maps_and_kernels_fully_connected_layers_get_bars()
    {
        Session.ShowImage();
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Assert.NotEmpty(cut.FindComponents<FeatureMapsPanel>());
        Assert.NotEmpty(cut.FindComponents<KernelsPanel>());
        Assert.Empty(cut.FindComponents<UnitsPanel>());
        Session.SelectLayer(AlexNetLayers.Get("fc7"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindComponents<UnitsPanel>()));
        Assert.Empty(cut.FindComponents<FeatureMapsPanel>());
        Assert.Empty(cut.FindComponents<KernelsPanel>());
    }

    [Fact]
    public void Dropouts_in_the_address_are_ignored()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?layer=drop6");
        Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Assert.Equal("conv1", Session.Layer.Alias);
    }
}
