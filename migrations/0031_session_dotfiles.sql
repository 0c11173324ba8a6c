CREATE TABLE session_dotfiles (
  session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applied', 'failed')),
  output TEXT NOT NULL,
  at INTEGER NOT NULL
);
