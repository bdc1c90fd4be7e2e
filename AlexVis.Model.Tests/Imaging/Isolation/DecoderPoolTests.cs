using System.Diagnostics;
using AlexVis.Harness;
using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Tests.Support;
using Xunit.Abstractions;

namespace AlexVis.Model.Tests.Imaging.Isolation;

/// <summary>
/// Uploads decoded in real worker processes: every kind of file that once crashed, hung or ballooned the server is
/// answered with an image or one refusal naming the file, within its deadline, and the next file is served.
/// </summary>
public sealed class DecoderPoolTests(DecoderPoolFixture fixture) : IClassFixture<DecoderPoolFixture>
{
    DecoderPool Pool => fixture.Pool;

    static byte[] CropOf(byte[] rgb, int width, int height) => Preprocessing.Prepare(new RgbImage(width, height, rgb)).Crop.Pixels;

    public static TheoryData<int, int, bool> PngKinds()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (type, depth) in TestImages.PngKinds())
        {
            data.Add(type, depth, false);
            data.Add(type, depth, true);
        }
        return data;
    }

    [Theory, MemberData(nameof(PngKinds))]
    public async Task Valid_pngs_of_every_colour_type_depth_and_interlacing_give_pils_pixels(int colourType, int bitDepth, bool interlaced)
    {
        var png = TestImages.Png(37, 29, colourType, bitDepth, interlaced);
        var decoded = await Pool.DecodeAsync(png.File, "kind.png");
        Assert.Equal((37, 29), (decoded.Width, decoded.Height));
        Assert.Equal(CropOf(png.Rgb, 37, 29), decoded.Input.Crop.Pixels);
    }

    [Theory, MemberData(nameof(PngKinds))]
    public async Task One_pixel_adam7_pngs_that_hung_imagesharp_forever_decode_instead_of_hanging(int colourType, int bitDepth, bool interlaced)
    {
        var png = TestImages.Png(1, 1, colourType, bitDepth, interlaced);
        // A decoder that hung would be stopped at the pool's deadline and the file refused as timed out: getting the
        // pixels back is the proof. (A wall-clock bound tighter than the deadline failed on a loaded machine.)
        var decoded = await Pool.DecodeAsync(png.File, "dot.png");
        Assert.Equal(CropOf(png.Rgb, 1, 1), decoded.Input.Crop.Pixels);
    }

    [Fact]
    public async Task A_valid_png_with_one_byte_idat_chunks_decodes_exactly()
    {
        var png = TestImages.Png(61, 40, 2, 8, idatChunk: 1);
        Assert.True(png.File.Length > 12 * 1000, "thousands of one-byte IDAT chunks");
        Assert.Equal(CropOf(png.Rgb, 61, 40), (await Pool.DecodeAsync(png.File, "split.png")).Input.Crop.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversubscribed_huffman_table_is_refused_as_libjpeg_refuses_it(bool longCodes)
    {
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => Pool.DecodeAsync(TestImages.OversubscribedHuffman(longCodes), "tables.jpg"));
        Assert.Equal(ImageProblem.Corrupt, e.Problem);
        Assert.Equal("'tables.jpg' is damaged: its JPEG image data cannot be decoded.", e.Message);
        await A_good_file_is_served_next();
    }

    [Theory]
    [InlineData("soi")]
    [InlineData("tem")]
    [InlineData("decoy")]
    public async Task A_huge_frame_hidden_behind_a_second_soi_a_tem_or_a_decoy_is_never_decoded(string trick)
    {
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => Pool.DecodeAsync(TestImages.HiddenFrame(trick), "hidden.jpg"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        // libjpeg reads the frame it decodes: either it refuses the structure, or it reports the 144 MP it would decode.
        Assert.True(e.Problem is ImageProblem.Corrupt or ImageProblem.TooManyPixels, e.Message);
        Assert.All(Pool.WorkerProcessIds, pid => Assert.True(PeakRssMb(pid) < 300, $"worker {pid} peaked at {PeakRssMb(pid)} MB"));
    }

    [Fact]
    public async Task Huge_dimensions_are_refused_from_the_header_the_decoder_read()
    {
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => Pool.DecodeAsync(TestImages.JpegClaiming(TestImages.Jpeg(16, 16), 20000, 20000), "wide.jpg"));
        Assert.Equal(ImageProblem.TooManyPixels, e.Problem);
        Assert.Equal("'wide.jpg' is 20000 × 20000 pixels (400 MP); the limit is 40 MP. Use a smaller image.", e.Message);
        // Past libjpeg's own 65500-pixel limit the header itself is refused, as PIL refuses it.
        var beyond = await Assert.ThrowsAsync<ImageRejectedException>(() => Pool.DecodeAsync(TestImages.JpegClaiming(TestImages.Jpeg(16, 16), 65535, 65535), "wider.jpg"));
        Assert.Equal("'wider.jpg' is damaged: its JPEG header cannot be read.", beyond.Message);
    }

    public static TheoryData<string> MalformedPngs() => ["ihdr-0", "ihdr-12", "phys-empty", "zlib-dictionary"];

    [Theory, MemberData(nameof(MalformedPngs))]
    public async Task Pngs_that_once_crashed_the_server_get_an_answer_and_the_next_file_is_served(string kind)
    {
        var file = kind switch
        {
            "ihdr-0" => TestImages.PngWithIhdrLength(0),
            "ihdr-12" => TestImages.PngWithIhdrLength(12),
            "phys-empty" => TestImages.PngWithEmptyPhys(),
            _ => TestImages.PngWithPresetDictionary(),
        };
        try
        {
            var decoded = await Pool.DecodeAsync(file, "odd.png");
            Assert.Equal((16, 16), (decoded.Width, decoded.Height)); // libpng ignores a malformed ancillary chunk
            Assert.Equal("phys-empty", kind);
        }
        catch (ImageRejectedException e)
        {
            Assert.True(e.Problem is ImageProblem.Corrupt or ImageProblem.Truncated, e.Message);
            Assert.StartsWith("'odd.png' is ", e.Message);
        }
        await A_good_file_is_served_next();
    }

    [Fact]
    public async Task Truncation_at_every_segment_and_chunk_boundary_is_refused_and_only_a_missing_iend_is_tolerated_as_pil_does()
    {
        var jpeg = TestImages.Jpeg(64, 48);
        foreach (var (offset, _, _) in TestImages.JpegSegments(jpeg).Skip(1))
        {
            var problem = await Refusal(jpeg[..offset]);
            Assert.True(problem is ImageProblem.Truncated or ImageProblem.Corrupt, $"cut at {offset}: {problem}");
        }
        Assert.Equal(ImageProblem.Truncated, await Refusal(jpeg[..^2])); // the scan whole, EOI missing: PIL refuses it too
        var png = TestImages.Png(30, 20, 2, 8, idatChunk: 100).File;
        var offsets = TestImages.PngChunkOffsets(png).ToList();
        foreach (var cut in offsets.Skip(1).SkipLast(2)) // up to the last IDAT
            Assert.NotNull(await Refusal(png[..cut]));
        Assert.Null(await Refusal(png[..offsets[^2]])); // all data present, IEND missing: PIL reads it too
    }

    async Task<ImageProblem?> Refusal(byte[] file)
    {
        try
        {
            await Pool.DecodeAsync(file, "cut");
            return null;
        }
        catch (ImageRejectedException e)
        {
            return e.Problem;
        }
    }

    Task A_good_file_is_served_next() => AGoodFileIsServed(Pool);

    internal static async Task AGoodFileIsServed(DecoderPool pool)
    {
        var png = TestImages.Png(50, 30, 2, 8);
        Assert.Equal(CropOf(png.Rgb, 50, 30), (await pool.DecodeAsync(png.File, "good.png")).Input.Crop.Pixels);
    }

    internal static double PeakRssMb(int pid) => ProcessMemory.PeakRssMb(pid.ToString());
}

/// <summary>
/// A seeded fuzz through real workers. It measures this process's heap, so it runs alone, after the parallel tests
/// (whose caches and networks would otherwise count).
/// </summary>
[Collection(MeasuringCollection.Name)]
public sealed class DecoderFuzzTests(DecoderPoolFixture fixture, ITestOutputHelper output) : IClassFixture<DecoderPoolFixture>
{
    DecoderPool Pool => fixture.Pool;

    [Fact]
    public async Task A_seeded_fuzz_of_2000_damaged_files_gets_an_image_or_a_refusal_for_each_within_its_deadline()
    {
        var outcomes = new Dictionary<string, int>();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var slowest = TimeSpan.Zero;
        string slowestName = "";
        var cases = TestImages.Mutations(seed: 7, count: 2000).ToList();
        Assert.Equal(2000, cases.Count);
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (c, _) =>
        {
            var watch = Stopwatch.StartNew();
            string outcome;
            try
            {
                var decoded = await Pool.DecodeAsync(c.File, c.Name);
                Assert.Equal(224 * 224 * 3, decoded.Input.Crop.Pixels.Length);
                outcome = "accepted";
            }
            catch (ImageRejectedException e)
            {
                Assert.StartsWith($"'{c.Name}' ", e.Message);
                outcome = e.Problem.ToString();
            }
            lock (outcomes)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (watch.Elapsed > slowest) (slowest, slowestName) = (watch.Elapsed, c.Name);
            }
        });
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")) + $"; slowest {slowestName} {slowest.TotalMilliseconds:0} ms; workers replaced {Pool.Replaced}");
        Assert.Equal(2000, outcomes.Values.Sum());
        Assert.True(slowest < TimeSpan.FromSeconds(6), $"{slowestName} took {slowest}"); // the 5 s deadline plus the answer
        Assert.True(outcomes.GetValueOrDefault("accepted") > 100, "the corpus must hold files the decoders still read");
        // Memory: the decoding stays in the workers (each capped by its limit); this process keeps nothing of it.
        // (Its resident size is no measure even alone: libtorch and the test host come and go.)
        long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        Assert.True(retained < 100L << 20, $"this process's heap grew by {retained >> 20} MB");
        Assert.All(Pool.WorkerProcessIds, pid => Assert.True(DecoderPoolTests.PeakRssMb(pid) < 1024, $"worker {pid} peaked at {DecoderPoolTests.PeakRssMb(pid)} MB"));
        await DecoderPoolTests.AGoodFileIsServed(Pool);
    }
}

/// <summary>The watchdog: deadlines, memory limits and dead workers, each with a pool of its own.</summary>
public sealed class DecoderWatchdogTests
{
    static readonly Lazy<byte[]> twelveMegapixels = new(() => TestImages.Jpeg(4000, 3000, 90));

    [Fact]
    public async Task A_file_past_its_deadline_is_refused_its_worker_killed_and_replaced()
    {
        await using var pool = await Decoders.StartAsync(workers: 1, deadline: TimeSpan.FromMilliseconds(60), reduceLargeJpegs: false);
        int pid = Assert.Single(pool.WorkerProcessIds);
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => pool.DecodeAsync(twelveMegapixels.Value, "phone.jpg"));
        Assert.Equal(ImageProblem.TimedOut, e.Problem);
        Assert.Equal("'phone.jpg' took too long to decode (over 0.1 s) and was stopped; it may be damaged or made to stall decoders.", e.Message);
        Assert.Equal(1, pool.Replaced);
        Assert.True(Gone(pid), $"worker {pid} still runs");
        var small = TestImages.Png(8, 8, 2, 8);
        Assert.Equal(224 * 224 * 3, (await pool.DecodeAsync(small.File, "next.png")).Input.Crop.Pixels.Length);
    }

    [Fact]
    public async Task A_file_needing_more_memory_than_a_worker_may_have_is_refused_and_the_worker_replaced()
    {
        // A deadline well past the default 5 s: this test is about the memory limit, and in a clean-clone CI run on two
        // busy cores this 36 MP file once reached the 5 s deadline before its worker ran out of memory.
        await using var pool = await Decoders.StartAsync(workers: 1, deadline: TimeSpan.FromSeconds(60), memoryMb: 128, reduceLargeJpegs: false);
        var photo = TestImages.Jpeg(6000, 6000, 90); // 36 MP, within the pixel limit: every pixel is 108 MB of RGB
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => pool.DecodeAsync(photo, "phone.jpg"));
        Assert.True(e.Problem is ImageProblem.TooMuchMemory or ImageProblem.DecoderFailed, e.Message);
        Assert.StartsWith("'phone.jpg' ", e.Message);
        var small = TestImages.Png(8, 8, 2, 8);
        Assert.Equal(224 * 224 * 3, (await pool.DecodeAsync(small.File, "next.png")).Input.Crop.Pixels.Length);
    }

    [Fact]
    public async Task Drafted_a_phone_photo_fits_in_that_memory_at_a_quarter_of_each_side()
    {
        await using var pool = await Decoders.StartAsync(workers: 1, memoryMb: 128);
        var decoded = await pool.DecodeAsync(twelveMegapixels.Value, "phone.jpg");
        Assert.Equal((1000, 750), (decoded.Width, decoded.Height));
        Assert.Equal(0, pool.Replaced);
    }

    [Fact]
    public async Task A_worker_keeps_its_buffers_and_each_file_after_a_larger_one_decodes_as_if_alone()
    {
        // One worker: its request buffer and its pooled pixels are longer than the smaller files after the phone photo
        // and still hold the photo's bytes; a decode that read past its own file or image would show it.
        await using var pool = await Decoders.StartAsync(workers: 1);
        byte[] jpeg = TestImages.Jpeg(1300, 900, 85), grey = TestImages.Png(150, 90, 0, 8).File, rgba = TestImages.Png(300, 260, 6, 8).File;
        foreach (var (bytes, name) in new[] { (twelveMegapixels.Value, "phone.jpg"), (jpeg, "small.jpg"), (grey, "grey.png"), (rgba, "alpha.png"), (jpeg, "again.jpg") })
        {
            var alone = ImageDecoder.Decode(bytes, new ImageLimits(), draftForNetwork: true);
            var decoded = await pool.DecodeAsync(bytes, name);
            Assert.Equal((alone.Width, alone.Height), (decoded.Width, decoded.Height));
            Assert.Equal(Preprocessing.Prepare(alone).Crop.Pixels, decoded.Input.Crop.Pixels);
        }
        Assert.Equal(0, pool.Replaced);
    }

    [Fact]
    public async Task A_worker_that_dies_mid_file_costs_that_file_one_refusal()
    {
        // Every pixel, so the decode lasts well past the kill.
        await using var pool = await Decoders.StartAsync(workers: 1, deadline: TimeSpan.FromSeconds(30), reduceLargeJpegs: false);
        int pid = Assert.Single(pool.WorkerProcessIds);
        var decoding = pool.DecodeAsync(twelveMegapixels.Value, "phone.jpg");
        await Task.Delay(30);
        Process.GetProcessById(pid).Kill(); // as a segfault in native code would end it
        var e = await Assert.ThrowsAsync<ImageRejectedException>(() => decoding);
        Assert.Equal(ImageProblem.DecoderFailed, e.Problem);
        Assert.Equal("'phone.jpg' stopped the image decoder; it is probably damaged (or needs more memory than AlexVis allows).", e.Message);
        var small = TestImages.Png(8, 8, 2, 8);
        Assert.Equal(224 * 224 * 3, (await pool.DecodeAsync(small.File, "next.png")).Input.Crop.Pixels.Length);
        Assert.DoesNotContain(pid, pool.WorkerProcessIds);
    }

    [Fact]
    public async Task Workers_die_with_the_pool()
    {
        var pool = await Decoders.StartAsync(workers: 2);
        var pids = pool.WorkerProcessIds;
        Assert.Equal(2, pids.Count);
        await pool.DisposeAsync();
        Assert.All(pids, pid => Assert.True(Gone(pid), $"worker {pid} outlived its pool"));
    }

    static bool Gone(int pid)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited) return true;
            }
            catch (ArgumentException)
            {
                return true;
            }
            Thread.Sleep(20);
        }
        return false;
    }
}
