-- Dotfiles: a user's dotfiles repository, cloned on the first start of each of their
-- sessions; the last run's outcome per session is kept for the session page's startup card.
CREATE TABLE user_dotfiles (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  ref TEXT,
  updated_at INTEGER NOT NULL
);
