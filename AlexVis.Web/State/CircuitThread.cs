using System.Globalization;

namespace AlexVis.Web.State;

/// <summary>
/// The one thread a circuit's state is changed on: its renderer's dispatcher. Work arriving from elsewhere (an
/// upload's HTTP request, a room's broadcast) is run through <see cref="RunAsync{T}"/> so that state pieces need no
/// locks and components never see half a change. The layout attaches the dispatcher when the circuit starts;
/// without a circuit (the benchmarks drive the session directly) work runs where it is called.
/// Work runs in the circuit's own culture: a dispatcher runs what another circuit hands it in the caller's execution
/// context, so a teacher's change would otherwise render a student's page in the teacher's language.
/// </summary>
public sealed class CircuitThread
{
    Func<Func<Task>, Task>? invoke;
    CultureInfo culture = CultureInfo.CurrentCulture, uiCulture = CultureInfo.CurrentUICulture;

    /// <summary>True once a circuit's dispatcher is attached.</summary>
    public bool Attached => invoke is not null;

    /// <summary>The circuit's language, fixed when it started (the culture cookie or the browser's Accept-Language).</summary>
    public CultureInfo UICulture => uiCulture;

    /// <summary>Attaches the circuit's dispatcher (a component's <c>InvokeAsync</c>), called on the circuit's thread: its culture is kept.</summary>
    public void Attach(Func<Func<Task>, Task> dispatcherInvoke)
    {
        if (invoke is not null) return;
        (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        invoke = work => dispatcherInvoke(async () =>
        {
            // Set inside the dispatched work, so the render it causes is in this circuit's language; the caller's
            // culture comes back when this async work returns (the culture lives in the execution context).
            SpeakInCircuitCulture();
            await work();
        });
    }

    /// <summary>
    /// Puts the circuit's culture on the calling flow, for work that speaks to this page: what its dispatcher runs, and
    /// what runs off it (an upload's request reading the body). Called inside an async method, the caller's culture is left alone.
    /// </summary>
    public void SpeakInCircuitCulture() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);

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
