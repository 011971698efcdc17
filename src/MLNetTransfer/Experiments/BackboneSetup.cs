using MLNetTransfer.Backbones;
using Microsoft.ML.OnnxRuntime;
using MLNetTransfer.Core;

namespace MLNetTransfer.Experiments;

/// <summary>Turns <c>backbone</c> of a config into a <see cref="Backbone"/> whose ONNX files sit in the run folder.</summary>
internal static class BackboneSetup
{
    /// <summary>
    /// Copies the backbone's ONNX files (and writes a generated preprocessing graph where the config asks for one) into
    /// <paramref name="folder"/>, so the run keeps the exact network it used, and checks the model against the config.
    /// </summary>
    public static Backbone Place(ExperimentDefinition definition, string folder)
    {
        var config = definition.Config;
        var backboneConfig = definition.Resolved.Backbone;
        Directory.CreateDirectory(folder);
        var smallConvnet = ModeDefaults.SmallConvnetSize(config);
        var source = backboneConfig switch
        {
            { Onnx: { } onnx } => FromUserModel(definition, backboneConfig, onnx, folder),
            { Name: ModeDefaults.SmallConvnet } => SmallConvnet.Write(Path.Combine(folder, ModeDefaults.SmallConvnet + ".onnx"), smallConvnet.Width, smallConvnet.Height, config.Seed, backboneConfig.BatchNormalization == true),
            { Name: { } name } => BundledBackbones.Get(name),
            _ => throw new ConfigException(definition.ConfigPath, "backbone", "give name or onnx"),
        };

        if (config.ImageSize is { } size && (size.Width != source.Width || size.Height != source.Height))
            throw new ConfigException(definition.ConfigPath, "imageSize",
                $"{size.Width} x {size.Height} differs from the backbone's fixed input {source.Width} x {source.Height}; leave imageSize out to use it");

        OnnxStage Copy(OnnxStage stage)
        {
            var target = Path.Combine(folder, Path.GetFileName(stage.Path));
            // A resumed run already holds its files, and may still have them open.
            if (Path.GetFullPath(target) != Path.GetFullPath(stage.Path) && !SameContent(stage.Path, target)) AtomicFile.Write(target, temporary => File.Copy(stage.Path, temporary, overwrite: true));
            return stage with { Path = target };
        }

        var preprocessing = backboneConfig.Preprocessing;
        var preprocessor = source.Preprocessor is { } bundled
            ? Copy(bundled)
            : preprocessing is { Mean: not null } or { Std: not null }
                ? NormalizationModel.Write(Path.Combine(folder, "normalize.onnx"), source.Width, source.Height,
                    preprocessing!.Mean ?? [0f, 0f, 0f], preprocessing.Std ?? [1f, 1f, 1f])
                : null;
        return source with
        {
            Model = Copy(source.Model),
            Preprocessor = preprocessor,
            ApplyExifOrientation = config.Dataset.ExifOrientation == ExifOrientationMode.Apply,
        };
    }

    static bool SameContent(string a, string b) =>
        File.Exists(b) && new FileInfo(a).Length == new FileInfo(b).Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));

    // The user's model as given, or the run's copy of it where it must be cut at the chosen tensor or have its free
    // height and width fixed (ML.NET's ONNX scorer allows one free dimension, the batch).
    static Backbone FromUserModel(ExperimentDefinition definition, BackboneConfig config, string onnx, string folder)
    {
        var file = definition.ConfigPath;
        var path = definition.Resolve(onnx);
        Onnx.ModelProto model;
        OnnxModelInfo info;
        try
        {
            model = OnnxModelInfo.Parse(path);
            info = OnnxModelInfo.Of(model);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException(file, "backbone.onnx", e.Message, e);
        }

        // External weights must sit beside the model: a location leading elsewhere would read files the user never named.
        var modelFolder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (tensor, location) in info.ExternalData)
        {
            var target = Path.GetFullPath(Path.Combine(modelFolder, location));
            if (location.Length == 0 || Path.IsPathRooted(location) || !target.StartsWith(modelFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ConfigException(file, "backbone.onnx",
                    $"initializer '{tensor}' keeps its values in '{location}', outside the model's folder {modelFolder}; only files beside the model are read");
            throw new ConfigException(file, "backbone.onnx",
                $"initializer '{tensor}' keeps its values in the external file '{location}'; external data is not supported yet: save the model with its weights inside");
        }

        var input = Pick(file, info.Inputs, config.InputName, "backbone.inputName", "input");
        var output = config.OutputName is { } inner && info.Outputs.All(o => o.Name != inner) && info.Computed.Contains(inner)
            ? new OnnxTensorInfo(inner, []) // a tensor inside the graph: the copy below is cut there
            : Pick(file, info.Outputs, config.OutputName, "backbone.outputName", "output", info.Computed);

        if (input.Shape.Count != 4 || input.Shape[1] is not (null or 3))
            throw new ConfigException(file, "backbone.inputName", $"input {input} is not an image tensor [batch, 3, height, width]");
        var height = input.Shape[2] is { } h ? (int)h : definition.Config.ImageSize?.Height;
        var width = input.Shape[3] is { } w ? (int)w : definition.Config.ImageSize?.Width;
        if (height is null || width is null)
            throw new ConfigException(file, "imageSize", $"required: the model's input {input} leaves its height or width free");
        if (UserModelCopy.Needed(model, input.Name, output.Name))
        {
            path = Path.Combine(folder, Path.GetFileName(path));
            try
            {
                UserModelCopy.Write(model, input.Name, output.Name, height.Value, width.Value, path);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ConfigException(file, "backbone", $"the model cut at '{output.Name}' for {width} x {height} images does not run in ONNX Runtime: {e.Message}", e);
            }
            output = OnnxModelInfo.Read(path).Outputs.Single();
        }
        if (output.LengthPerImage is not > 0)
            throw new ConfigException(file, "backbone.outputName", $"output {output} has a free dimension; the feature length must be fixed");

        var preprocessing = config.Preprocessing ?? new PreprocessingConfig();
        return new Backbone(Path.GetFileNameWithoutExtension(path),
            new OnnxStage(path, input.Name, output.Name),
            width.Value, height.Value, preprocessing.ChannelOrder, preprocessing.Scale, null);
    }

    // inner: the tensors inside the graph that may be named too (for an output), offered as the nearest names.
    static OnnxTensorInfo Pick(string file, IReadOnlyList<OnnxTensorInfo> tensors, string? wanted, string field, string kind, IReadOnlySet<string>? inner = null)
    {
        var names = string.Join(", ", tensors.Select(t => t.ToString()));
        if (wanted is null)
            return tensors.Count == 1 ? tensors[0]
                : throw new ConfigException(file, field, $"the model has {tensors.Count} {kind}s ({names}); name one");
        if (tensors.FirstOrDefault(t => t.Name == wanted) is { } found) return found;
        if (inner is null) throw new ConfigException(file, field, $"the model has no {kind} '{wanted}'; it has: {names}");
        var nearest = ExperimentConfigReader.Nearest(wanted, inner.Concat(tensors.Select(t => t.Name)).Distinct(), 5);
        throw new ConfigException(file, field,
            $"the model has no tensor '{wanted}'; its outputs are {names}, and the nearest names inside it are: {string.Join(", ", nearest)}");
    }
}
