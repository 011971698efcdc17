using System.Runtime.Intrinsics.X86;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace MLNetTransfer.Training;

/// <summary>The number format training computes in (Keras calls it the dtype policy).</summary>
public enum TrainingPrecision
{
    /// <summary>Mixed bfloat16 where the CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX), float32 elsewhere.</summary>
    Auto,
    /// <summary>Everything in float32.</summary>
    [JsonStringEnumMemberName("float32")]
    Float32,
    /// <summary>
    /// Convolutions and matrix products in bfloat16, as autocast does it; weights, BatchNormalization statistics, the
    /// head, the loss and the optimizer stay float32. Slow on a CPU without native bfloat16.
    /// </summary>
    [JsonStringEnumMemberName("mixed-bfloat16")]
    MixedBFloat16,
}

public static class TrainingPrecisionExtensions
{
    /// <summary><see cref="TrainingPrecision.Auto"/> made definite for this CPU; the others as they are.</summary>
    public static TrainingPrecision Resolve(this TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Auto => HasNativeBFloat16() ? TrainingPrecision.MixedBFloat16 : TrainingPrecision.Float32,
        _ => precision,
    };

    /// <summary>The type convolutions and matrix products compute in; null for the weights' own (float32).</summary>
    public static ScalarType? ComputeType(this TrainingPrecision precision) =>
        precision.Resolve() == TrainingPrecision.MixedBFloat16 ? ScalarType.BFloat16 : null;

    // CPUID leaf 7: sub-leaf 1 EAX bit 5 is AVX512_BF16, sub-leaf 0 EDX bit 22 is AMX-BF16. Avx512F.IsSupported also
    // says the operating system saves the AVX-512 registers. Elsewhere (Arm included) libtorch's bfloat16 is not assumed fast.
    static bool HasNativeBFloat16()
    {
        if (!X86Base.IsSupported || !Avx512F.IsSupported || X86Base.CpuId(0, 0).Eax < 7) return false;
        var avx512BFloat16 = (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0;
        var amxBFloat16 = (X86Base.CpuId(7, 0).Edx & (1 << 22)) != 0;
        return avx512BFloat16 || amxBFloat16;
    }
}
