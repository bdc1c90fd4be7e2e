namespace AlexVis.Web.State;

/// <summary>
/// One student's theme: light, or dark for projectors. It is the student's own and stays so when a room drives
/// everything else. Mutated on the circuit's dispatcher, as every piece of a student's state is.
/// </summary>
public sealed class ThemeState
{
    /// <summary>True for the dark theme.</summary>
    public bool Dark { get; private set; }

    /// <summary>Raised after <see cref="Dark"/> changed.</summary>
    public event Action? Changed;

    /// <summary>Chooses the theme; nothing is raised when it is already the one shown.</summary>
    public void SetDark(bool dark)
    {
        if (dark == Dark) return;
        Dark = dark;
        Changed?.Invoke();
    }
}
