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
}

/// <summary>An image AlexVis will not use, with a message a teacher understands.</summary>
public sealed class ImageRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageRejectedException(ImageProblem problem, string message, Exception? inner = null) : base(message, inner) => Problem = problem;

    /// <summary>The kind of problem.</summary>
    public ImageProblem Problem { get; }
}
