using AlexVis.Harness;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Network;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using AlexVis.Web.Services;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AlexVis.Web.Tests.State;

/// <summary>The real image loader over an unstarted host: refusals that need no forward (and no libtorch), tokens, threads.</summary>
public sealed class ImageLoaderTests : IDisposable
{
    readonly SelectionState selection = new();
    readonly ImageLoader loader;
    readonly ModelHost host;
    readonly UploadTokens tokens;
    readonly DecoderPool decoders;
    readonly CircuitThread circuit = new();
    readonly CompareSlot compare;
    int changes;

    public ImageLoaderTests()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new AlexVisOptions { Upload = { MaxBytes = 2048 } });
        // One real decoder worker: the web app's own program in worker mode, from this test's output folder.
        decoders = new DecoderPool(new DecoderOptions { Workers = 1, WorkerPath = Path.Combine(AppContext.BaseDirectory, "AlexVis.Web.dll") }, options.Value.Upload);
        var services = new ServiceCollection().AddHttpClient().AddMetrics().BuildServiceProvider();
        var telemetry = new Telemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        host = new ModelHost(options, NullLogger<ModelHost>.Instance, services.GetRequiredService<IHttpClientFactory>());
        var queue = new InferenceQueue(host, decoders, options, telemetry, NullLogger<InferenceQueue>.Instance);
        var figures = new Figures(host, options, telemetry, NullLogger<Figures>.Instance);
        var samples = new SampleLibrary(options, new TestEnvironment(), NullLogger<SampleLibrary>.Instance);
        tokens = new UploadTokens();
        loader = new ImageLoader(host, queue, figures, samples, tokens, circuit, selection, options, NullLogger<ImageLoader>.Instance, Words.For<ImageLoader>());
        compare = CompareSlot.Over(new ImageLoader(host, queue, figures, samples, tokens, circuit, selection, options, NullLogger<ImageLoader>.Instance, Words.For<ImageLoader>()));
        selection.Changed += () => changes++;
    }

    [Fact]
    public void A_channel_survives_layers_that_have_it_and_is_dropped_by_layers_that_do_not()
    {
        selection.SelectLayer(AlexNetLayers.Get("conv2"));
        selection.SelectChannel(150);
        selection.SelectLayer(AlexNetLayers.Get("relu2"));
        Assert.Equal(150, selection.Current.Channel);
        selection.SelectLayer(AlexNetLayers.Get("conv1"));
        Assert.Null(selection.Current.Channel); // conv1 has 64 channels
        selection.SelectChannel(64);
        Assert.Null(selection.Current.Channel);
        Assert.Equal(4, changes); // three layer changes and the one dropped channel counted once with its layer
    }

    [Fact]
    public async Task An_oversize_upload_is_refused_before_a_byte_is_read()
    {
        var stream = new UnreadableStream();
        var message = await loader.UploadAsync(stream, 4096, "big.jpg");
        Assert.Equal("'big.jpg' is 4 KB; the limit is 2 KB. Save a smaller JPEG or PNG and try again.", message);
        Assert.Null(loader.Image);
        Assert.Null(loader.Busy);
    }

    [Fact]
    public async Task A_body_longer_than_announced_is_cut_off_at_the_limit()
    {
        var message = await loader.UploadAsync(new MemoryStream(new byte[5000]), -1, "stream.jpg");
        Assert.Equal("'stream.jpg' is larger than the 2 KB limit. Save a smaller JPEG or PNG and try again.", message);
    }

    [Theory]
    [InlineData(3)]    // announced shorter than the body: the whole body is still read
    [InlineData(10)]   // exact
    [InlineData(2000)] // announced longer: what came is what is checked
    public async Task The_whole_body_is_read_whatever_size_was_announced(long announced)
    {
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0];
        var message = await loader.UploadAsync(new MemoryStream(gif), announced, "anim.jpg");
        Assert.Equal("'anim.jpg' is a GIF image, not a JPEG or PNG. AlexVis accepts JPEG and PNG photos: save it as one of those and try again.", message);
    }

    [Fact]
    public async Task A_body_running_past_its_announced_size_is_cut_off_at_the_limit()
    {
        var message = await loader.UploadAsync(new MemoryStream(new byte[5000]), 1000, "long.jpg");
        Assert.Equal("'long.jpg' is larger than the 2 KB limit. Save a smaller JPEG or PNG and try again.", message);
    }

    [Fact]
    public async Task An_upload_that_once_crashed_the_server_is_one_refusal_naming_it()
    {
        var file = TestImages.OversubscribedHuffman(longCodes: false);
        var message = await loader.UploadAsync(new MemoryStream(file), file.Length, "tables.jpg");
        Assert.Equal("'tables.jpg' is damaged: its JPEG image data cannot be decoded.", message);
        Assert.Null(loader.Busy);
        Assert.Null(loader.Image);
    }

    [Fact]
    public async Task A_posted_upload_changes_the_page_only_on_the_circuits_dispatcher()
    {
        // The endpoint calls from a request thread; every change the page sees must come on the circuit's thread.
        var dispatcher = Microsoft.AspNetCore.Components.Dispatcher.CreateDefault();
        circuit.Attach(work => dispatcher.InvokeAsync(work));
        var onCircuit = new List<bool>();
        loader.Changed += () => onCircuit.Add(dispatcher.CheckAccess());
        loader.UploadFailed += _ => onCircuit.Add(dispatcher.CheckAccess());
        var file = TestImages.OversubscribedHuffman(longCodes: false);
        var message = await Task.Run(() => loader.ReceiveUploadAsync(new MemoryStream(file), file.Length, "tables.jpg"));
        Assert.Equal("'tables.jpg' is damaged: its JPEG image data cannot be decoded.", message);
        Assert.True(onCircuit.Count >= 3, $"{onCircuit.Count} changes"); // busy, not busy, the failure
        Assert.All(onCircuit, Assert.True);
        Assert.Null(loader.Busy);

        onCircuit.Clear();
        Assert.Equal("'big.jpg' is 4 KB; the limit is 2 KB. Save a smaller JPEG or PNG and try again.",
            await Task.Run(() => loader.ReceiveUploadAsync(new UnreadableStream(), 4096, "big.jpg")));
        Assert.NotEmpty(onCircuit);
        Assert.All(onCircuit, Assert.True);
    }

    [Fact]
    public async Task A_posted_upload_is_answered_in_the_pages_language_even_when_the_request_comes_in_another()
    {
        // The page started in Chinese; another tab of the same browser has since switched the culture cookie to English,
        // so the upload's request arrives in English. What the body's reading says is for this page, in its language.
        var dispatcher = Microsoft.AspNetCore.Components.Dispatcher.CreateDefault();
        Words.InCulture("zh-CN", () =>
        {
            circuit.Attach(work => dispatcher.InvokeAsync(work));
            return 0;
        });
        var message = await Words.InCulture("en", () => Task.Run(() => loader.ReceiveUploadAsync(new MemoryStream(new byte[5000]), -1, "stream.jpg")));
        Assert.Equal(Words.In<ImageLoader>("zh-CN", "RefusalTooLarge", "stream.jpg", "2 KB"), message);
        Assert.NotEqual(Words.In<ImageLoader>("en", "RefusalTooLarge", "stream.jpg", "2 KB"), message);
    }

    [Fact]
    public void The_upload_token_finds_this_session_until_it_ends()
    {
        Assert.Same(loader, tokens.Find(loader.UploadToken));
        Assert.Equal(32, loader.UploadToken.Length);
        Assert.Null(tokens.Find("guess"));
        loader.Dispose();
        Assert.Null(tokens.Find(loader.UploadToken));
    }

    [Fact]
    public async Task Closing_the_circuit_ends_the_session_and_its_room_whatever_the_scope_does_later()
    {
        var bus = new AlexVis.Web.Rooms.InMemoryRoomBus();
        var directory = new AlexVis.Web.Rooms.RoomDirectory(bus, Microsoft.Extensions.Options.Options.Create(new AlexVisOptions()), TimeProvider.System,
            NullLogger<AlexVis.Web.Rooms.RoomDirectory>.Instance, Words.For<AlexVis.Web.Rooms.RoomDirectory>());
        var (code, _) = (await directory.StartAsync())!.Value;
        var room = new AlexVis.Web.Rooms.RoomMembership(directory, bus,
            new AlexVis.Web.Rooms.InMemoryRoomPhotos(Microsoft.Extensions.Options.Options.Create(new AlexVisOptions())), selection, loader,
            compare, circuit,
            new AlexVis.Web.Rooms.ClientAddress(new Microsoft.AspNetCore.Http.HttpContextAccessor()), NullLogger<AlexVis.Web.Rooms.RoomMembership>.Instance, Words.For<AlexVis.Web.Rooms.RoomMembership>());
        Assert.Null(await room.JoinAsync(code));
        Assert.Equal(1, (await directory.CensusAsync(code)).Connected);

        await new SessionCircuitHandler(loader, compare, room).OnCircuitClosedAsync(null!, CancellationToken.None);
        Assert.Null(tokens.Find(loader.UploadToken));
        Assert.Equal(0, tokens.Count);
        Assert.Equal(0, (await directory.CensusAsync(code)).Connected);
        Assert.Equal(0, bus.SubscriberCount);
        loader.Dispose(); // the scope's own disposal afterwards is harmless
        room.Dispose();
    }

    [Fact]
    public async Task An_unknown_sample_is_a_message_not_an_exception() =>
        Assert.Equal("There is no sample called 'unicorn'.", await loader.LoadSampleAsync("unicorn"));

    [Fact]
    public void Before_the_model_loads_there_is_no_image_and_no_kernel()
    {
        Assert.Null(loader.Image);
        Assert.Null(new Figures(host, Microsoft.Extensions.Options.Options.Create(new AlexVisOptions()), null!, NullLogger<Figures>.Instance).Kernels(AlexNetLayers.Visible[0], 0));
        Assert.Equal(ModelStage.Starting, host.Status.Stage);
    }

    public void Dispose()
    {
        loader.Dispose();
        host.Dispose();
        decoders.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    sealed class UnreadableStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("read");
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => throw new InvalidOperationException("read");
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => throw new InvalidOperationException("read");
    }

}
