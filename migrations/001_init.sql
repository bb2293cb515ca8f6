-- The index: one row set per PRD file, every row deleted with its file (ON DELETE CASCADE).
-- Lists keep the parser's order in an `ord` column; JSON columns hold arrays/objects as text.

CREATE TABLE files (
  path         TEXT PRIMARY KEY,
  size         INTEGER NOT NULL,
  mtime_ms     REAL    NOT NULL,
  content_hash TEXT    NOT NULL,
  indexed_at   INTEGER NOT NULL
);

CREATE TABLE prds (
  file         TEXT PRIMARY KEY REFERENCES files(path) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  status       TEXT,
  owner        TEXT,
  version      TEXT,
  priority     TEXT,
  tags         TEXT NOT NULL DEFAULT '[]',
  front_matter TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE sections (
  file         TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  key          TEXT    NOT NULL,
  ord          INTEGER NOT NULL,
  title        TEXT    NOT NULL,
  level        INTEGER NOT NULL,
  heading_path TEXT    NOT NULL,
  parent_key   TEXT,
  start_line   INTEGER NOT NULL,
  end_line     INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  priority     TEXT,
  PRIMARY KEY (file, key)
);

-- IDs may repeat inside a file (the validator reports it), so the identity is (file, ord).
CREATE TABLE requirements (
  file         TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  ord          INTEGER NOT NULL,
  id           TEXT    NOT NULL,
  title        TEXT    NOT NULL,
  text         TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  priority     TEXT,
  status       TEXT,
  tags         TEXT    NOT NULL DEFAULT '[]',
  heading_path TEXT    NOT NULL,
  section_key  TEXT    NOT NULL,
  start_line   INTEGER NOT NULL,
  end_line     INTEGER NOT NULL,
  source       TEXT    NOT NULL,
  PRIMARY KEY (file, ord)
);
CREATE INDEX requirements_by_id ON requirements(id COLLATE NOCASE);

CREATE TABLE refs (
  file             TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  ord              INTEGER NOT NULL,
  from_id          TEXT,
  from_section_key TEXT    NOT NULL,
  to_id            TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  line             INTEGER NOT NULL,
  PRIMARY KEY (file, ord)
);
CREATE INDEX refs_by_to_id ON refs(to_id COLLATE NOCASE);

CREATE TABLE file_links (
  file             TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  ord              INTEGER NOT NULL,
  target           TEXT    NOT NULL,
  line             INTEGER NOT NULL,
  from_section_key TEXT    NOT NULL,
  PRIMARY KEY (file, ord)
);
CREATE INDEX file_links_by_target ON file_links(target);

-- `id` is an explicit rowid alias so the FTS rowids survive VACUUM; `key` is the chunk's identity.
CREATE TABLE chunks (
  id             INTEGER PRIMARY KEY,
  key            TEXT    NOT NULL UNIQUE,
  file           TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  ord            INTEGER NOT NULL,
  kind           TEXT    NOT NULL,
  part           INTEGER NOT NULL,
  text           TEXT    NOT NULL,
  text_hash      TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  priority       TEXT,
  status         TEXT,
  tags           TEXT    NOT NULL DEFAULT '[]',
  requirement_id TEXT,
  section_key    TEXT    NOT NULL,
  heading_path   TEXT    NOT NULL,
  start_line     INTEGER NOT NULL,
  end_line       INTEGER NOT NULL
);
CREATE INDEX chunks_by_file ON chunks(file, ord);
CREATE INDEX chunks_by_requirement_id ON chunks(requirement_id COLLATE NOCASE);
CREATE INDEX chunks_by_text_hash ON chunks(text_hash);

CREATE TABLE related (
  from_chunk TEXT NOT NULL REFERENCES chunks(key) ON DELETE CASCADE,
  to_chunk   TEXT NOT NULL REFERENCES chunks(key) ON DELETE CASCADE,
  score      REAL NOT NULL,
  PRIMARY KEY (from_chunk, to_chunk)
);
CREATE INDEX related_by_to ON related(to_chunk);

-- Keyed by content, not by chunk: an unchanged text is never embedded twice, whichever file it moves to.
CREATE TABLE embeddings (
  text_hash TEXT NOT NULL,
  model_id  TEXT NOT NULL,
  vector    BLOB NOT NULL,
  PRIMARY KEY (text_hash, model_id)
);

-- External-content FTS over chunks, kept in step by triggers (so also on cascaded deletes, same transaction).
CREATE VIRTUAL TABLE chunks_fts USING fts5(
  text, heading_path, requirement_id,
  content = 'chunks', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts(rowid, text, heading_path, requirement_id)
  VALUES (new.id, new.text, new.heading_path, new.requirement_id);
END;

CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text, heading_path, requirement_id)
  VALUES ('delete', old.id, old.text, old.heading_path, old.requirement_id);
END;

CREATE TRIGGER chunks_fts_update AFTER UPDATE ON chunks BEGIN
  INSERT INTO chunks_fts(chunks_fts, rowid, text, heading_path, requirement_id)
  VALUES ('delete', old.id, old.text, old.heading_path, old.requirement_id);
  INSERT INTO chunks_fts(rowid, text, heading_path, requirement_id)
  VALUES (new.id, new.text, new.heading_path, new.requirement_id);
END;
