-- Reminders for Orleans.Reminders.AdoNet (AdoNetReminderTable). The provider loads every
-- row of OrleansQuery and refuses to start unless all seven reminder keys below exist.
--
-- StartTime is TEXT because Microsoft.Data.Sqlite binds a DateTime parameter as the text
-- 'yyyy-MM-dd HH:mm:ss.FFFFFFF' (UTC wall time without an offset, full tick precision) and
-- reads it back through DateTime.Parse; Orleans treats the result as UTC. A REAL (Julian
-- day) column would lose sub-millisecond precision, and a DATETIME-declared column would
-- get NUMERIC affinity.
--
-- Period is milliseconds; the provider sends an INTEGER that is 32-bit unless the period
-- exceeds int.MaxValue ms.
--
-- GrainHash is GrainId.GetUniformHashCode() (a uint) reinterpreted as a signed 32-bit
-- integer, which is how the provider binds it and the range bounds alike.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    TEXT    NOT NULL,
    GrainId      TEXT    NOT NULL,
    ReminderName TEXT    NOT NULL,
    StartTime    TEXT    NOT NULL,
    Period       INTEGER NOT NULL,
    GrainHash    INTEGER NOT NULL,
    Version      INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
) STRICT;

-- Every silo reads its slice of the hash ring at start-up and on each refresh.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_GrainHash
    ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadReminderRowsKey',
    'SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId;'
);

-- A ring range is (BeginHash, EndHash] with the bounds compared as signed integers. The
-- provider picks this query when BeginHash < EndHash in signed order, i.e. the range does
-- not cross the signed wrap-around point...
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadRangeRows1Key',
    'SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;'
);

-- ...and this one otherwise. BeginHash = EndHash lands here too: Orleans uses it for the
-- full ring (a single silo owns everything), which the OR covers.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadRangeRows2Key',
    'SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);'
);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadReminderRowKey',
    'SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;'
);

-- Returns the new Version, which becomes the reminder's ETag. One statement, so the
-- insert-or-update and the version it reports cannot be split by another writer.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'UpsertReminderRowKey',
    'INSERT INTO OrleansRemindersTable
        (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES
        (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET
        StartTime = excluded.StartTime,
        Period = excluded.Period,
        GrainHash = excluded.GrainHash,
        Version = Version + 1
    RETURNING Version;'
);

-- The provider expects exactly one column holding whether the row (at that ETag) was
-- removed; changes() reports the DELETE just before it on the same connection.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'DeleteReminderRowKey',
    'DELETE FROM OrleansRemindersTable
    WHERE
        ServiceId = @ServiceId
        AND GrainId = @GrainId
        AND ReminderName = @ReminderName
        AND Version = @Version;

    SELECT changes() > 0;'
);

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'DeleteReminderRowsKey',
    'DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;'
);
