using Npgsql;

namespace ConversationEngine.Bench.Limits;

/// <summary>A fresh PostgreSQL database for one run or cell, made and dropped through the admin connection the bench was given.</summary>
internal sealed record BenchDatabase(string Name, string ConnectionString)
{
    public static async Task<BenchDatabase> CreateAsync(string admin, string purpose)
    {
        var name = $"bench_{purpose}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new BenchDatabase(name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public static async Task DropAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
