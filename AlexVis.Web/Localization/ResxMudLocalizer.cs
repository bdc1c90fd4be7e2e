using Microsoft.Extensions.Localization;

namespace AlexVis.Web.Localization;

/// <summary>
/// MudBlazor's own words (a close button's label, the pagination's) from this app's resources, in the student's
/// language; MudBlazor keeps English for any key not found here.
/// </summary>
public sealed class ResxMudLocalizer(IStringLocalizer<ResxMudLocalizer> localizer) : MudBlazor.MudLocalizer
{
    /// <summary>The translation of MudBlazor's key <paramref name="key"/>.</summary>
    public override LocalizedString this[string key] => localizer[key];

    /// <summary>The translation of MudBlazor's key <paramref name="key"/>, formatted with <paramref name="arguments"/>.</summary>
    public override LocalizedString this[string key, params object[] arguments] => localizer[key, arguments];
}
