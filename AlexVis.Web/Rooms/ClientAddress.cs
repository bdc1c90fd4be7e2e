namespace AlexVis.Web.Rooms;

/// <summary>
/// The address a circuit's browser connects from, read once when the circuit starts (its first render runs inside the
/// connection's request, the only time an interactive page has one); joins are rate-limited by it.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor http)
{
    /// <summary>The remote address, or "unknown" when there was no request (tests, benchmarks).</summary>
    public string Value { get; } = http.HttpContext?.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
