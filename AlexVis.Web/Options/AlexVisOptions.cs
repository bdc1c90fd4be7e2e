using System.ComponentModel.DataAnnotations;
using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;
using AlexVis.Model.Network;

namespace AlexVis.Web.Options;

/// <summary>Everything configurable, bound from the <c>AlexVis</c> section of appsettings.json and validated at start.</summary>
public sealed class AlexVisOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AlexVis";

    /// <summary>Where the weights come from and where the network runs.</summary>
    [Required]
    public WeightsOptions Model { get; set; } = new();

    /// <summary>The shared inference queue.</summary>
    [Required]
    public InferenceOptions Inference { get; set; } = new();

    /// <summary>Upload limits, checked before decoding.</summary>
    [Required]
    public ImageLimits Upload { get; set; } = new();

    /// <summary>The decoder worker processes uploads are decoded in.</summary>
    [Required]
    public DecoderOptions Decoding { get; set; } = new();

    /// <summary>Bundled sample photos.</summary>
    [Required]
    public SampleOptions Samples { get; set; } = new();

    /// <summary>What goes to the browser.</summary>
    [Required]
    public DisplayOptions Display { get; set; } = new();

    /// <summary>Classroom rooms: how many, how large, how long they live and how often one may try to join.</summary>
    public RoomOptions Rooms { get; set; } = new();
}

/// <summary>The one queue all forwards go through.</summary>
public sealed class InferenceOptions
{
    /// <summary>
    /// Jobs run at once; each uses <see cref="ThreadsPerJob"/> libtorch threads. Default 2 × 1 on two cores: while
    /// decoder workers and montages share the cores, a two-thread forward waits at libtorch's barriers whenever one
    /// of its threads is descheduled (a class's burst measured 181 ms a forward that way, 67–94 ms two at a time
    /// on one thread each), and alone it costs a single upload only about 15 ms.
    /// </summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>libtorch intra-op threads (process-wide).</summary>
    [Range(1, 256)]
    public int ThreadsPerJob { get; set; } = 1;

    /// <summary>Jobs that may wait; further requests wait for room until <see cref="QueueTimeout"/>.</summary>
    [Range(1, 10_000)]
    public int Capacity { get; set; } = 128;

    /// <summary>Most images traced in one forward (on one thread a batch of 8 measured 19–22 ms an image, one alone 27–30 ms).</summary>
    [Range(1, 64)]
    public int MaxBatch { get; set; } = 8;

    /// <summary>How long a worker waits for more jobs when only one is waiting (0: batch whatever queued up during the last forward).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan BatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>A request that cannot even enter the queue within this time is refused with a "server busy" message.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Bundled sample photos.</summary>
public sealed class SampleOptions
{
    /// <summary>Folder of JPEG/PNG samples, relative to the app's folder unless absolute.</summary>
    [Required]
    public string Directory { get; set; } = "samples";

    /// <summary>The sample shown when a page opens with no image.</summary>
    public string? Default { get; set; } = "chelsea";
}

/// <summary>What goes to the browser and how big it may be.</summary>
public sealed class DisplayOptions
{
    /// <summary>Occlusion in the explorer: the side of the hidden square, in pixels of the 224 crop.</summary>
    [Range(4, 224)]
    public int OcclusionPatch { get; set; } = 32;

    /// <summary>Occlusion in the explorer: how far the square moves each step (a finer grid costs more forwards).</summary>
    [Range(4, 224)]
    public int OcclusionStride { get; set; } = 16;

    /// <summary>Explanations kept for everyone (each about 1 MB: the raw map, its heat and the figure).</summary>
    [Range(1, 1024)]
    public int ExplanationCache { get; set; } = 32;

    /// <summary>Traces with channels switched off kept for everyone (each about 5 MB: every layer's values).</summary>
    [Range(1, 1024)]
    public int AblationCache { get; set; } = 32;

    /// <summary>Photos whose channel peaks are kept for ranking, for everyone (each about 30 KB with its crop).</summary>
    [Range(8, 100_000)]
    public int RankedPhotoCache { get; set; } = 1024;

    /// <summary>A student's own photos (outside a room) that join the samples in the ranked-photos panel, newest first.</summary>
    [Range(0, 1000)]
    public int OwnPhotos { get; set; } = 20;

    /// <summary>Colour levels of a montage image (2–255); hover values are exact regardless.</summary>
    [Range(2, 255)]
    public int MontageLevels { get; set; } = 128;

    /// <summary>A montage bigger than this is re-quantised with half the levels, so a slider step stays within budget.</summary>
    [Range(16 * 1024, 16 * 1024 * 1024)]
    public int MaxMontageBytes { get; set; } = 140 * 1024;

    /// <summary>
    /// How long the page's state must rest before the address bar follows it, in ms (0: at once). Writing the address
    /// costs the page a few ms of its main thread, so a sweep through the layers writes it once, when it stops.
    /// </summary>
    [Range(0, 5000)]
    public int AddressRestMs { get; set; } = 300;

    /// <summary>Filters per page for layers deeper than conv1.</summary>
    [Range(1, 256)]
    public int KernelPageSize { get; set; } = 16;

}

/// <summary>Classroom rooms (see README, *Rooms*).</summary>
public sealed class RoomOptions
{
    /// <summary>Rooms open at once on this server; a teacher past it is told to try later.</summary>
    [Range(1, 10_000)]
    public int MaxRooms { get; set; } = 50;

    /// <summary>Students in one room; one more is told the class is full.</summary>
    [Range(1, 10_000)]
    public int MaxStudentsPerRoom { get; set; } = 60;

    /// <summary>A room nobody has driven or joined for this long ends (its code stops working).</summary>
    public TimeSpan IdleExpiry { get; set; } = TimeSpan.FromHours(3);

    /// <summary>
    /// Join attempts per client address per minute: a guessed code costs the guesser, not the class. A school's
    /// students often share one public address (NAT), so this allows a whole class joining at once, with retries;
    /// guessing one of 50 open codes among 32⁶ at this rate takes years.
    /// </summary>
    [Range(1, 10_000)]
    public int JoinsPerMinute { get; set; } = 120;

    /// <summary>
    /// A StackExchange.Redis configuration (e.g. <c>redis.school.lan:6379</c>) to run rooms across several servers that
    /// share it; null keeps rooms in this server's memory.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Photos handed in to one room's gallery.</summary>
    [Range(1, 10_000)]
    public int MaxPhotosPerRoom { get; set; } = 60;

    /// <summary>Photos one student may hand in.</summary>
    [Range(1, 1000)]
    public int MaxPhotosPerStudent { get; set; } = 3;

    /// <summary>Photos one room's gallery takes per minute (a class handing in at once is served; a loop is not).</summary>
    [Range(1, 10_000)]
    public int PhotosPerMinute { get; set; } = 30;
}
