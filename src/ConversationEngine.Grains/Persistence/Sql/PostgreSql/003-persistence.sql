-- Grain state for Orleans.Persistence.AdoNet (AdoNetGrainStorage), the same contract as the
-- SQLite script: the provider's own decomposition of a GrainId (two 32-bit hashes for a
-- narrow index, the clear values to tell collisions apart; string keys as N0 = N1 = 0 with
-- the key in GrainIdExtensionString, NULL kept apart from ''), Version as the ETag.
--
-- Each query is one statement, so it is atomic without a transaction (the provider runs it
-- without one), and each answers exactly one row whose first column is the new ETag, or
-- NULL for a conflict, which the provider turns into InconsistentStateException.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    -- Informational only; the provider never reads it.
    ModifiedOn             timestamptz  NOT NULL,
    Version                integer      NOT NULL
);

-- The lookup, and the backstop against two rows for one grain (the expression keeps NULL
-- and '' apart while making NULLs collide).
CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Grain ON OrleansStorage
(
    GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString,
    COALESCE('+' || GrainIdExtensionString, '')
);

-- NULL @GrainStateVersion: the grain believes no state exists; insert version 1 unless a
-- row exists (then NULL: e.g. a duplicate activation wrote first). Otherwise update the row
-- only if it is still at that version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadBinary = @PayloadBinary::bytea, ModifiedOn = now(), Version = Version + 1
    WHERE @GrainStateVersion::integer IS NOT NULL
        AND GrainIdHash = @GrainIdHash::integer AND GrainTypeHash = @GrainTypeHash::integer
        AND ServiceId = @ServiceId::varchar AND GrainIdN0 = @GrainIdN0::bigint AND GrainIdN1 = @GrainIdN1::bigint
        AND GrainTypeString = @GrainTypeString::varchar
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
        AND Version = @GrainStateVersion::integer
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
         ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash::integer, @GrainIdN0::bigint, @GrainIdN1::bigint, @GrainTypeHash::integer,
        @GrainTypeString::varchar, @GrainIdExtensionString::varchar, @ServiceId::varchar,
        @PayloadBinary::bytea, now(), 1
    WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM updated), (SELECT Version FROM inserted)) AS NewGrainStateVersion;
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- A row with a NULL payload (a cleared grain) gives the default state but keeps its version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash::integer AND GrainTypeHash = @GrainTypeHash::integer
    AND ServiceId = @ServiceId::varchar AND GrainIdN0 = @GrainIdN0::bigint AND GrainIdN1 = @GrainIdN1::bigint
    AND GrainTypeString = @GrainTypeString::varchar
    AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar;
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Used when DeleteStateOnClear is false: keep the row, empty, at a new version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
    WHERE @GrainStateVersion::integer IS NOT NULL
        AND GrainIdHash = @GrainIdHash::integer AND GrainTypeHash = @GrainTypeHash::integer
        AND ServiceId = @ServiceId::varchar AND GrainIdN0 = @GrainIdN0::bigint AND GrainIdN1 = @GrainIdN1::bigint
        AND GrainTypeString = @GrainTypeString::varchar
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
        AND Version = @GrainStateVersion::integer
    RETURNING Version
)
SELECT (SELECT Version FROM cleared) AS NewGrainStateVersion;
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Used when DeleteStateOnClear is true (the engine's setting). On success the value only
-- has to differ from the ETag sent.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM OrleansStorage
    WHERE @GrainStateVersion::integer IS NOT NULL
        AND GrainIdHash = @GrainIdHash::integer AND GrainTypeHash = @GrainTypeHash::integer
        AND ServiceId = @ServiceId::varchar AND GrainIdN0 = @GrainIdN0::bigint AND GrainIdN1 = @GrainIdN1::bigint
        AND GrainTypeString = @GrainTypeString::varchar
        AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
        AND Version = @GrainStateVersion::integer
    RETURNING Version
)
SELECT (SELECT Version + 1 FROM deleted) AS NewGrainStateVersion;
$q$) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
