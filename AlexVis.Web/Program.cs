// AlexVis: torchvision's AlexNet, layer by layer, for a class. Wiring: Extensions/ServiceCollectionExtensions.cs.
AlexVis.Web.AlexVisApp.Build(args).Run();
