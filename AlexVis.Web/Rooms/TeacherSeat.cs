using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace AlexVis.Web.Rooms;

/// <summary>
/// Where a teacher's page keeps its class across a reload: the room's code and teacher key in the tab's session
/// storage, encrypted and signed with the app's data-protection keys (shared in Redis across servers), so a reload
/// or a dropped connection does not cost the teacher the class. A student's page never has one.
/// </summary>
public sealed class TeacherSeat(ProtectedSessionStorage storage, ILogger<TeacherSeat> logger)
{
    const string Name = "alexvis.teacher";

    /// <summary>Keeps the class this page leads.</summary>
    public async Task KeepAsync(string code, string teacherKey)
    {
        try
        {
            await storage.SetAsync(Name, new Seat(code, teacherKey));
        }
        catch (Exception e) when (e is Microsoft.JSInterop.JSException or TaskCanceledException)
        {
            // The page still leads; only a reload would lose the class, as before.
            logger.LogWarning(e, "The teacher's page could not keep class {Code} for a reload", code);
        }
    }

    /// <summary>The class this tab led before it was reloaded, if any (only after the page's first render: it needs the browser).</summary>
    public async Task<(string Code, string TeacherKey)?> FindAsync()
    {
        try
        {
            var kept = await storage.GetAsync<Seat>(Name);
            return kept is { Success: true, Value: { } seat } ? (seat.Code, seat.TeacherKey) : null;
        }
        catch (CryptographicException e)
        {
            // Kept with keys this server no longer has (they were not shared): as if nothing were kept.
            logger.LogInformation(e, "A teacher's kept class could not be read");
            await ForgetAsync();
            return null;
        }
    }

    /// <summary>Forgets the kept class (it has ended).</summary>
    public ValueTask ForgetAsync() => storage.DeleteAsync(Name);

    sealed record Seat(string Code, string TeacherKey);
}
