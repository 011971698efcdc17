using System.Reflection;
using System.Reflection.Emit;
using MLNetTransfer.Core;

namespace MLNetTransfer.Tests.Architecture;

/// <summary>
/// The library's namespaces are layers that point one way: a namespace may use those before it in <see cref="Layers"/>
/// and never one after it. Read from the compiled assembly (signatures and method bodies, lambdas and iterators
/// included), so no reference escapes by being written fully qualified.
/// </summary>
public class LayerTests
{
    // Lowest first. Imaging draws pictures for any layer; Training builds on Pipelines' augmentation and ONNX stage
    // chain; Experiments turns configs into runs of everything below; Reports read finished runs.
    static readonly string[] Layers =
        ["Core", "Imaging", "Data", "Evaluation", "Backbones", "Pipelines", "Training", "Interpretability", "Experiments", "Reports"];

    [Fact]
    public void No_namespace_uses_one_above_it()
    {
        var assembly = typeof(AtomicFile).Assembly;
        var wrong = new SortedSet<string>();
        foreach (var type in assembly.GetTypes())
        {
            var from = Layer(type);
            if (from < 0) continue;
            foreach (var used in References(type).Where(t => t.Assembly == assembly))
                if (Layer(used) > from) wrong.Add($"{Name(type)} -> {Name(used)}");
        }
        Assert.True(wrong.Count == 0, $"references that point up the layers ({string.Join(" <- ", Layers)}):\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_namespace_has_a_layer()
    {
        var unplaced = typeof(AtomicFile).Assembly.GetTypes()
            .Where(t => t.Namespace is { } n && n.StartsWith("MLNetTransfer.", StringComparison.Ordinal) && Layer(t) < 0)
            .Select(t => t.Namespace).Distinct().ToList();
        Assert.Empty(unplaced);
    }

    [Fact]
    public void A_type_used_only_inside_a_lambda_is_found()
    {
        var used = typeof(LambdaOnly).GetNestedTypes(Declared).Prepend(typeof(LambdaOnly)).SelectMany(References);
        Assert.Contains(typeof(MLNetTransfer.Experiments.RunProgress), used);
    }

    static class LambdaOnly
    {
        public static int Count(IEnumerable<string> steps) => steps.Count(step => new MLNetTransfer.Experiments.RunProgress(step, 0, 0).Done > 0);
    }

    static string Name(Type type) => (type.FullName ?? type.Name)["MLNetTransfer.".Length..].Split('+')[0].Split('`')[0];

    static int Layer(Type type)
    {
        var name = type.Namespace;
        if (name is null || !name.StartsWith("MLNetTransfer.", StringComparison.Ordinal)) return -1;
        return Array.IndexOf(Layers, name["MLNetTransfer.".Length..].Split('.')[0]);
    }

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    static IEnumerable<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t)) return;
            if (t.HasElementType) Add(t.GetElementType());
            if (t.IsConstructedGenericType) foreach (var argument in t.GetGenericArguments()) Add(argument);
        }
        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var field in type.GetFields(Declared)) Add(field.FieldType);
        foreach (var property in type.GetProperties(Declared)) Add(property.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m) Add(m.ReturnType);
            foreach (var parameter in method.GetParameters()) Add(parameter.ParameterType);
            foreach (var local in method.GetMethodBody()?.LocalVariables ?? []) Add(local.LocalType);
            foreach (var member in BodyMembers(method))
                switch (member)
                {
                    case Type t: Add(t); break;
                    case FieldInfo f: Add(f.DeclaringType); Add(f.FieldType); break;
                    case MethodBase b:
                        Add(b.DeclaringType);
                        if (b is MethodInfo info) Add(info.ReturnType);
                        if (b.IsGenericMethod) foreach (var argument in b.GetGenericArguments()) Add(argument);
                        break;
                }
        }
        return found;
    }

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    // The fields, methods and types a method body's instructions name.
    static IEnumerable<MemberInfo> BodyMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at++];
            if (value == 0xFE) value = (short)(0xFE00 | il[at++]);
            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    MemberInfo? member;
                    try
                    {
                        member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                        member = null;
                    }
                    if (member is not null) yield return member;
                    at += 4;
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: at += 1; break;
                case OperandType.InlineVar: at += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: at += 8; break;
                case OperandType.InlineSwitch: at += 4 + 4 * BitConverter.ToInt32(il, at); break;
                default: at += 4; break;
            }
        }
    }
}
