using System.Globalization;

namespace AlexVis.Web.Components;

/// <summary>Numbers as the panels show them, the same whatever the server's culture.</summary>
public static class Display
{
    /// <summary>An activation or weight to 4 significant digits, as the browser's tooltips show it.</summary>
    public static string Value(float v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>A fraction as a percentage, e.g. 0.5312 → "53.12 %".</summary>
    public static string Percent(double fraction, int decimals) =>
        (fraction * 100).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture) + " %";
}
