-- Records the schema version these scripts bring the database to (PostgresSchema.CurrentVersion).
-- Applied with psql as well as by the engine, so a database set up either way says what it is.
INSERT INTO EngineSchemaVersion (Id, Version) VALUES (1, 5)
ON CONFLICT (Id) DO UPDATE SET Version = EXCLUDED.Version;
