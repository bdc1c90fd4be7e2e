using System.ComponentModel.DataAnnotations;

namespace AlexVis.Model.Imaging.Isolation;

/// <summary>The decoder worker processes that untrusted image bytes are decoded in.</summary>
public sealed class DecoderOptions
{
    /// <summary>Worker processes kept warm; also how many files are decoded at once (default 2, one per core here).</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>How long one file may take to decode before its worker is killed and the file refused (default 5 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Memory a worker may allocate (RLIMIT_DATA on Linux), in MB; a decode that needs more is refused (default 1024).</summary>
    [Range(96, 65536)]
    public int MemoryLimitMb { get; set; } = 1024;

    /// <summary>
    /// CPU seconds a worker may use in its life (RLIMIT_CPU): the kernel's backstop should the watchdog itself fail.
    /// A worker is retired after using half of it (default 300).
    /// </summary>
    [Range(2, 86400)]
    public int CpuSecondsPerWorker { get; set; } = 300;

    /// <summary>How long a new worker may take to start and say it is ready (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Decode a large JPEG reduced in libjpeg's inverse DCT (1/2, 1/4 or 1/8) to no less than twice the network's
    /// resize, as PIL's <c>Image.draft</c> does for <c>Image.thumbnail</c> (default true). A 12 MP photo then decodes
    /// about 4× faster, which is what lets a class upload at once; the answer is torchvision's for the drafted image,
    /// pixel for pixel. False decodes every pixel: torchvision's answer for <c>Image.open</c> itself.
    /// </summary>
    public bool ReduceLargeJpegs { get; set; } = true;

    /// <summary>
    /// The .dll (run by the dotnet host) or executable started with <c>--decode-worker</c>; empty for this very
    /// program, which must then answer <c>--decode-worker</c> by calling <see cref="DecodeWorker.Run"/>.
    /// </summary>
    public string? WorkerPath { get; set; }
}
