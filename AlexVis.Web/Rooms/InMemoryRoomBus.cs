using System.Collections.Concurrent;

namespace AlexVis.Web.Rooms;

/// <summary>Rooms on one server: states in a dictionary, changes told to the subscribers directly (the default; nothing to install).</summary>
public sealed class InMemoryRoomBus : IRoomBus
{
    readonly ConcurrentDictionary<string, RoomState> states = new();
    readonly RoomSubscribers subscribers = new();

    /// <inheritdoc />
    public Task<RoomState?> ReadAsync(string code) => Task.FromResult(states.TryGetValue(code, out var s) ? s : null);

    /// <inheritdoc />
    public Task<bool> PublishAsync(RoomState state)
    {
        while (true)
        {
            if (states.TryGetValue(state.Code, out var kept))
            {
                if (state.Version <= kept.Version) return Task.FromResult(false);
                if (!states.TryUpdate(state.Code, state, kept)) continue; // another change came first: compare again
            }
            else if (!states.TryAdd(state.Code, state)) continue;
            break;
        }
        subscribers.Tell(state);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task RemoveAsync(string code)
    {
        states.TryRemove(code, out _);
        subscribers.Remove(code);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string code, Action<RoomState> onState) => subscribers.Add(code, onState);

    /// <inheritdoc />
    public int SubscriberCount => subscribers.Count;
}
