-- The conversations' message logs: one row per message, appended (one small row, never a page
-- rewritten whole), read by index range. A removed message keeps its row without a payload, so
-- the highest index ever used is still known after a restart and is never handed out again.
-- Payload is the message in Orleans' binary form (EngineMessageCodec).
CREATE TABLE IF NOT EXISTS EngineMessages
(
    ServiceId       varchar(150) NOT NULL,
    ConversationSid varchar(64)  NOT NULL,
    MessageIndex    bigint       NOT NULL,
    MessageSid      varchar(64)  NOT NULL,
    Payload         bytea        NULL,
    CONSTRAINT PK_EngineMessages PRIMARY KEY (ServiceId, ConversationSid, MessageIndex)
);
