namespace AlexVis.Model.Imaging;

/// <summary>Why an image was refused.</summary>
public enum ImageProblem
{
    /// <summary>No bytes at all.</summary>
    Empty,
    /// <summary>More bytes than the configured limit.</summary>
    TooLarge,
    /// <summary>More pixels than the configured limit.</summary>
    TooManyPixels,
    /// <summary>Not a JPEG or PNG (or a format recognised but not accepted, such as GIF or TIFF).</summary>
    UnsupportedFormat,
    /// <summary>A JPEG or PNG whose data is damaged.</summary>
    Corrupt,
    /// <summary>A JPEG or PNG that ends before the image does.</summary>
    Truncated,
    /// <summary>Decoding did not finish within its deadline; the worker was stopped.</summary>
    TimedOut,
    /// <summary>Decoding needed more memory than a decoder worker may use.</summary>
    TooMuchMemory,
    /// <summary>The decoder worker died while decoding the file.</summary>
    DecoderFailed,
}

/// <summary>An image AlexVis will not use, with a message a teacher understands: the file's name, then why.</summary>
public sealed class ImageRejectedException : Exception
{
    /// <summary>Creates the exception; the message is the file's name followed by <paramref name="reason"/>.</summary>
    /// <param name="problem">The kind of problem.</param>
    /// <param name="reason">What is wrong, as a predicate: "is damaged: …", "took too long to decode …".</param>
    /// <param name="fileName">The file's name as the student knows it; null for "The file".</param>
    /// <param name="inner">The underlying error, if any.</param>
    public ImageRejectedException(ImageProblem problem, string reason, string? fileName = null, Exception? inner = null)
        : base($"{Who(fileName)} {reason}", inner)
    {
        Problem = problem;
        Reason = reason;
    }

    /// <summary>The kind of problem.</summary>
    public ImageProblem Problem { get; }

    /// <summary>The message without the file's name, so that a decoder process can send it and the server name the file.</summary>
    public string Reason { get; }

    /// <summary>The same refusal for a file of another name.</summary>
    public ImageRejectedException For(string? fileName) => new(Problem, Reason, fileName, this);

    static string Who(string? fileName) => fileName is null ? "The file" : $"'{fileName}'";
}
