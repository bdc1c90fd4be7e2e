using AlexVis.Web.State;

namespace AlexVis.Web.Tests.State;

public class ThemeStateTests
{
    [Fact]
    public void Choosing_the_theme_shown_raises_nothing_and_a_new_one_raises_once()
    {
        var theme = new ThemeState();
        int changes = 0;
        theme.Changed += () => changes++;
        theme.SetDark(false);
        Assert.Equal(0, changes);
        theme.SetDark(true);
        theme.SetDark(true);
        Assert.True(theme.Dark);
        Assert.Equal(1, changes);
    }
}

public class CircuitThreadTests
{
    [Fact]
    public async Task Without_a_circuit_work_runs_where_it_is_called_and_with_one_on_its_dispatcher()
    {
        var thread = new CircuitThread();
        Assert.False(thread.Attached);
        int caller = Environment.CurrentManagedThreadId;
        Assert.Equal(caller, await thread.RunAsync(() => Task.FromResult(Environment.CurrentManagedThreadId)));

        var dispatcher = Microsoft.AspNetCore.Components.Dispatcher.CreateDefault();
        thread.Attach(work => dispatcher.InvokeAsync(work));
        Assert.True(await Task.Run(() => thread.RunAsync(() => Task.FromResult(dispatcher.CheckAccess()))));
        bool ran = false;
        await Task.Run(() => thread.RunAsync(() => ran = dispatcher.CheckAccess()));
        Assert.True(ran);
    }
}
