namespace AlexVis.Web.State;

/// <summary>
/// The one thread a circuit's state is changed on: its renderer's dispatcher. Work arriving from elsewhere (an
/// upload's HTTP request, a room's broadcast) is run through <see cref="RunAsync{T}"/> so that state pieces need no
/// locks and components never see half a change. The layout attaches the dispatcher when the circuit starts;
/// without a circuit (the benchmarks drive the session directly) work runs where it is called.
/// </summary>
public sealed class CircuitThread
{
    Func<Func<Task>, Task>? invoke;

    /// <summary>True once a circuit's dispatcher is attached.</summary>
    public bool Attached => invoke is not null;

    /// <summary>Attaches the circuit's dispatcher: a component's <c>InvokeAsync</c>.</summary>
    public void Attach(Func<Func<Task>, Task> dispatcherInvoke) => invoke ??= dispatcherInvoke;

    /// <summary>Runs <paramref name="work"/> on the circuit's dispatcher and returns its result.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (invoke is null) return await work();
        T result = default!;
        await invoke(async () => result = await work());
        return result;
    }

    /// <summary>Runs asynchronous <paramref name="work"/> on the circuit's dispatcher and waits for it to finish.</summary>
    public Task RunAsync(Func<Task> work) => invoke is null ? work() : invoke(work);

    /// <summary>Runs <paramref name="work"/> on the circuit's dispatcher.</summary>
    public Task RunAsync(Action work)
    {
        if (invoke is null)
        {
            work();
            return Task.CompletedTask;
        }
        return invoke(() =>
        {
            work();
            return Task.CompletedTask;
        });
    }
}
