using ConversationEngine.Grains.Hosting;
using ConversationEngine.Grains.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Media;

public static class MediaServices
{
    /// <summary>
    /// The media store, its options and the URL signer, for a silo and for a front end alike
    /// (both read and write content: uploads stream in at the front end, inbound media at the
    /// silo). The store follows <c>Media:Store</c>, else the storage provider.
    /// </summary>
    public static IServiceCollection AddEngineMedia(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        services.AddValidatedOptions<MediaOptions>(configuration.GetSection(MediaOptions.Section))
            .PostConfigure(media =>
            {
                media.PublicBaseUrl ??= configuration["Engine:PublicBaseUrl"];
                media.SigningSecret ??= NullIfEmpty(configuration["Engine:AuthToken"]);
                media.Store ??= storage.IsPostgres ? MediaOptions.DatabaseStore : MediaOptions.DirectoryStore;
                media.Directory ??= Path.Combine(configuration["Engine:DataDirectory"] is { Length: > 0 } data ? data : "data", "media");
            });
        services.TryAddSingleton<IMediaStore>(provider =>
        {
            var media = provider.GetRequiredService<IOptions<MediaOptions>>().Value;
            return media.Store == MediaOptions.DatabaseStore
                ? new PostgresMediaStore(PostgresSchema.Normalize(storage.ConnectionString
                    ?? throw new InvalidOperationException("Media:Store=Database keeps media in PostgreSQL: set Storage:Provider=PostgreSql and Storage:ConnectionString.")))
                : new FileMediaStore(media.Directory!);
        });
        return services.AddMediaDefaults();
    }

    /// <summary>What a silo built without configuration (tests' clusters) needs: a directory store under <c>data/media</c>.</summary>
    public static IServiceCollection AddMediaDefaults(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<MediaOptions>();
        services.TryAddSingleton<IMediaStore>(provider =>
            new FileMediaStore(provider.GetRequiredService<IOptions<MediaOptions>>().Value.Directory ?? Path.Combine("data", "media")));
        services.TryAddSingleton<MediaUrlSigner>();
        return services;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
