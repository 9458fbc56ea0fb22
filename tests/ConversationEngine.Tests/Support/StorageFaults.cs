using ConversationEngine.Grains.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace ConversationEngine.Tests.Support;

/// <summary>
/// Grain-state writes that fail on demand, the way a database refusing a write shows up to a grain:
/// the engine's own state serializer for the <c>store</c> storage, throwing for the states
/// <see cref="Fails"/> picks (nothing reaches the database then). Reads are untouched.
/// </summary>
public sealed class StorageFaults
{
    /// <summary>Which states to refuse to write; null writes everything.</summary>
    public Func<object?, bool>? Fails { get; set; }

    /// <summary>Installs the faults in an engine host's services (pass to <see cref="EngineHost.StartAsync"/>).</summary>
    public void Install(IServiceCollection services) =>
        services.AddKeyedSingleton<IGrainStorageSerializer>("store", (provider, _) => new Serializer(
            this,
            new CompactGrainStateSerializer(provider.GetRequiredService<Orleans.Serialization.Serializer>(), provider.GetRequiredService<IGrainStorageSerializer>())));

    private sealed class Serializer(StorageFaults faults, IGrainStorageSerializer inner) : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) =>
            faults.Fails?.Invoke(input) == true
                ? throw new InvalidOperationException("Injected: the database refused the write")
                : inner.Serialize(input);

        public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);
    }
}
