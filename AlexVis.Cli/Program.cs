using AlexVis.Cli;
using AlexVis.Model.Imaging.Isolation;

// alexvis starts copies of itself in this mode to decode images (a hostile file can only stop such a copy).
if (DecodeWorker.IsRequested(args)) return DecodeWorker.Run(args);
return await CliApp.RunAsync(args, Console.Out, Console.Error);
