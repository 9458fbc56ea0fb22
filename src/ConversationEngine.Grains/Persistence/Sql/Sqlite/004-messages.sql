-- The conversations' message logs: one row per message, appended (one small row, never a page
-- rewritten whole), read by index range. A removed message keeps its row without a payload, so
-- the highest index ever used is still known after a restart and is never handed out again.
-- Payload is the message in Orleans' binary form (EngineMessageCodec).
CREATE TABLE IF NOT EXISTS EngineMessages
(
    ServiceId       TEXT    NOT NULL,
    ConversationSid TEXT    NOT NULL,
    MessageIndex    INTEGER NOT NULL,
    MessageSid      TEXT    NOT NULL,
    Payload         BLOB    NULL,
    PRIMARY KEY (ServiceId, ConversationSid, MessageIndex)
) STRICT, WITHOUT ROWID;
