using System.Globalization;
using AlexVis.Web.State;
using AlexVis.Web.Tests.Support;

namespace AlexVis.Web.Tests.State;

/// <summary>Work handed to a circuit from another circuit's thread runs in the receiving circuit's language.</summary>
public class CircuitThreadTests
{
    // Blazor's own dispatcher: when idle it runs work at once on the caller's thread, in the caller's execution context.
    static readonly Microsoft.AspNetCore.Components.Dispatcher dispatcher = Microsoft.AspNetCore.Components.Dispatcher.CreateDefault();

    // A student's circuit whose culture came from the cookie: Chinese, attached on its own dispatcher.
    static CircuitThread ChineseStudent() => Words.InCulture("zh-CN", () =>
    {
        var thread = new CircuitThread();
        thread.Attach(work => dispatcher.InvokeAsync(work));
        return thread;
    });

    [Fact]
    public async Task Work_from_another_circuit_runs_in_this_circuits_culture_and_the_callers_culture_is_left_alone()
    {
        var student = ChineseStudent();
        Assert.Equal("zh-CN", student.UICulture.Name);

        // The teacher's circuit, in English, hands the student's circuit a change.
        await Words.InCulture("en", async () =>
        {
            string? seen = null;
            await student.RunAsync(() => { seen = CultureInfo.CurrentUICulture.Name; });
            Assert.Equal("zh-CN", seen);
            Assert.Equal("en", CultureInfo.CurrentUICulture.Name); // the teacher's thread is still in English
            var result = await student.RunAsync(() => Task.FromResult(CultureInfo.CurrentCulture.Name));
            Assert.Equal("zh-CN", result);
            Assert.Equal("en", CultureInfo.CurrentUICulture.Name);
            return 0;
        });
    }

    [Fact]
    public async Task Work_off_the_dispatcher_speaks_in_the_circuits_culture_and_leaves_the_callers_alone()
    {
        var student = ChineseStudent();
        // An upload's request, in English, reading the body for the student's page.
        async Task<string> Reading()
        {
            student.SpeakInCircuitCulture();
            await Task.Yield();
            return CultureInfo.CurrentUICulture.Name;
        }
        await Words.InCulture("en", async () =>
        {
            Assert.Equal("zh-CN", await Reading());
            Assert.Equal("en", CultureInfo.CurrentUICulture.Name);
            return 0;
        });
    }

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
