using AlexVis.Model.Visualization;

namespace AlexVis.Model.Tests.Visualization;

public class KernelPagesTests
{
    [Fact]
    public void Conv1s_colour_filters_are_one_page_whatever_the_page_size()
    {
        var pages = KernelPages.For(64, 3, 16);
        Assert.Equal((1, 64), (pages.Count, pages.PerPage));
        Assert.Equal(0, pages.PageOf(63));
    }

    [Theory]
    [InlineData(192, 16, 12, 16)]  // conv2: 12 full pages
    [InlineData(384, 16, 24, 16)]
    [InlineData(100, 16, 7, 4)]    // a last page of 100 − 6 × 16 = 4
    [InlineData(5, 16, 1, 5)]
    public void Deeper_layers_are_paged_and_the_last_page_holds_the_rest(int filters, int pageSize, int count, int onLast)
    {
        var pages = KernelPages.For(filters, 64, pageSize);
        Assert.Equal(count, pages.Count);
        Assert.Equal(onLast, pages.OnPage(count - 1));
        Assert.Equal(filters, Enumerable.Range(0, count).Sum(pages.OnPage));
    }

    [Fact]
    public void A_filter_is_found_on_its_page_and_pages_out_of_range_are_clamped()
    {
        var pages = KernelPages.For(192, 64, 16);
        Assert.Equal(9, pages.PageOf(150));
        Assert.Equal(144, pages.FirstFilter(9));
        Assert.Equal(176, pages.FirstFilter(99)); // the last page
        Assert.Equal(0, pages.FirstFilter(-3));
    }
}
