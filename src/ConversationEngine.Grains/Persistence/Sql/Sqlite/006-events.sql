-- The conversations' event feeds: one row per change, keyed by the conversation's sequence
-- number, written in the same transaction as the change where the change is a row of ours (a
-- message) and right after the state write that carries it otherwise (the state keeps it until
-- then). Readers (webhook queues) resume after the last sequence they handled. DedupeKey marks an
-- event that may be reported twice (a receipt's status): the feed keeps the first. Recorded (unix
-- seconds) lets a silo that starts find recent feeds to resume, and old events be compacted.
-- Payload is Orleans' binary form of ConversationEvent.
CREATE TABLE IF NOT EXISTS EngineEvents
(
    ServiceId       TEXT    NOT NULL,
    ConversationSid TEXT    NOT NULL,
    Sequence        INTEGER NOT NULL,
    Recorded        INTEGER NOT NULL,
    DedupeKey       TEXT    NULL,
    Payload         BLOB    NOT NULL,
    PRIMARY KEY (ServiceId, ConversationSid, Sequence)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX IF NOT EXISTS IX_EngineEvents_Dedupe ON EngineEvents (ServiceId, ConversationSid, DedupeKey) WHERE DedupeKey IS NOT NULL;
CREATE INDEX IF NOT EXISTS IX_EngineEvents_Recorded ON EngineEvents (ServiceId, Recorded);
