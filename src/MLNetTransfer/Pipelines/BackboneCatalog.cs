using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using MLNetTransfer.Backbones;
using MLNetTransfer.Pipelines.Orientation;

namespace MLNetTransfer.Pipelines;

/// <summary>ML.NET catalog entry points for backbones.</summary>
public static class BackboneCatalog
{
    /// <summary>
    /// The declarative chain that turns an image path into the backbone's features: <see cref="ExtractBackbonePixels"/>
    /// then <see cref="BackboneFeaturesFromPixels"/>. Everything in it is stock ML.NET, so a model that contains it loads
    /// with <c>MLContext.Model.Load</c> alone.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="backbone">The network and how to feed it.</param>
    /// <param name="outputColumnName">Column receiving the feature vector. Default: Features.</param>
    /// <param name="imagePathColumnName">Column holding image file paths (absolute, or relative to the working folder). Default: ImagePath.</param>
    public static IEstimator<ITransformer> ExtractBackboneFeatures(this TransformsCatalog catalog, Backbone backbone,
        string outputColumnName = "Features", string imagePathColumnName = "ImagePath") =>
        catalog.ExtractBackboneOutputs(backbone, [], outputColumnName, imagePathColumnName);

    /// <summary>As above, with the network's other outputs named in <paramref name="alsoFromNetwork"/> as columns too.</summary>
    internal static IEstimator<ITransformer> ExtractBackboneOutputs(this TransformsCatalog catalog, Backbone backbone, IReadOnlyList<string> alsoFromNetwork,
        string outputColumnName = "Features", string imagePathColumnName = "ImagePath") =>
        catalog.ExtractBackbonePixels(backbone, backbone.PixelsName, imagePathColumnName)
            .Append(catalog.BackboneOutputsFromPixels(backbone, alsoFromNetwork, outputColumnName));

    /// <summary>
    /// ApplyOnnxModel for each ONNX stage (preprocessing, then the network) from the pixel column named
    /// <see cref="Backbone.PixelsName"/> to <paramref name="outputColumnName"/>: what follows pixel extraction, and any
    /// augmentation of the pixels.
    /// </summary>
    public static IEstimator<ITransformer> BackboneFeaturesFromPixels(this TransformsCatalog catalog, Backbone backbone, string outputColumnName = "Features") =>
        catalog.BackboneOutputsFromPixels(backbone, [], outputColumnName);

    static IEstimator<ITransformer> BackboneOutputsFromPixels(this TransformsCatalog catalog, Backbone backbone, IReadOnlyList<string> alsoFromNetwork, string outputColumnName)
    {
        var (chain, last) = catalog.ApplyOnnxStages(backbone.Stages, backbone.PixelsName, backbone.Model, alsoFromNetwork);
        return chain.Append(catalog.CopyColumns(outputColumnName, last));
    }

    /// <summary>
    /// <see cref="ExtractBackbonePixels"/>, then ApplyOnnxModel for each preprocessing stage: the tensor the backbone
    /// network takes, as a float vector [3 * height * width].
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="backbone">The network and how to feed it.</param>
    /// <param name="outputColumnName">Column receiving the network's input. Default: Pixels.</param>
    /// <param name="imagePathColumnName">Column holding image file paths. Default: ImagePath.</param>
    public static IEstimator<ITransformer> PrepareBackboneInput(this TransformsCatalog catalog, Backbone backbone,
        string outputColumnName = "Pixels", string imagePathColumnName = "ImagePath")
    {
        var (stages, last) = catalog.ApplyOnnxStages(backbone.Stages.SkipLast(1), backbone.PixelsName, backbone.Model);
        var chain = catalog.ExtractBackbonePixels(backbone, backbone.PixelsName, imagePathColumnName).Append(stages);
        return last == outputColumnName ? chain : chain.Append(catalog.CopyColumns(outputColumnName, last));
    }

    /// <summary>
    /// ApplyOnnxModel for each stage in order, from column <paramref name="from"/>; returns the chain and the column it
    /// ends in. ApplyOnnxModel binds columns to graph tensors by name, so each stage's input is copied under its
    /// tensor's name where it differs. <paramref name="network"/> gets every core, any other stage one thread (see
    /// <see cref="OnnxThreads"/>) and also outputs the tensors <paramref name="alsoFromNetwork"/> names as columns.
    /// </summary>
    internal static (IEstimator<ITransformer> Chain, string Last) ApplyOnnxStages(this TransformsCatalog catalog, IEnumerable<OnnxStage> stages, string from, OnnxStage network,
        IReadOnlyList<string>? alsoFromNetwork = null)
    {
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        var current = from;
        foreach (var stage in stages)
        {
            if (current != stage.InputName) chain = chain.Append(catalog.CopyColumns(stage.InputName, current));
            chain = chain.Append(catalog.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = stage.Path,
                InputColumns = [stage.InputName],
                OutputColumns = stage == network ? [stage.OutputName, .. alsoFromNetwork ?? []] : [stage.OutputName],
                IntraOpNumThreads = OnnxThreads(stage == network),
            }));
            current = stage.OutputName;
        }
        return (chain, current);
    }

    /// <summary>
    /// ONNX Runtime threads for a stage: every core for the network; one for a preprocessing graph. Each session's idle
    /// threads spin while the other session runs, so a second multi-threaded pool halves the network's speed on two cores.
    /// </summary>
    public static int OnnxThreads(bool network) => network ? Environment.ProcessorCount : 1;

    /// <summary>
    /// LoadImages -> (ApplyExifOrientation) -> ResizeImages -> ExtractPixels with the backbone's size, channel order and scale: the image as a
    /// planar float vector [3 * height * width], before any preprocessing graph. Augmentation works on this.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="backbone">The network whose input size and pixel format to use.</param>
    /// <param name="outputColumnName">Column receiving the pixels. Default: Pixels.</param>
    /// <param name="imagePathColumnName">Column holding image file paths. Default: ImagePath.</param>
    public static IEstimator<ITransformer> ExtractBackbonePixels(this TransformsCatalog catalog, Backbone backbone,
        string outputColumnName = "Pixels", string imagePathColumnName = "ImagePath")
    {
        const string image = "Image";
        IEstimator<ITransformer> load = catalog.LoadImages(image, imageFolder: null!, imagePathColumnName);
        var loaded = image;
        if (backbone.ApplyExifOrientation)
        {
            if (imagePathColumnName != "ImagePath")
                throw new ArgumentException("EXIF orientation reads the file named in the ImagePath column", nameof(imagePathColumnName));
            load = load.Append(catalog.ApplyExifOrientation());
            loaded = OrientationCatalog.UprightImageColumn;
        }
        return load
            .Append(catalog.ResizeImages(image, backbone.Width, backbone.Height, loaded,
                // Crop the centre at the image's own aspect ratio, as torchvision's Resize+CenterCrop does.
                resizing: ImageResizingEstimator.ResizingKind.IsoCrop))
            .Append(catalog.ExtractPixels(outputColumnName, image,
                colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Rgb,
                orderOfExtraction: backbone.ChannelOrder == ChannelOrder.Rgb
                    ? ImagePixelExtractingEstimator.ColorsOrder.ARGB
                    : ImagePixelExtractingEstimator.ColorsOrder.ABGR,
                interleavePixelColors: false,
                scaleImage: backbone.Scale));
    }
}
