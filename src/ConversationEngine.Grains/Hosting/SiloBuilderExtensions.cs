using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace ConversationEngine.Grains.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// What every silo hosting the engine's grains needs besides storage and clustering, so the
    /// embedded host, stand-alone silos and test clusters are configured alike.
    /// </summary>
    public static ISiloBuilder AddConversationEngineGrains(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
