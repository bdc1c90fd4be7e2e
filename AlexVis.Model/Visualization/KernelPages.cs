namespace AlexVis.Model.Visualization;

/// <summary>
/// How a convolution layer's filters are split into pages for display: conv1's few colour filters (3 input
/// channels) all on one page, a deeper layer's hundreds of filters with hundreds of slices each
/// <paramref name="PerPage"/> at a time, so one page stays readable and small enough to send.
/// </summary>
/// <param name="Filters">The layer's filters (output channels).</param>
/// <param name="PerPage">Filters on a page.</param>
public readonly record struct KernelPages(int Filters, int PerPage)
{
    /// <summary>The pages of a layer with <paramref name="filters"/> filters of <paramref name="inChannels"/> input channels.</summary>
    public static KernelPages For(int filters, int inChannels, int pageSize) =>
        new(filters, inChannels == 3 ? filters : Math.Max(1, pageSize));

    /// <summary>The number of pages.</summary>
    public int Count => (Filters + PerPage - 1) / PerPage;

    /// <summary>The 0-based page that shows <paramref name="filter"/>.</summary>
    public int PageOf(int filter) => Math.Clamp(filter, 0, Filters - 1) / PerPage;

    /// <summary>The first filter on 0-based <paramref name="page"/> (clamped to the pages there are).</summary>
    public int FirstFilter(int page) => Clamp(page) * PerPage;

    /// <summary>Filters on 0-based <paramref name="page"/> (the last page may hold fewer).</summary>
    public int OnPage(int page) => Math.Min(PerPage, Filters - FirstFilter(page));

    /// <summary><paramref name="page"/> within 0 … <see cref="Count"/> − 1.</summary>
    public int Clamp(int page) => Math.Clamp(page, 0, Count - 1);
}
