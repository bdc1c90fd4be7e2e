using AlexVis.Bench;
using AlexVis.Model.Imaging.Isolation;

// The classroom bench hosts the app in this process, whose decoder workers are copies of this program.
if (DecodeWorker.IsRequested(args)) return DecodeWorker.Run(args);

// Benchmarks print numbers, each as name=value, with ratios against a baseline measured in the same run.
// A Debug bench would time a Debug app, or a stale Release one: the figures would be nobody's.
if (DebugBuild())
{
    Console.Error.WriteLine("Benchmarks time the Release build: dotnet run -c Release --project AlexVis.Bench -- ...");
    return 2;
}
var mode = args.Length > 0 ? args[0] : "model";
var rest = args.Length > 0 ? args[1..] : [];
return mode switch
{
    "model" => ModelBench.Run(rest),
    "browser" => await BrowserBench.RunAsync(rest),
    "classroom" => await ClassroomBench.RunAsync(rest),
    "soak" => await SoakBench.RunAsync(rest),
    "room" => await RoomBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project AlexVis.Bench [-- model [--threads N] [--rounds 15] [--settle-ms 200] | browser [--rounds 3] [--verbose] | classroom [--rounds 3] [--students 44] [--pages 4] | soak [--minutes 10] [--students 40] [--think 30] | room [--rounds 3] [--sessions 36] [--pages 4] [--pace-ms 700]]");
    return 2;
}

static bool DebugBuild()
{
#if DEBUG
    return true;
#else
    return false;
#endif
}
