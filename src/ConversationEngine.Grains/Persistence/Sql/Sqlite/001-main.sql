-- Orleans' ADO.NET providers carry no SQL of their own: at start-up each one loads its
-- statements from this table by key and refuses to start if one it needs is missing.
-- Later scripts add their rows with INSERT OR REPLACE, so re-applying the scripts on
-- an existing file is how a new release ships a changed statement.
--
-- Tables are STRICT so that a parameter arriving with a type other than the one the
-- column was designed for fails loudly instead of being stored under SQLite's
-- loose type affinity (where it would then never match an equality lookup).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
) STRICT;
