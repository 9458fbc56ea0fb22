using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// The one way the engine's hosts register options: bound from a configuration section (when
/// one is given), checked by data annotations and by any <see cref="IValidateOptions{TOptions}"/>
/// registered for the type, and validated when the host starts rather than at first use.
/// </summary>
public static class ValidatedOptions
{
    /// <param name="section">The section to bind; none for hosts that configure the options in code (test clusters).</param>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfigurationSection? section = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        Durations.EnableIso8601Binding();
        var builder = services.AddOptions<T>();
        // Once per type, however many hosts compose it (the embedded front end and its silo).
        if (section is not null && !services.Any(d => d.ServiceType == typeof(BoundFromConfiguration<T>)))
        {
            services.AddSingleton<BoundFromConfiguration<T>>();
            // Checked before binding, so a bad value is reported by its key instead of as the
            // binder's conversion failure.
            builder.Configure(options =>
            {
                var misfits = Durations.Misfits(section, typeof(T), section.Path + ":").ToList();
                if (misfits.Count > 0)
                {
                    throw new OptionsValidationException(Options.DefaultName, typeof(T), misfits);
                }

                section.Bind(options);
            });
        }

        return builder.ValidateWith<T, AnnotationValidator<T>>().ValidateOnStart();
    }

    /// <summary>Registers <typeparamref name="TValidator"/> once, however many hosts compose it.</summary>
    public static OptionsBuilder<T> ValidateWith<T, TValidator>(this OptionsBuilder<T> builder)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        return builder;
    }

    private sealed class BoundFromConfiguration<T>;
}
