using AlexVis.Model.Network;
using AlexVis.Web.Components.Pages.Explore;
using AlexVis.Web.Options;
using Microsoft.Extensions.Options;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AlexVis.Web.Tests.Components.Pages.Explore;

/// <summary>The page over the app's real state pieces, the real (untrained) network and the bundled samples.</summary>
public class ExploreTests : ComponentTest
{
    ImageLoader Loader => Services.GetRequiredService<ImageLoader>();

    [Fact]
    public async Task The_address_selects_layer_and_channel_and_the_sample_loads()
    {
        await StartModelAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?layer=conv3&channel=7&sample=coffee");
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Assert.Equal("conv3", Selection.Current.Layer.Alias);
        Assert.Equal(7, Selection.Current.Channel);
        await cut.WaitForAssertionAsync(() => Assert.Equal("coffee", Loader.Image?.SampleName));
        await cut.WaitForAssertionAsync(() => Assert.Equal("coffee.png", cut.Find("[data-testid=image-name]").TextContent));
        Assert.Equal("conv3 · channel 7 of 384", cut.Find("[data-testid=channel-title]").TextContent.Trim());
    }

    [Fact]
    public async Task Selections_are_written_back_to_the_address()
    {
        await StartModelAsync();
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/?sample=chelsea");
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image));
        await cut.InvokeAsync(() => Selection.SelectLayer(AlexNetLayers.Get("relu4")));
        await cut.InvokeAsync(() => Selection.SelectChannel(12));
        // Written once the selection rests (Display:AddressRestMs), which renders nothing: bUnit's WaitForAssertion,
        // which looks again only on a render, would not see it.
        await Wait.Until(() => nav.Uri.Contains("channel=12"), "the address written", TimeSpan.FromSeconds(20));
        Assert.Equal(["channel=12", "layer=relu4", "sample=chelsea"], new Uri(nav.Uri).Query.TrimStart('?').Split('&').Order());
    }

    [Fact]
    public async Task A_sweep_through_the_layers_writes_the_address_once_when_it_rests()
    {
        await StartModelAsync();
        // Long enough that no gap between the steps below reaches it on a busy machine.
        Services.GetRequiredService<IOptions<AlexVisOptions>>().Value.Display.AddressRestMs = 2000;
        var nav = (BunitNavigationManager)Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/?sample=chelsea&layer=conv1");
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image));
        var written = new List<string>();
        nav.LocationChanged += (_, e) => { lock (written) written.Add(e.Location); };
        foreach (var alias in new[] { "relu1", "pool1", "conv2", "relu2", "pool2" })
            await cut.InvokeAsync(() => Selection.SelectLayer(AlexNetLayers.Get(alias)));
        // Waits for the write as it is told (on the renderer's thread), not for the Uri set just before telling.
        await Wait.Until(() => { lock (written) return written.Any(uri => uri.Contains("layer=pool2")); }, "the address written", TimeSpan.FromSeconds(20));
        Assert.Equal([nav.Uri], written);
        Assert.True(nav.History.First().Options.ReplaceHistoryEntry); // a step replaces the entry: Back leaves the page
    }

    [Fact]
    public async Task Spatial_layers_get_maps_and_kernels_fully_connected_layers_get_bars()
    {
        await StartModelAsync();
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image));
        Assert.NotEmpty(cut.FindComponents<FeatureMapsPanel>());
        Assert.NotEmpty(cut.FindComponents<KernelsPanel>());
        Assert.Empty(cut.FindComponents<UnitsPanel>());
        await cut.InvokeAsync(() => Selection.SelectLayer(AlexNetLayers.Get("fc7")));
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindComponents<UnitsPanel>()));
        Assert.Empty(cut.FindComponents<FeatureMapsPanel>());
        Assert.Empty(cut.FindComponents<KernelsPanel>());
        await cut.WaitForAssertionAsync(() => Assert.Contains("showUnits", JsCalls));
    }

    [Fact]
    public async Task A_wrong_class_code_in_the_link_is_a_clear_message_and_the_page_explores_alone()
    {
        await StartModelAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/room/ABCDEF");
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>(p => p.Add(x => x.RoomCode, "ABCDEF"));
        await cut.WaitForAssertionAsync(() => Assert.Contains("There is no class with the code ABCDEF", cut.Find("[data-testid=room-error]").TextContent));
        Assert.Contains("You can explore on your own below.", cut.Find("[data-testid=room-error]").TextContent);
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image)); // the default sample, as alone
        Assert.NotEmpty(cut.FindAll("[data-testid=room-start]"));
    }

    [Fact]
    public async Task Starting_a_class_shows_its_code_link_and_qr_code_and_a_student_page_follows()
    {
        await StartModelAsync();
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image));
        // Found and clicked on the renderer's thread: the page may render again in between otherwise (the image's
        // montage arriving), and a button found before that render no longer has its handler.
        await cut.InvokeAsync(() => cut.Find("[data-testid=room-start]").Click());
        var code = (await cut.WaitForElementAsync("[data-testid=room-code]")).TextContent;
        Assert.Matches("^[A-HJ-NP-Z2-9]{6}$", code);
        Assert.EndsWith($"/room/{code}", cut.Find("[data-testid=room-link]").GetAttribute("href"));
        var qr = Convert.FromBase64String(cut.Find("[data-testid=room-qr]").GetAttribute("src")!["data:image/png;base64,".Length..]);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], qr[..4]); // a PNG
        Assert.Equal("0 students · 0 following · 0 on their own", cut.Find("[data-testid=room-census]").TextContent);
    }

    [Fact]
    public void Dropouts_in_the_address_are_ignored()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/?layer=drop6");
        Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        Assert.Equal("conv1", Selection.Current.Layer.Alias);
    }

    [Fact]
    public async Task A_refused_upload_is_a_snackbar_naming_the_file_and_the_image_stays()
    {
        await StartModelAsync();
        var cut = Render<AlexVis.Web.Components.Pages.Explore.Explore>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(Loader.Image));
        var shown = Loader.Image;
        var message = await Loader.ReceiveUploadAsync(new MemoryStream(), 0, "photo.jpg");
        Assert.Equal(AlexVis.Model.Imaging.ImageDecoder.Empty("photo.jpg").Message, message);
        await cut.WaitForAssertionAsync(() => Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars,
            s => s.Message == message && s.Severity == Severity.Error));
        Assert.Same(shown, Loader.Image);
    }
}
