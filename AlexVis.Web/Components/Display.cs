using System.Globalization;

namespace AlexVis.Web.Components;

/// <summary>Numbers the page writes itself (the figures' numbers are formatted by js/plots.js), the same whatever the server's culture.</summary>
public static class Display
{
    /// <summary>A fraction as a percentage, e.g. 0.5312 → "53.12 %".</summary>
    public static string Percent(double fraction, int decimals) =>
        (fraction * 100).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture) + " %";

    /// <summary>A change in a fraction as signed percentage points, e.g. −0.0123 → "−1.23 %".</summary>
    public static string Change(double fraction, int decimals) =>
        (fraction < 0 ? "−" : "+") + Percent(Math.Abs(fraction), decimals);
}
