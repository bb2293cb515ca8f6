-- What each remote store (a Qdrant collection, a FalkorDB graph) holds of each indexed file: the fingerprint of the
-- version last pushed to it. A file whose fingerprint differs from the local one, or that the index no longer has,
-- is pending: the next sync pushes it, so changes made while a remote store was unreachable are never lost.
-- No foreign key to files: a deleted file stays here until its removal has reached the remote store.
CREATE TABLE remote_sync (
  target      TEXT    NOT NULL,
  file        TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,
  synced_at   INTEGER NOT NULL,
  PRIMARY KEY (target, file)
);
