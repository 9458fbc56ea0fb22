using ConversationEngine.Grains.Persistence;
using Npgsql;

namespace ConversationEngine.Tests.Persistence;

public sealed class PostgresSchemaTests
{
    [Theory]
    [InlineData("Host=db;Database=engine", PostgresSchema.DefaultMaxPoolSize)]
    [InlineData("Host=db;Database=engine;Maximum Pool Size=7", 7)]
    [InlineData("Host=db;Database=engine;MaxPoolSize=8", 8)]
    [InlineData("Host=db;Database=engine;maximum pool size=9", 9)]
    public void Connections_are_in_utc_with_a_bounded_pool_unless_one_is_given(string given, int pool)
    {
        var settings = new NpgsqlConnectionStringBuilder(PostgresSchema.Normalize(given));
        Assert.Equal("UTC", settings.Timezone);
        Assert.Equal(pool, settings.MaxPoolSize);
        Assert.Equal("db", settings.Host);
    }

    [Fact]
    public void Scripts_run_in_name_order_and_the_last_records_the_current_version()
    {
        var names = PostgresSchema.Files.Select(f => f.Name).ToList();
        Assert.Equal(["001-main.sql", "002-clustering.sql", "003-persistence.sql", "004-reminders.sql", "005-messages.sql", "006-conversations.sql", "007-events.sql", "008-media.sql", "099-version.sql"], names);
        Assert.Contains($"VALUES (1, {PostgresSchema.CurrentVersion})", PostgresSchema.Files[^1].Text, StringComparison.Ordinal);
    }
}
