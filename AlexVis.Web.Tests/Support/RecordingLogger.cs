using Microsoft.Extensions.Logging;

namespace AlexVis.Web.Tests.Support;

/// <summary>A logger that keeps every message it is given, to check what the server writes.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    /// <summary>Level and formatted message of every entry so far.</summary>
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries) Entries.Add((logLevel, formatter(state, exception)));
    }
}

/// <summary>A clock the test moves by hand (rooms end after a time without activity).</summary>
public sealed class ManualClock : TimeProvider
{
    DateTimeOffset now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => now;

    /// <summary>Moves the clock on.</summary>
    public void Advance(TimeSpan by) => now += by;
}
