using System.Diagnostics.Metrics;

namespace AlexVis.Web.Services;

/// <summary>
/// AlexVis's metrics (meter "AlexVis"), visible with <c>dotnet-counters monitor -n AlexVis.Web --counters AlexVis</c>.
/// </summary>
public sealed class Telemetry
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "AlexVis";

    /// <summary>Creates the instruments on the application's meter factory.</summary>
    public Telemetry(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        Forward = meter.CreateHistogram<double>("alexvis.forward.duration", "ms", "Forward (and capture) time of one batch");
        Decode = meter.CreateHistogram<double>("alexvis.decode.duration", "ms", "Time from an upload's bytes to its crop: waiting for a decoder worker, then decoding, resizing and cropping");
        QueueWait = meter.CreateHistogram<double>("alexvis.queue.wait", "ms", "Time a job waited in the inference queue");
        BatchSize = meter.CreateHistogram<int>("alexvis.batch.size", "{image}", "Images traced in one forward");
        Step = meter.CreateHistogram<double>("alexvis.step.duration", "ms", "Server time to prepare one slider step");
        Rejected = meter.CreateCounter<long>("alexvis.images.rejected", "{image}", "Uploads refused with a message");
        meter.CreateObservableGauge("alexvis.queue.length", () => QueueLength?.Invoke() ?? 0, "{job}", "Jobs waiting in the inference queue");
    }

    /// <summary>Batch time.</summary>
    public Histogram<double> Forward { get; }

    /// <summary>Decoder wait and work per image.</summary>
    public Histogram<double> Decode { get; }

    /// <summary>Queue wait per job.</summary>
    public Histogram<double> QueueWait { get; }

    /// <summary>Images per forward.</summary>
    public Histogram<int> BatchSize { get; }

    /// <summary>Server time per slider step.</summary>
    public Histogram<double> Step { get; }

    /// <summary>Refused uploads.</summary>
    public Counter<long> Rejected { get; }

    /// <summary>Reads the queue length for the gauge.</summary>
    public Func<int>? QueueLength { get; set; }
}
