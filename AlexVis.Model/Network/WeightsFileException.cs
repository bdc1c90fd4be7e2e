namespace AlexVis.Model.Network;

/// <summary>A weights file that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class WeightsFileException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public WeightsFileException(string path, string problem, Exception? inner = null)
        : base($"Weights file '{path}' {problem}", inner) => FilePath = path;

    /// <summary>The file that was rejected.</summary>
    public string FilePath { get; }
}

/// <summary>A download of the pretrained weights that failed; the message says why in plain words.</summary>
public sealed class WeightsDownloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WeightsDownloadException(string message, Exception? inner = null) : base(message, inner) { }
}
