using AlexVis.Web.Services;

namespace AlexVis.Web.Tests.Services;

public class LruCacheTests
{
    [Fact]
    public async Task A_value_is_computed_once_and_the_least_recently_used_goes_first()
    {
        var cache = new LruCache<string, int>(2);
        int computed = 0;
        Task<int> Make(int v) { computed++; return Task.FromResult(v); }
        Assert.Equal(1, await cache.GetOrAdd("a", () => Make(1)));
        Assert.Equal(2, await cache.GetOrAdd("b", () => Make(2)));
        Assert.Equal(1, await cache.GetOrAdd("a", () => Make(99))); // a is now the most recent
        Assert.Equal(3, await cache.GetOrAdd("c", () => Make(3)));  // b goes
        Assert.Equal(3, computed);
        Assert.True(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task Concurrent_askers_share_one_computation()
    {
        var cache = new LruCache<int, int>(4);
        var gate = new TaskCompletionSource<int>();
        int computed = 0;
        var first = cache.GetOrAdd(1, () => { Interlocked.Increment(ref computed); return gate.Task; });
        var second = cache.GetOrAdd(1, () => { Interlocked.Increment(ref computed); return Task.FromResult(-1); });
        gate.SetResult(7);
        var results = await Task.WhenAll(first, second);
        Assert.Equal(new[] { 7, 7 }, results);
        Assert.Equal(1, computed);
    }

    [Fact]
    public async Task A_failure_is_not_kept()
    {
        var cache = new LruCache<int, int>(4);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrAdd(1, () => Task.FromException<int>(new InvalidOperationException())));
        Assert.Equal(5, await cache.GetOrAdd(1, () => Task.FromResult(5)));
    }
}
