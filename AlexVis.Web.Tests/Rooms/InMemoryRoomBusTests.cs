using AlexVis.Model.Visualization;
using AlexVis.Web.Rooms;

namespace AlexVis.Web.Tests.Rooms;

public class InMemoryRoomBusTests
{
    readonly InMemoryRoomBus bus = new();

    static RoomState State(long version, string layer = "conv1") => new("K7MPX2", version, null, layer, null, ScaleMode.PerChannel, Colormap.Viridis);

    [Fact]
    public async Task Only_newer_versions_are_kept_and_told()
    {
        var told = new List<long>();
        using var _ = bus.Subscribe("K7MPX2", s => told.Add(s.Version));
        Assert.True(await bus.PublishAsync(State(1)));
        Assert.True(await bus.PublishAsync(State(3, "relu1")));
        Assert.False(await bus.PublishAsync(State(2, "pool1"))); // late: an older change
        Assert.False(await bus.PublishAsync(State(3, "pool1")));
        Assert.Equal([1L, 3L], told);
        Assert.Equal("relu1", (await bus.ReadAsync("K7MPX2"))!.Layer);
    }

    [Fact]
    public async Task A_subscription_ends_when_disposed_and_with_its_room()
    {
        var told = 0;
        var first = bus.Subscribe("K7MPX2", _ => told++);
        var second = bus.Subscribe("K7MPX2", _ => told++);
        await bus.PublishAsync(State(1));
        first.Dispose();
        first.Dispose(); // twice is harmless
        await bus.PublishAsync(State(2));
        Assert.Equal(3, told);
        Assert.Equal(1, bus.SubscriberCount);
        await bus.RemoveAsync("K7MPX2");
        Assert.Equal(0, bus.SubscriberCount);
        Assert.Null(await bus.ReadAsync("K7MPX2"));
        second.Dispose();
    }
}
