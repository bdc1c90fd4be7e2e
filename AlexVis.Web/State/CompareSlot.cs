using Microsoft.Extensions.DependencyInjection;

namespace AlexVis.Web.State;

/// <summary>Which of two compared photos the panels draw.</summary>
public enum CompareView
{
    /// <summary>The page's own photo.</summary>
    A,
    /// <summary>The photo it is compared with.</summary>
    B,
    /// <summary>A − B, cell by cell, on a scale centred on zero.</summary>
    Difference,
}

/// <summary>
/// The second photo a student compares the first with: a loader of its own (samples and uploads, with its own
/// upload token), numbering its images apart from the first loader's. Lives as long as the circuit.
/// </summary>
public sealed class CompareSlot : IDisposable
{
    /// <summary>Where slot B's versions start: far from slot A's, which count from 1.</summary>
    public const long FirstVersion = 1L << 36;

    /// <summary>Makes slot B's loader from the circuit's services.</summary>
    public CompareSlot(IServiceProvider services) : this(ActivatorUtilities.CreateInstance<ImageLoader>(services))
    {
    }

    CompareSlot(ImageLoader loader)
    {
        Loader = loader;
        Loader.StartVersionsAt(FirstVersion);
    }

    /// <summary>A slot over a loader made elsewhere (a test's or a bench's), which it then owns.</summary>
    public static CompareSlot Over(ImageLoader loader) => new(loader);

    /// <summary>Slot B's loader: its image, busy line and upload token.</summary>
    public ImageLoader Loader { get; }

    /// <inheritdoc />
    public void Dispose() => Loader.Dispose();
}
