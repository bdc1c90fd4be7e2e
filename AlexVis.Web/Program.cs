// AlexVis: torchvision's AlexNet, layer by layer, for a class. Wiring: Extensions/ServiceCollectionExtensions.cs.
using AlexVis.Model.Imaging.Isolation;

// The server starts copies of itself in this mode to decode uploads (a hostile file can only stop such a copy).
if (DecodeWorker.IsRequested(args)) return DecodeWorker.Run(args);
AlexVis.Web.AlexVisApp.Build(args).Run();
return 0;
