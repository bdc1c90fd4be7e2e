namespace AlexVis.Web.State;

/// <summary>
/// The address the explorer means: what it shows, which the address bar gets once the state has rested
/// (<c>Display:AddressRestMs</c>). Whatever leaves the page (the language switch's reload) goes back to this address,
/// not to the address bar's, which may still be a step behind. Mutated on the circuit's dispatcher.
/// </summary>
public sealed class AddressState
{
    /// <summary>The absolute address of what the page shows; null until the explorer has said.</summary>
    public string? Intended { get; private set; }

    /// <summary>Records the address of what the page shows now, written to the address bar or about to be; null when the explorer is gone.</summary>
    public void Intend(string? absoluteUri) => Intended = absoluteUri;
}
