using AlexVis.Bench;

// Benchmarks print numbers, each as name=value, with ratios against a baseline measured in the same run.
var mode = args.Length > 0 ? args[0] : "model";
var rest = args.Length > 0 ? args[1..] : [];
return mode switch
{
    "model" => ModelBench.Run(rest),
    "browser" => await BrowserBench.RunAsync(rest),
    "classroom" => await ClassroomBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project AlexVis.Bench [-- model [--threads N] | browser | classroom]");
    return 2;
}
