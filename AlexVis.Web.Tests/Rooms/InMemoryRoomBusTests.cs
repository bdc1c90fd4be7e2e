using AlexVis.Harness;
using AlexVis.Model.Visualization;
using AlexVis.Web.Options;
using AlexVis.Web.Rooms;
using AlexVis.Web.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AlexVis.Web.Tests.Rooms;

/// <summary>What every room bus does, run against each of them (a new bus picks these up by deriving).</summary>
public abstract class RoomBusContract : IAsyncLifetime
{
    /// <summary>A bus, as one server has it.</summary>
    protected abstract IRoomBus NewServer();

    protected static RoomState State(long version, string layer = "conv1", string code = "K7MPX2") =>
        new(code, version, null, layer, null, ScaleMode.PerChannel, Colormap.Viridis);

    [Fact]
    public async Task Only_newer_versions_are_kept_and_told()
    {
        var bus = NewServer();
        var told = new List<long>();
        using var _ = bus.Subscribe("K7MPX2", s => { lock (told) told.Add(s.Version); });
        Assert.True(await bus.PublishAsync(State(1)));
        Assert.True(await bus.PublishAsync(State(3, "relu1")));
        Assert.False(await bus.PublishAsync(State(2, "pool1"))); // late: an older change
        Assert.False(await bus.PublishAsync(State(3, "pool1")));
        await Wait.Until(() => { lock (told) return told.Count == 2; }, "two states told");
        Assert.Equal([1L, 3L], told);
        Assert.Equal("relu1", (await bus.ReadAsync("K7MPX2"))!.Layer);
        Assert.Null(await bus.ReadAsync("ABCDEF"));
    }

    [Fact]
    public async Task A_subscription_ends_when_disposed_and_with_its_room()
    {
        var bus = NewServer();
        var told = 0;
        var first = bus.Subscribe("K7MPX2", _ => Interlocked.Increment(ref told));
        var second = bus.Subscribe("K7MPX2", _ => Interlocked.Increment(ref told));
        Assert.Equal(2, bus.SubscriberCount);
        await bus.PublishAsync(State(1));
        await Wait.Until(() => told == 2, "both told");
        first.Dispose();
        first.Dispose(); // twice is harmless
        await bus.PublishAsync(State(2));
        await Wait.Until(() => told == 3, "the one left told");
        Assert.Equal(1, bus.SubscriberCount);
        await bus.RemoveAsync("K7MPX2");
        Assert.Equal(0, bus.SubscriberCount);
        Assert.Null(await bus.ReadAsync("K7MPX2"));
        second.Dispose();
    }

    [Fact]
    public async Task The_roster_numbers_students_counts_who_follows_and_keeps_the_gallery_within_its_limits()
    {
        var bus = NewServer();
        var told = 0;
        using var _ = bus.SubscribeRoster("K7MPX2", () => Interlocked.Increment(ref told));
        Assert.Equal(1, await bus.JoinAsync("K7MPX2", "a", 2));
        Assert.Equal(2, await bus.JoinAsync("K7MPX2", "b", 2));
        Assert.Equal(0, await bus.JoinAsync("K7MPX2", "c", 2)); // full
        Assert.Equal(2, await bus.JoinAsync("K7MPX2", "b", 2)); // a reconnect keeps its number and its place
        await bus.SetFollowingAsync("K7MPX2", "b", false);
        await bus.SetFollowingAsync("K7MPX2", "b", false); // no change
        await bus.SetFollowingAsync("K7MPX2", "stranger", false); // not on the roster: nothing
        Assert.Equal(new RoomCensus(2, 1), await bus.CensusAsync("K7MPX2"));
        await bus.LeaveAsync("K7MPX2", "a");
        Assert.Equal(new RoomCensus(1, 0), await bus.CensusAsync("K7MPX2"));
        Assert.Equal(3, await bus.JoinAsync("K7MPX2", "c", 2)); // a's place is free; numbers are never reused

        var limits = new GalleryLimits(PerRoom: 3, PerStudent: 2, PerMinute: 2);
        var t0 = new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);
        GalleryPhoto Photo(int i, int from) => new($"key{i}", $"photo {i}.jpg", $"student {from}");
        Assert.Equal(HandInOutcome.Taken, await bus.HandInAsync("K7MPX2", Photo(1, 2), limits, t0));
        Assert.Equal(HandInOutcome.Taken, await bus.HandInAsync("K7MPX2", Photo(1, 2), limits, t0)); // already there
        Assert.Equal(HandInOutcome.Taken, await bus.HandInAsync("K7MPX2", Photo(2, 2), limits, t0.AddSeconds(1)));
        Assert.Equal(HandInOutcome.StudentFull, await bus.HandInAsync("K7MPX2", Photo(3, 2), limits, t0.AddSeconds(2)));
        Assert.Equal(HandInOutcome.TooFast, await bus.HandInAsync("K7MPX2", Photo(3, 3), limits, t0.AddSeconds(59)));
        Assert.Equal(HandInOutcome.Taken, await bus.HandInAsync("K7MPX2", Photo(3, 3), limits, t0.AddSeconds(60)));
        Assert.Equal(HandInOutcome.RoomFull, await bus.HandInAsync("K7MPX2", Photo(4, 3), limits, t0.AddMinutes(5)));
        Assert.Equal([Photo(1, 2), Photo(2, 2), Photo(3, 3)], await bus.GalleryAsync("K7MPX2"));
        // Told: 3 joins, 1 following, 1 leave, 1 join, 3 photos taken.
        await Wait.Until(() => Volatile.Read(ref told) == 9, "nine roster changes told");

        await bus.RemoveAsync("K7MPX2");
        Assert.Equal(new RoomCensus(0, 0), await bus.CensusAsync("K7MPX2"));
        Assert.Empty(await bus.GalleryAsync("K7MPX2"));
        Assert.Equal(0, bus.SubscriberCount);
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;
}

public sealed class InMemoryRoomBusTests : RoomBusContract
{
    protected override IRoomBus NewServer() => new InMemoryRoomBus();
}

/// <summary>The Redis bus against a real redis-server of this test's own, as two servers share it.</summary>
public sealed class RedisRoomBusTests : RoomBusContract
{
    RedisServer redis = default!;
    readonly List<ConnectionMultiplexer> connections = [];
    static readonly Microsoft.Extensions.Options.IOptions<AlexVisOptions> options =
        Microsoft.Extensions.Options.Options.Create(new AlexVisOptions { Rooms = { IdleExpiry = TimeSpan.FromMinutes(30) } });

    public override async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    ConnectionMultiplexer Connect()
    {
        var c = ConnectionMultiplexer.Connect(redis.Configuration);
        connections.Add(c);
        return c;
    }

    protected override IRoomBus NewServer() => new RedisRoomBus(Connect(), options, NullLogger<RedisRoomBus>.Instance);

    [Fact]
    public async Task A_change_on_one_server_reaches_the_pages_of_another_and_late_readers_read_it()
    {
        var (a, b) = (NewServer(), NewServer());
        RoomState? seen = null;
        using var _ = b.Subscribe("K7MPX2", s => seen = s);
        Assert.True(await a.PublishAsync(State(1)));
        Assert.True(await a.PublishAsync(State(2, "fc6") with { Channel = 12, Image = new RoomImage("abc", "dog.jpg", null) }));
        await Wait.Until(() => seen?.Version == 2, "server b's page told version 2");
        Assert.Equal(State(2, "fc6") with { Channel = 12, Image = new RoomImage("abc", "dog.jpg", null) }, seen);
        Assert.False(await b.PublishAsync(State(2, "conv1"))); // the same version from the other server: not newer
        Assert.Equal("fc6", (await b.ReadAsync("K7MPX2"))!.Layer);
        var ttl = await connections[0].GetDatabase().KeyTimeToLiveAsync("alexvis:room:K7MPX2");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30)); // ends with the room's idle time
    }

    [Fact]
    public async Task Students_on_two_servers_are_one_class_to_the_teacher_on_either()
    {
        var (teacher, other) = (NewServer(), NewServer());
        var told = 0;
        using var _ = teacher.SubscribeRoster("K7MPX2", () => Interlocked.Increment(ref told));
        Assert.Equal(1, await teacher.JoinAsync("K7MPX2", "here", 40));
        Assert.Equal(2, await other.JoinAsync("K7MPX2", "there", 40));
        await other.SetFollowingAsync("K7MPX2", "there", false);
        Assert.Equal(HandInOutcome.Taken, await other.HandInAsync("K7MPX2", new GalleryPhoto("abc", "cat.jpg", "student 2"),
            new GalleryLimits(10, 2, 5), DateTimeOffset.UtcNow));
        await Wait.Until(() => Volatile.Read(ref told) == 4, "the teacher's server told of every change on the other");
        Assert.Equal(new RoomCensus(2, 1), await teacher.CensusAsync("K7MPX2"));
        Assert.Equal([new GalleryPhoto("abc", "cat.jpg", "student 2")], await teacher.GalleryAsync("K7MPX2"));
        var ttl = await connections[0].GetDatabase().KeyTimeToLiveAsync("alexvis:roster:{K7MPX2}:members");
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30)); // ends with the room's idle time
    }

    [Fact]
    public async Task A_photo_kept_by_one_server_is_read_by_another_until_it_expires()
    {
        var (a, b) = (new RedisRoomPhotos(Connect(), options), new RedisRoomPhotos(Connect(), options));
        byte[] photo = [0xFF, 0xD8, 1, 2, 3];
        await a.KeepAsync("abc", photo);
        Assert.Equal(photo, await b.ReadAsync("abc"));
        Assert.Null(await b.ReadAsync("nothing"));
        Assert.InRange((await connections[0].GetDatabase().KeyTimeToLiveAsync("alexvis:photo:abc"))!.Value, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    public override async Task DisposeAsync()
    {
        foreach (var c in connections) await c.DisposeAsync();
        await redis.DisposeAsync();
    }
}
