-- What the parser warned about in each file, kept with the file so the warnings survive restarts and unchanged re-runs.
CREATE TABLE parse_warnings (
  file    TEXT    NOT NULL REFERENCES files(path) ON DELETE CASCADE,
  ord     INTEGER NOT NULL,
  line    INTEGER NOT NULL,
  message TEXT    NOT NULL,
  PRIMARY KEY (file, ord)
);
