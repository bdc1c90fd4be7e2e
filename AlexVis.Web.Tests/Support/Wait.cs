namespace AlexVis.Web.Tests.Support;

/// <summary>Waiting for something another thread or process does, within a bound.</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails the test naming <paramref name="what"/> if it is not true within <paramref name="within"/> (default 10 s).</summary>
    public static async Task Until(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(10);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); !condition(); await Task.Delay(10))
            if (waited.Elapsed > limit) Assert.Fail($"Not within {limit.TotalSeconds:0} s: {what}");
    }
}
