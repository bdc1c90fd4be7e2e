using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlexVis.Web.Tests.Support;

/// <summary>The app's real resource-backed localizers, for classes a test builds by hand.</summary>
public static class Words
{
    static readonly ResourceManagerStringLocalizerFactory factory =
        new(Microsoft.Extensions.Options.Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance);

    /// <summary>The localizer <typeparamref name="T"/> gets in the app, reading the current UI culture.</summary>
    public static IStringLocalizer<T> For<T>() => new StringLocalizer<T>(factory);

    /// <summary>What <typeparamref name="T"/>'s resource <paramref name="key"/> says in <paramref name="culture"/>, formatted with <paramref name="args"/>.</summary>
    public static string In<T>(string culture, string key, params object[] args) =>
        InCulture(culture, () => For<T>()[key, args].Value);

    /// <summary>Runs <paramref name="read"/> in <paramref name="culture"/>, as request localization sets it (both cultures).</summary>
    public static TResult InCulture<TResult>(string culture, Func<TResult> read)
    {
        var (before, beforeUi) = (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture);
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(culture);
        try { return read(); }
        finally { (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (before, beforeUi); }
    }
}
