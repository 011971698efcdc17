using MLNetTransfer.Cli.Commands.Activations;
using MLNetTransfer.Cli.Commands.Augment;
using MLNetTransfer.Cli.Commands.Bench;
using MLNetTransfer.Cli.Commands.Compare;
using MLNetTransfer.Cli.Commands.Config;
using MLNetTransfer.Cli.Commands.Datasets;
using MLNetTransfer.Cli.Commands.Evaluate;
using MLNetTransfer.Cli.Commands.Explain;
using MLNetTransfer.Cli.Commands.Init;
using MLNetTransfer.Cli.Commands.LrFind;
using MLNetTransfer.Cli.Commands.Export;
using MLNetTransfer.Cli.Commands.Filters;
using MLNetTransfer.Cli.Commands.Predict;
using MLNetTransfer.Cli.Commands.Report;
using MLNetTransfer.Cli.Commands.Suspects;
using MLNetTransfer.Cli.Commands.Train;
using Spectre.Console.Cli;

namespace MLNetTransfer.Cli;

/// <summary>The verbs of <c>mlnet-transfer</c>; shared by Program and the tests.</summary>
public static class CliSetup
{
    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("mlnet-transfer");
        config.AddCommand<InitCommand>("init")
            .WithDescription("Look at a folder of images (class sub-folders, class in the file names, or a CSV) and write a config that trains on it: the classes and their counts, the files left out, a mode for the dataset's size, and why. Never overwrites a file.")
            .WithExample("init", "photos/", "--out", "my-experiment.json");
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train and evaluate the experiment a JSON config describes; writes a run folder.")
            .WithExample("train", "configs/quickstart.json");
        config.AddCommand<LrFindCommand>("lr-find")
            .WithDescription("Sweep the learning rate of a config's first training phase exponentially, as fastai's lr_find: plots the loss against the rate (lr-find.png) and suggests a rate; trains nothing.")
            .WithExample("lr-find", "configs/pets-fine-tune.json");
        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Evaluate a run's model on its test set, or on another folder of class sub-folders. Unusable images are skipped, named and listed in skipped.csv; the exit code stays 0, and is 2 when no image is usable.")
            .WithExample("evaluate", "runs/quickstart/20261127-120000", "--data", "photos/");
        config.AddCommand<PredictCommand>("predict")
            .WithDescription("Classify images (files or folders) with a run's model. Unusable images are skipped, named and listed in <csv>.skipped.csv; the exit code stays 0, and is 2 when no image is usable.")
            .WithExample("predict", "runs/quickstart/20261127-120000", "cat.jpg", "more-photos/");
        config.AddCommand<ExportCommand>("export")
            .WithDescription("Save a run's model.zip again with more outputs: --heatmap adds where the model looked (the Heatmap column), for a run trained without export.heatmap.")
            .WithExample("export", "runs/quickstart/20261127-120000", "--heatmap");
        config.AddCommand<ExplainCommand>("explain")
            .WithDescription("Write heat-map overlays (Grad-CAM by default; nine other CAM methods and three pixel attributions, or the run's best by its ranking) showing where a run's model looks in each image, with their quality figures. Unusable images are skipped, named and listed in skipped.csv; the exit code stays 0, and is 2 when no image is usable.")
            .WithExample("explain", "runs/quickstart/20261127-120000", "cat.jpg", "--method", "grad-cam");
        config.AddCommand<SuspectsCommand>("suspects")
            .WithDescription("List the training photos whose given label the model finds least likely, scored by heads that never saw them (5-fold on the backbone's features): where mislabelled photos hide.")
            .WithExample("suspects", "runs/quickstart/20261127-120000", "--top", "10");
        config.AddCommand<ReportCommand>("report")
            .WithDescription("Write the run's report.html (and report.json) again: metrics, curves, mistakes with Grad-CAM, activations, filters.")
            .WithExample("report", "runs/quickstart/20261127-120000");
        config.AddCommand<CompareCommand>("compare")
            .WithDescription("Compare runs side by side: mode, backbone, accuracy, AUC, time, Grad-CAM quality; the best of each column marked.")
            .WithExample("compare", "runs/a/20261127-120000", "runs/b/20261127-130000", "--out", "compare.html");
        config.AddCommand<ActivationsCommand>("activations")
            .WithDescription("Write each chosen layer's output for one image as a grid of channels in viridis. An unusable image exits with 2, naming the file and the reason.")
            .WithExample("activations", "runs/quickstart/20261127-120000", "cat.jpg");
        config.AddCommand<FiltersCommand>("filters")
            .WithDescription("Write, for layers from low to high, the images their filters respond to most (gradient ascent).")
            .WithExample("filters", "runs/quickstart/20261127-120000", "-n", "16", "--readable");
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Measure feature extraction, fine-tuning, Grad-CAM and filter ascent against raw ONNX Runtime, bare TorchSharp and the CPU's arithmetic limit.")
            .WithExample("bench", "--data", "../shared/datasets/pets-kaggle-500", "--seconds", "10");
        config.AddBranch("datasets", datasets =>
        {
            datasets.SetDescription("Datasets the framework provides.");
            datasets.AddCommand<SynthCommand>("synth")
                .WithDescription("Generate the synthetic cats-vs-dogs-style dataset (deterministic for a seed).");
        });
        config.AddBranch("augment", augment =>
        {
            augment.SetDescription("Data augmentation.");
            augment.AddCommand<PreviewCommand>("preview")
                .WithDescription("Write a grid PNG of augmented versions of one image, as training would see them.")
                .WithExample("augment", "preview", "configs/pets-frozen-base-augmented.json", "-n", "9");
        });
        config.AddBranch("config", configs =>
        {
            configs.SetDescription("Experiment config files.");
            configs.AddCommand<SchemaCommand>("schema")
                .WithDescription("Print the JSON Schema of experiment configs (configs/experiment.schema.json).");
        });
    }
}
