using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace ConversationEngine.Grains.Persistence;

/// <summary>
/// Grain state as Orleans' own binary serializer writes it (field ids, no type names per object:
/// a message page a third of its JSON size), behind a four-byte tag. A row without the tag was
/// written before, as Newtonsoft JSON with <c>$type</c> names, and is read with the fallback; it
/// is rewritten compactly on its grain's next write.
/// </summary>
public sealed class CompactGrainStateSerializer(Serializer serializer, IGrainStorageSerializer fallback) : IGrainStorageSerializer
{
    private static ReadOnlySpan<byte> Tag => "CEb1"u8;

    public BinaryData Serialize<T>(T? input)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(Tag);
        serializer.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input.ToMemory();
        return bytes.Span.StartsWith(Tag) ? serializer.Deserialize<T>(bytes[Tag.Length..]) : fallback.Deserialize<T>(input);
    }

    /// <summary>
    /// Makes the grain storage named <paramref name="storageName"/> write compactly; its rows in
    /// the default format (JSON) still read. Orleans picks a serializer keyed by the storage's name
    /// over the silo-wide default.
    /// </summary>
    public static void Register(IServiceCollection services, string storageName) =>
        services.AddKeyedSingleton<IGrainStorageSerializer>(storageName, (provider, _) =>
            new CompactGrainStateSerializer(provider.GetRequiredService<Serializer>(), provider.GetRequiredService<IGrainStorageSerializer>()));
}
