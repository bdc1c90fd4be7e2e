namespace AlexVis.Web.Rooms;

/// <summary>
/// Where rooms' states live and how their changes reach every follower: in memory on one server (the default), or
/// through Redis across several. A state is kept under its room's code; publishing a state with a version no newer
/// than the kept one changes nothing.
/// </summary>
public interface IRoomBus
{
    /// <summary>The room's current state, or null when there is no such room (or it has ended).</summary>
    Task<RoomState?> ReadAsync(string code);

    /// <summary>Keeps <paramref name="state"/> if it is newer than the kept one and tells every subscriber; false if it was not newer.</summary>
    Task<bool> PublishAsync(RoomState state);

    /// <summary>Ends a room: its state is forgotten and its subscribers hear no more.</summary>
    Task RemoveAsync(string code);

    /// <summary>Calls <paramref name="onState"/> (on any thread) with every newer state of the room until disposed.</summary>
    IDisposable Subscribe(string code, Action<RoomState> onState);

    /// <summary>Subscriptions open on this server (the leak test counts them).</summary>
    int SubscriberCount { get; }
}
