-- Media content (the database store of IMediaStore, PostgresMediaStore), so every silo and front
-- end reaches it. EngineMedia names, per ME… SID, the upload that holds its content and its length;
-- EngineMediaChunks holds each upload in chunks of 1 MiB (the last one shorter), by number.
--
-- A write inserts its chunks under a fresh UploadId and points the item at them in one
-- transaction (removing the chunks it replaces): a reader sees the whole old item or the whole new
-- one, and a failed or refused write leaves nothing behind. An upload's chunks never change, so a
-- reader fetching them one at a time cannot mix two versions; it finds them gone, at worst.
--
-- No ServiceId: an ME… SID is 128 random bits, unique across services as Twilio's are, and the
-- media record (grain state, scoped by ServiceId) is what gives access to it.
CREATE TABLE IF NOT EXISTS EngineMedia
(
    MediaSid varchar(64) NOT NULL,
    UploadId uuid        NOT NULL,
    Length   bigint      NOT NULL,
    CONSTRAINT PK_EngineMedia PRIMARY KEY (MediaSid)
);

CREATE TABLE IF NOT EXISTS EngineMediaChunks
(
    UploadId uuid    NOT NULL,
    Chunk    integer NOT NULL,
    Data     bytea   NOT NULL,
    CONSTRAINT PK_EngineMediaChunks PRIMARY KEY (UploadId, Chunk)
);

-- Media arrives compressed already (JPEG, PNG, MP4, PDF): keep chunks out of line without trying
-- to compress them, which would cost CPU on every write for nothing. Altered only when not yet so:
-- ALTER TABLE waits for an exclusive lock, which an upload in progress would hold up at every start.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'enginemediachunks'::regclass AND attname = 'data' AND attstorage <> 'e') THEN
        ALTER TABLE EngineMediaChunks ALTER COLUMN Data SET STORAGE EXTERNAL;
    END IF;
END $$;
