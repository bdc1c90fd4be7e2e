using System.Collections.Concurrent;

namespace AlexVis.Web.Rooms;

/// <summary>Rooms on one server: states in a dictionary, changes told to the subscribers directly (the default; nothing to install).</summary>
public sealed class InMemoryRoomBus : IRoomBus
{
    readonly ConcurrentDictionary<string, RoomState> states = new();
    readonly ConcurrentDictionary<string, ImmutableSubscribers> subscribers = new();

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
        if (subscribers.TryGetValue(state.Code, out var list))
            foreach (var onState in list.Handlers) onState(state);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task RemoveAsync(string code)
    {
        states.TryRemove(code, out _);
        subscribers.TryRemove(code, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string code, Action<RoomState> onState)
    {
        subscribers.AddOrUpdate(code, _ => new([onState]), (_, list) => new([.. list.Handlers, onState]));
        return new Subscription(() =>
        {
            while (subscribers.TryGetValue(code, out var list))
            {
                var rest = list.Handlers.Where(h => !ReferenceEquals(h, onState)).ToArray();
                if (rest.Length == 0 ? subscribers.TryRemove(new(code, list)) : subscribers.TryUpdate(code, new(rest), list)) break;
            }
        });
    }

    /// <summary>Subscribers open now, over all rooms (the leak test counts them).</summary>
    public int SubscriberCount => subscribers.Values.Sum(l => l.Handlers.Length);

    /// <summary>A room's handlers, replaced whole on every change so that telling them needs no lock.</summary>
    sealed record ImmutableSubscribers(Action<RoomState>[] Handlers);
}

/// <summary>Runs an action once, when disposed.</summary>
public sealed class Subscription(Action end) : IDisposable
{
    int disposed;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) end();
    }
}
