using System.Security.Cryptography;

namespace AlexVis.Web.Services;

/// <summary>
/// A small thread-safe least-recently-used cache whose values are computed once even when asked for concurrently
/// (the first caller computes, the others await the same task). A failed computation is not kept.
/// </summary>
public sealed class LruCache<TKey, TValue>(int capacity) where TKey : notnull
{
    readonly object gate = new();
    readonly Dictionary<TKey, LinkedListNode<(TKey Key, Lazy<Task<TValue>> Value)>> map = new();
    readonly LinkedList<(TKey Key, Lazy<Task<TValue>> Value)> order = new();

    /// <summary>Entries kept.</summary>
    public int Count
    {
        get { lock (gate) return map.Count; }
    }

    /// <summary>The cached value, or the result of <paramref name="create"/>, kept for next time.</summary>
    public Task<TValue> GetOrAdd(TKey key, Func<Task<TValue>> create)
    {
        Lazy<Task<TValue>> entry;
        lock (gate)
        {
            if (map.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                entry = node.Value.Value;
            }
            else
            {
                entry = new Lazy<Task<TValue>>(create);
                map[key] = order.AddFirst((key, entry));
                while (map.Count > capacity)
                {
                    map.Remove(order.Last!.Value.Key);
                    order.RemoveLast();
                }
            }
        }
        var task = entry.Value;
        if (!task.IsCompleted)
            _ = task.ContinueWith(t => Forget(key, entry), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        else if (!task.IsCompletedSuccessfully)
            Forget(key, entry);
        return task;
    }

    /// <summary>The value when cached and complete.</summary>
    public bool TryGet(TKey key, out TValue? value)
    {
        lock (gate)
        {
            if (map.TryGetValue(key, out var node) && node.Value.Value.IsValueCreated && node.Value.Value.Value.IsCompletedSuccessfully)
            {
                value = node.Value.Value.Value.Result;
                return true;
            }
        }
        value = default;
        return false;
    }

    void Forget(TKey key, Lazy<Task<TValue>> entry)
    {
        lock (gate)
        {
            if (map.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Value, entry))
            {
                map.Remove(key);
                order.Remove(node);
            }
        }
    }
}

/// <summary>Content keys for images: the same photo, uploaded by several students, is traced once.</summary>
public static class ContentKey
{
    /// <summary>A short hex key of the bytes' SHA-256.</summary>
    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data))[..24];
}
