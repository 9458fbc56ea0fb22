using System.Collections;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ConversationEngine.Grains.Hosting;

/// <summary>
/// The data annotations of an options class, items of its lists included (Engine:ApiKeys:N),
/// each failure reported once with the message its attribute gives.
/// </summary>
public sealed class AnnotationValidator<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Collect(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Collect(object instance, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => r.ErrorMessage ?? $"{string.Join(", ", r.MemberNames)} is invalid"));
        }

        foreach (var property in instance.GetType().GetProperties())
        {
            if (property.PropertyType != typeof(string) && property.GetIndexParameters().Length == 0 && property.GetValue(instance) is IEnumerable items)
            {
                foreach (var item in items)
                {
                    if (item is not null && item.GetType().IsClass && item is not string)
                    {
                        Collect(item, failures);
                    }
                }
            }
        }
    }
}
