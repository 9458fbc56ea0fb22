-- Orleans' ADO.NET providers carry no SQL of their own: at start-up each one loads its
-- statements from this table by key and refuses to start if one it needs is missing.
-- Every script upserts its rows, so re-applying the scripts is how a release ships a
-- changed statement. Query texts are dollar-quoted ($q$ … $q$) so they read as SQL.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

-- The schema version this database is at (one row); see PostgresSchema.CurrentVersion.
CREATE TABLE IF NOT EXISTS EngineSchemaVersion
(
    Id      integer NOT NULL PRIMARY KEY CHECK (Id = 1),
    Version integer NOT NULL
);
