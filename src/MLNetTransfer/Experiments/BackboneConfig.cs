using System.ComponentModel;

namespace MLNetTransfer.Experiments;

/// <summary>A bundled backbone by <see cref="Name"/>, or a user's ONNX model by <see cref="Onnx"/>.</summary>
public sealed record BackboneConfig
{
    [Description("A bundled backbone: resnet18 (ImageNet ResNet18 from Microsoft.ML.DnnImageFeaturizer.ResNet18). Default: resnet18 when onnx is not given.")]
    public string? Name { get; init; }

    [Description("Path of your own ONNX image model (a CNN with one image input [N,3,H,W] and a feature output), instead of name. A free H and W are fixed from imageSize in the run's copy.")]
    public string? Onnx { get; init; }

    [Description("The ONNX model's image input. Default: its only input.")]
    public string? InputName { get; init; }

    [Description("The tensor used as features: an output of the model, or any tensor inside it (the run's copy is cut there, as Keras' Model(base.input, layer.output) does). Default: its only output.")]
    public string? OutputName { get; init; }

    [Description("How pixels are prepared for the ONNX model. Only with onnx; bundled backbones know their own.")]
    public PreprocessingConfig? Preprocessing { get; init; }

    [Description("small-convnet only: a BatchNormalization after each convolution, before its ReLU (Keras' Conv2D + BatchNormalization + Activation), which lets the from-scratch convnet learn faster. Default: false, the book's convnet.")]
    public bool? BatchNormalization { get; init; }
}
