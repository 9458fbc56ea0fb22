using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConversationEngine.Bench.Limits;

/// <summary>
/// The plain ASP.NET Core front end the engine is compared with, run as a child process like the
/// engine: a constant JSON answer (the ceiling for page reads), and one INSERT of a message-sized
/// row per POST into SQLite through one writer or into PostgreSQL through 16 pooled connections
/// (the ceilings for message create over HTTP).
/// </summary>
internal static class LimitServer
{
    public const string Command = "limits-server";

    public static string CreateTableSql(bool postgres) => $"""
        CREATE TABLE IF NOT EXISTS bench_messages (
            sid TEXT PRIMARY KEY,
            conversation_sid TEXT NOT NULL,
            idx BIGINT NOT NULL,
            author TEXT,
            body TEXT,
            attributes TEXT NOT NULL,
            date_created {(postgres ? "TIMESTAMPTZ" : "TEXT")} NOT NULL)
        """;

    public const string InsertSql =
        "INSERT INTO bench_messages (sid, conversation_sid, idx, author, body, attributes, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7)";

    private const string SqliteInsertSql =
        "INSERT INTO bench_messages (sid, conversation_sid, idx, author, body, attributes, date_created) VALUES (@sid, @conversation, @idx, @author, @body, @attributes, @created)";

    /// <summary>limits-server url sqlite-connection-string [postgres-connection-string]</summary>
    public static async Task RunAsync(string[] args)
    {
        var (url, sqlite, postgres) = (args[1], args[2], args.Length > 3 ? args[3] : null);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        var app = builder.Build();

        var constant = """{"status":"ok","meta":{"page":0,"page_size":50}}"""u8.ToArray();
        app.MapGet("/healthz", () => Results.Bytes(constant, "application/json"));
        app.MapGet("/constant", () => Results.Bytes(constant, "application/json"));

        // A page the engine answered, put here by the run: the same bytes, from memory.
        var page = constant;
        app.MapPut("/page", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            page = body.ToArray();
        });
        app.MapGet("/page", () => Results.Bytes(page, "application/json"));

        var created = """{"sid":"IM00000000000000000000000000000000"}"""u8.ToArray();
        long index = -1;

        // One writer, as the engine's SQLite file has (one process, one write lock).
        await using var writer = new SqliteConnection(sqlite);
        await writer.OpenAsync();
        using var gate = new SemaphoreSlim(1);
        app.MapPost("/sqlite/messages", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            await gate.WaitAsync();
            try
            {
                await using var insert = SqliteInsert(writer, Interlocked.Increment(ref index), form["Author"].ToString(), form["Body"].ToString());
                await insert.ExecuteNonQueryAsync();
            }
            finally
            {
                gate.Release();
            }

            await CreatedAsync(request.HttpContext.Response, created);
        });

        await using var source = postgres is null ? null : OpenPostgres(postgres, 16);
        if (source is not null)
        {
            app.MapPost("/postgres/messages", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                await using var insert = source.CreateCommand(InsertSql);
                AddRow(insert, Interlocked.Increment(ref index), form["Author"].ToString(), form["Body"].ToString());
                await insert.ExecuteNonQueryAsync();
                await CreatedAsync(request.HttpContext.Response, created);
            });
        }

        await app.RunAsync();
    }

    private static async Task CreatedAsync(HttpResponse response, byte[] body)
    {
        response.StatusCode = StatusCodes.Status201Created;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }

    public static NpgsqlDataSource OpenPostgres(string connectionString, int connections) =>
        new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = connections, MinPoolSize = 0 } }.Build();

    /// <summary>The PostgreSQL row both the HTTP endpoint and the bare-commit ceiling insert.</summary>
    public static void AddRow(NpgsqlCommand insert, long index, string author, string body)
    {
        insert.Parameters.Add(new NpgsqlParameter { Value = "IM" + Guid.NewGuid().ToString("N") });
        insert.Parameters.Add(new NpgsqlParameter { Value = "CH00000000000000000000000000000000" });
        insert.Parameters.Add(new NpgsqlParameter { Value = index });
        insert.Parameters.Add(new NpgsqlParameter { Value = author });
        insert.Parameters.Add(new NpgsqlParameter { Value = body });
        insert.Parameters.Add(new NpgsqlParameter { Value = "{}" });
        insert.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
    }

    /// <summary>The SQLite row both the HTTP endpoint and the bare-commit ceiling insert.</summary>
    public static SqliteCommand SqliteInsert(SqliteConnection connection, long index, string author, string body)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = SqliteInsertSql;
        insert.Parameters.AddWithValue("@sid", "IM" + Guid.NewGuid().ToString("N"));
        insert.Parameters.AddWithValue("@conversation", "CH00000000000000000000000000000000");
        insert.Parameters.AddWithValue("@idx", index);
        insert.Parameters.AddWithValue("@author", author);
        insert.Parameters.AddWithValue("@body", body);
        insert.Parameters.AddWithValue("@attributes", "{}");
        insert.Parameters.AddWithValue("@created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return insert;
    }
}
