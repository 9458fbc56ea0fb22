using System.Collections;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ConversationEngine.Grains.Persistence.Sqlite;

/// <summary>What a command returned, read into memory on the writer's thread: its result sets and rows affected.</summary>
internal sealed class BufferedResults
{
    private BufferedResults(IReadOnlyList<ResultSet> sets, int recordsAffected) => (Sets, RecordsAffected) = (sets, recordsAffected);

    public IReadOnlyList<ResultSet> Sets { get; }

    public int RecordsAffected { get; }

    public static BufferedResults Read(SqliteDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var sets = new List<ResultSet>();
        do
        {
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var rows = new List<Row>();
            while (reader.Read())
            {
                var values = new object[reader.FieldCount];
                var types = new Type[reader.FieldCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.GetValue(i);
                    types[i] = reader.GetFieldType(i);
                }

                rows.Add(new Row(values, types));
            }

            sets.Add(new ResultSet(names, rows));
        }
        while (reader.NextResult());

        return new BufferedResults(sets, reader.RecordsAffected);
    }

    public sealed record ResultSet(string[] Names, IReadOnlyList<Row> Rows);

    public sealed record Row(object[] Values, Type[] Types);
}

/// <summary>
/// A <see cref="DbDataReader"/> over <see cref="BufferedResults"/>, converting values the way
/// Microsoft.Data.Sqlite's reader does (SQLite hands back integers, reals, text and blobs only).
/// </summary>
internal sealed class BufferedDataReader(BufferedResults results) : DbDataReader
{
    private int set;
    private int row = -1;
    private bool closed;

    private BufferedResults.ResultSet Set => results.Sets[set];

    private BufferedResults.Row Current => row >= 0 && row < Set.Rows.Count ? Set.Rows[row] : throw new InvalidOperationException("No current row.");

    public override int FieldCount => Set.Names.Length;

    public override bool HasRows => Set.Rows.Count > 0;

    public override bool IsClosed => closed;

    public override int RecordsAffected => results.RecordsAffected;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool Read() => ++row < Set.Rows.Count;

    public override bool NextResult()
    {
        if (set + 1 >= results.Sets.Count)
        {
            return false;
        }

        (set, row) = (set + 1, -1);
        return true;
    }

    public override void Close() => closed = true;

    public override string GetName(int ordinal) => Set.Names[ordinal];

    public override int GetOrdinal(string name)
    {
        var index = Array.FindIndex(Set.Names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(name), name, "No such column.");
    }

    public override Type GetFieldType(int ordinal) => row >= 0 && row < Set.Rows.Count ? Current.Types[ordinal] : typeof(object);

    public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

    public override object GetValue(int ordinal) => Current.Values[ordinal];

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, FieldCount);
        Array.Copy(Current.Values, values, count);
        return count;
    }

    public override bool IsDBNull(int ordinal) => GetValue(ordinal) is DBNull;

    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));

    public override char GetChar(int ordinal) => GetValue(ordinal) is string text ? text[0] : (char)GetInt64(ordinal);

    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));

    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));

    public override long GetInt64(int ordinal) => GetValue(ordinal) switch
    {
        long value => value,
        double value => (long)value,
        string text => long.Parse(text, CultureInfo.InvariantCulture),
        var other => Convert.ToInt64(other, CultureInfo.InvariantCulture),
    };

    public override double GetDouble(int ordinal) => Convert.ToDouble(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override decimal GetDecimal(int ordinal) => Convert.ToDecimal(GetValue(ordinal), CultureInfo.InvariantCulture);

    public override string GetString(int ordinal) => GetValue(ordinal) switch
    {
        string text => text,
        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture)!,
    };

    public override DateTime GetDateTime(int ordinal) => GetValue(ordinal) switch
    {
        string text => DateTime.Parse(text, CultureInfo.InvariantCulture),
        double julian => new DateTime((long)((julian - 1721425.5) * TimeSpan.TicksPerDay)),
        var other => throw new InvalidCastException($"Unable to read {other.GetType().Name} as a DateTime."),
    };

    public override Guid GetGuid(int ordinal) => GetValue(ordinal) switch
    {
        byte[] { Length: 16 } bytes => new Guid(bytes),
        string text => Guid.Parse(text),
        var other => throw new InvalidCastException($"Unable to read {other.GetType().Name} as a Guid."),
    };

    public override T GetFieldValue<T>(int ordinal)
    {
        var value = GetValue(ordinal);
        return value switch
        {
            T typed => typed,
            DBNull when default(T) is null => default!,
            _ when typeof(T) == typeof(DateTime) => (T)(object)GetDateTime(ordinal),
            _ when typeof(T) == typeof(Guid) => (T)(object)GetGuid(ordinal),
            _ when typeof(T) == typeof(string) => (T)(object)GetString(ordinal),
            _ => (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture),
        };
    }

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = (byte[])GetValue(ordinal);
        if (buffer is null)
        {
            return bytes.Length;
        }

        var count = (int)Math.Max(0, Math.Min(length, bytes.Length - dataOffset));
        Array.Copy(bytes, dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        var count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override Stream GetStream(int ordinal) => new MemoryStream((byte[])GetValue(ordinal), writable: false);

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);
}
