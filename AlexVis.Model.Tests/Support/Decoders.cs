using AlexVis.Model.Imaging;
using AlexVis.Model.Imaging.Isolation;

namespace AlexVis.Model.Tests.Support;

/// <summary>Decoder pools over real worker processes: the alexvis command in the test's output folder, in worker mode.</summary>
public static class Decoders
{
    /// <summary>The worker program (the CLI is referenced by this test project, so it sits beside the tests).</summary>
    public static string WorkerPath => Path.Combine(AppContext.BaseDirectory, "alexvis.dll");

    /// <summary>A pool with the given settings, warm when returned.</summary>
    public static async Task<DecoderPool> StartAsync(int workers = 2, TimeSpan? deadline = null, int memoryMb = 1024, ImageLimits? limits = null,
        bool reduceLargeJpegs = true)
    {
        var pool = new DecoderPool(new DecoderOptions
        {
            Workers = workers,
            Deadline = deadline ?? TimeSpan.FromSeconds(5),
            MemoryLimitMb = memoryMb,
            ReduceLargeJpegs = reduceLargeJpegs,
            WorkerPath = WorkerPath,
        }, limits ?? new ImageLimits());
        await pool.WaitUntilWarmAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return pool;
    }
}

/// <summary>One warm pool of two workers shared by a test class.</summary>
public sealed class DecoderPoolFixture : IAsyncLifetime
{
    public DecoderPool Pool { get; private set; } = default!;

    public async Task InitializeAsync() => Pool = await Decoders.StartAsync();

    public async Task DisposeAsync() => await Pool.DisposeAsync();
}
