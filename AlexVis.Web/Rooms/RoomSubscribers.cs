using System.Collections.Concurrent;

namespace AlexVis.Web.Rooms;

/// <summary>
/// The pages on this server that follow each room, and telling them a state (or that the roster changed): each room's
/// handlers are replaced whole on every change, so telling them needs no lock. Both room buses use it for their
/// local fan-out.
/// </summary>
/// <typeparam name="T">What the handlers are told.</typeparam>
public sealed class RoomSubscribers<T>
{
    readonly ConcurrentDictionary<string, Action<T>[]> rooms = new();

    /// <summary>Adds a handler for a room's states until the returned subscription is disposed.</summary>
    public IDisposable Add(string code, Action<T> onState)
    {
        rooms.AddOrUpdate(code, _ => [onState], (_, list) => [.. list, onState]);
        return new Subscription(() =>
        {
            while (rooms.TryGetValue(code, out var list))
            {
                var rest = list.Where(h => !ReferenceEquals(h, onState)).ToArray();
                if (rest.Length == 0 ? rooms.TryRemove(new(code, list)) : rooms.TryUpdate(code, rest, list)) break;
            }
        });
    }

    /// <summary>Tells every handler of a room.</summary>
    public void Tell(string code, T value)
    {
        if (rooms.TryGetValue(code, out var list))
            foreach (var onState in list) onState(value);
    }

    /// <summary>Forgets a room's handlers (the room has ended).</summary>
    public void Remove(string code) => rooms.TryRemove(code, out _);

    /// <summary>Handlers open now, over all rooms (the leak test counts them).</summary>
    public int Count => rooms.Values.Sum(l => l.Length);
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
