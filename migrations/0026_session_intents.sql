-- Start on intent: when a surface fired, what it did, when the session became ready and
-- when the user actually connected (terminal or ssh). Time saved = min(ready, connected) - fired.
CREATE TABLE session_intents (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  session_id TEXT,
  surface TEXT NOT NULL,
  action TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  ready_at INTEGER,
  connected_at INTEGER
);
CREATE INDEX session_intents_session ON session_intents (session_id, fired_at);
CREATE INDEX session_intents_time ON session_intents (fired_at);
