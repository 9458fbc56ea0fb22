-- Grain state for Orleans.Persistence.AdoNet (AdoNetGrainStorage).
--
-- A grain is identified by the provider's own decomposition of its GrainId: two signed
-- 32-bit hashes (id and type) for a narrow index, plus the clear values to tell hash
-- collisions apart. Integer keys arrive as N0 = 0, N1 = key; GUID keys as two halves;
-- string keys as N0 = N1 = 0 with the key in GrainIdExtensionString. The extension is
-- NULL when the grain has none; NULL and '' are kept apart (as Orleans' own scripts do)
-- so that two GrainIds that differ only there never share a row.
--
-- Version is the grain's ETag. ClearState keeps the row with a NULL payload and a
-- bumped version instead of deleting it, so a grain that re-activates after a clear
-- still holds a version and a stale writer is still caught.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    -- Informational only; the provider never reads it.
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL
) STRICT;

-- Serves the lookup (the hashes first, as they are the selective part) and is a backstop
-- against a duplicate row for one grain. A plain UNIQUE would not be one, since SQLite
-- treats NULLs as distinct; the expression maps NULL to '' and any other extension to
-- '+' || value, which keeps NULL and '' apart.
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain ON OrleansStorage
(
    GrainIdHash,
    GrainTypeHash,
    ServiceId,
    GrainIdN0,
    GrainIdN1,
    GrainTypeString,
    COALESCE('+' || GrainIdExtensionString, '')
);

-- How the provider judges the result of Write/Clear/Delete: it takes the first column of
-- the single returned row as the new ETag and throws InconsistentStateException when it is
-- NULL or equal to the ETag it sent. Provider 10.4.2 also treats "no row" as a conflict
-- when it sent an ETag, but earlier versions let that pass as success, so these queries
-- answer with exactly one row whenever a version was sent rather than rely on it.
--
-- The provider runs each query without a transaction. Each DML statement is atomic on
-- its own (SQLite holds the write lock for the whole statement), and changes() reports
-- the statement right before it on the same connection, so no other writer can slip in
-- between a change and the row that reports it. The statements are arranged so that a
-- changes() check always directly follows the statement it is about.

-- @GrainStateVersion NULL means the grain believes no state exists yet: insert version 1
-- only if there really is no row, else report NULL (conflict, e.g. a duplicate
-- activation wrote first). Otherwise update only the row still at that version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'WriteToStorageKey',
    'UPDATE OrleansStorage
    SET
        PayloadBinary = @PayloadBinary,
        ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
        Version = Version + 1
    WHERE
        @GrainStateVersion IS NOT NULL
        AND GrainIdHash = @GrainIdHash
        AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId
        AND GrainIdN0 = @GrainIdN0
        AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString
        AND Version = @GrainStateVersion;

    SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion
    WHERE @GrainStateVersion IS NOT NULL;

    INSERT INTO OrleansStorage
    (
        GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
        GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version
    )
    SELECT
        @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @PayloadBinary,
        strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
    WHERE
        @GrainStateVersion IS NULL
        AND NOT EXISTS
        (
            SELECT 1 FROM OrleansStorage
            WHERE
                GrainIdHash = @GrainIdHash
                AND GrainTypeHash = @GrainTypeHash
                AND ServiceId = @ServiceId
                AND GrainIdN0 = @GrainIdN0
                AND GrainIdN1 = @GrainIdN1
                AND GrainTypeString = @GrainTypeString
                AND GrainIdExtensionString IS @GrainIdExtensionString
        );

    SELECT CASE WHEN changes() > 0 THEN 1 END AS NewGrainStateVersion
    WHERE @GrainStateVersion IS NULL;'
);

-- The provider reads the columns by name: a row with a NULL payload (a cleared grain)
-- gives the grain default state but keeps its version as the ETag.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ReadFromStorageKey',
    'SELECT PayloadBinary, Version
    FROM OrleansStorage
    WHERE
        GrainIdHash = @GrainIdHash
        AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId
        AND GrainIdN0 = @GrainIdN0
        AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString;'
);

-- Used when AdoNetGrainStorageOptions.DeleteStateOnClear is false (the default).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'ClearStorageKey',
    'UPDATE OrleansStorage
    SET
        PayloadBinary = NULL,
        ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
        Version = Version + 1
    WHERE
        @GrainStateVersion IS NOT NULL
        AND GrainIdHash = @GrainIdHash
        AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId
        AND GrainIdN0 = @GrainIdN0
        AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString
        AND Version = @GrainStateVersion;

    SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;'
);

-- Used instead of ClearStorageKey when DeleteStateOnClear is true; the provider refuses
-- that option when this row is missing. On success the value only has to differ from
-- the ETag sent (the provider then forgets the ETag, so the next write inserts afresh).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES
(
    'DeleteStorageKey',
    'DELETE FROM OrleansStorage
    WHERE
        @GrainStateVersion IS NOT NULL
        AND GrainIdHash = @GrainIdHash
        AND GrainTypeHash = @GrainTypeHash
        AND ServiceId = @ServiceId
        AND GrainIdN0 = @GrainIdN0
        AND GrainIdN1 = @GrainIdN1
        AND GrainTypeString = @GrainTypeString
        AND GrainIdExtensionString IS @GrainIdExtensionString
        AND Version = @GrainStateVersion;

    SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 END AS NewGrainStateVersion;'
);
