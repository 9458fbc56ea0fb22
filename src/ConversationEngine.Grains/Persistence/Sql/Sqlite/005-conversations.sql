-- The conversations as listed: one row per conversation, written by the conversation after each
-- change of its header (and of its last activity when it has timers), read by the listing with an
-- index range, so a list or a filter by state never activates a conversation and a create touches
-- no shared grain. Position orders the list (creation order) and is never reused (AUTOINCREMENT),
-- so page tokens stay valid across deletes. Payload is Orleans' binary form of the conversation's
-- header and timers (ConversationIndexCodec); LastActivity (unix seconds) is kept apart so an
-- append to a conversation with timers updates one column, not the payload.
CREATE TABLE IF NOT EXISTS EngineConversations
(
    Position        INTEGER PRIMARY KEY AUTOINCREMENT,
    ServiceId       TEXT    NOT NULL,
    ChatServiceSid  TEXT    NOT NULL,
    ConversationSid TEXT    NOT NULL,
    State           TEXT    NOT NULL,
    DateCreated     INTEGER NOT NULL,
    LastActivity    INTEGER NOT NULL,
    Payload         BLOB    NOT NULL
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS IX_EngineConversations_Sid ON EngineConversations (ServiceId, ConversationSid);
CREATE INDEX IF NOT EXISTS IX_EngineConversations_List ON EngineConversations (ServiceId, ChatServiceSid, Position);
CREATE INDEX IF NOT EXISTS IX_EngineConversations_State ON EngineConversations (ServiceId, ChatServiceSid, State, Position);
