using System.Reflection;
using System.Text;
using MLNetTransfer.Core;

namespace MLNetTransfer.Tests.Architecture;

/// <summary>
/// The libraries' public API, listed in <c>PublicApi.*.txt</c> beside this file: a change to it fails here until the
/// listing is rewritten (<c>MLNETTRANSFER_WRITE_API=1 dotnet test --filter PublicApiTests</c>), so it shows in review.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Assemblies => ["MLNetTransfer", "MLNetTransfer.Reports"];

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_public_api_is_the_one_listed(string name)
    {
        var assembly = name == "MLNetTransfer" ? typeof(AtomicFile).Assembly : typeof(MLNetTransfer.Reports.ReportWriter).Assembly;
        var listing = Path.Combine(SourceFolder(), $"PublicApi.{name}.txt");
        var actual = Listing(assembly);
        if (Environment.GetEnvironmentVariable("MLNETTRANSFER_WRITE_API") == "1") File.WriteAllText(listing, actual);
        Assert.True(File.Exists(listing), $"{listing} is missing: write it with MLNETTRANSFER_WRITE_API=1");
        var expected = File.ReadAllText(listing).ReplaceLineEndings("\n");
        var added = actual.Split('\n').Except(expected.Split('\n')).ToList();
        var removed = expected.Split('\n').Except(actual.Split('\n')).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"the public API of {name} changed; if that is meant, rewrite {Path.GetFileName(listing)} (MLNETTRANSFER_WRITE_API=1)\n" +
            string.Join("\n", added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l))));
    }

    static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    static string Listing(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var bases = new[] { type.BaseType }.Where(b => b is not null && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
                .Concat(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic)).Select(b => Name(b!)).Order(StringComparer.Ordinal).ToList();
            text.Append(Kind(type)).Append(' ').Append(Name(type)).Append(bases.Count > 0 ? " : " + string.Join(", ", bases) : "").Append('\n');
            var members = type.GetMembers(Declared).Where(Visible).Select(Member).Where(m => m is not null).Order(StringComparer.Ordinal);
            foreach (var member in members) text.Append("  ").Append(member).Append('\n');
        }
        return text.ToString();
    }

    static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo { IsPublic: true } or ConstructorInfo { IsFamily: true },
        FieldInfo f => (f.IsPublic || f.IsFamily) && !f.IsSpecialName,
        PropertyInfo p => p.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily),
        EventInfo e => e.AddMethod is { IsPublic: true },
        _ => false,
    };

    static string? Member(MemberInfo member) => member switch
    {
        ConstructorInfo c when c.IsStatic => null,
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m when m.Name.Contains('<') => null,
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : "")}({Parameters(m)}) : {Name(m.ReturnType)}",
        FieldInfo f when f.DeclaringType!.IsEnum => f.IsStatic ? $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue())}" : null,
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{f.Name} : {Name(f.FieldType)}",
        PropertyInfo p => $"{p.Name} : {Name(p.PropertyType)} {{ {string.Join(" ", Accessors(p))} }}",
        EventInfo e => $"event {e.Name} : {Name(e.EventHandlerType!)}",
        _ => null,
    };

    static IEnumerable<string> Accessors(PropertyInfo property)
    {
        if (property.GetMethod is { } get && (get.IsPublic || get.IsFamily)) yield return "get;";
        if (property.SetMethod is { } set && (set.IsPublic || set.IsFamily))
            yield return set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit") ? "init;" : "set;";
    }

    static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" :
        type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";

    static string Name(Type type)
    {
        if (type.IsByRef) return Name(type.GetElementType()!);
        if (type.IsArray) return Name(type.GetElementType()!) + "[]";
        if (Nullable.GetUnderlyingType(type) is { } inner) return Name(inner) + "?";
        if (type.IsGenericParameter) return type.Name;
        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is { } n ? n + "." : "") + type.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        var arguments = type.IsNested ? type.GetGenericArguments().Skip(type.DeclaringType!.GetGenericArguments().Length) : type.GetGenericArguments();
        return arguments.Any() ? $"{name}<{string.Join(", ", arguments.Select(Name))}>" : name;
    }
}
