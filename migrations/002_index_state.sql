-- Facts about the index as a whole, e.g. that the RELATED_TO pairs are out of date after an interrupted run.
CREATE TABLE index_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
