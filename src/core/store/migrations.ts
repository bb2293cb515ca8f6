import * as fs from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  file: string;
}

/** The database was written by a newer version of cvPRD than this one. */
export class StoreVersionError extends Error {
  constructor(readonly dbPath: string, readonly databaseVersion: number, readonly knownVersion: number) {
    super(`Index database ${dbPath} has schema version ${databaseVersion}, but this version of cvPRD knows only up to `
      + `${knownVersion}. Update cvPRD, or rebuild the index.`);
    this.name = 'StoreVersionError';
  }
}

const MIGRATION_FILE = /^(\d+)_([\w-]+)\.sql$/;

/**
 * The `migrations/` folder of the project root. Under tsx this file is src/core/store/, bundled it is out/ (or a
 * folder below it), so walk up until a folder holding `migrations/001_*.sql` is found.
 */
export function defaultMigrationsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(candidate) && fs.readdirSync(candidate).some((f) => /^0*1_.*\.sql$/.test(f))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`cvPRD migrations folder not found above ${__dirname}`);
}

export function listMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of fs.readdirSync(dir)) {
    const m = MIGRATION_FILE.exec(file);
    if (!m) continue;
    migrations.push({ version: Number(m[1]), name: m[2], file: path.join(dir, file) });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(`Two migrations share version ${migrations[i].version} in ${dir}: `
        + `${path.basename(migrations[i - 1].file)} and ${path.basename(migrations[i].file)}`);
    }
  }
  if (migrations.length === 0) throw new Error(`No migrations (NNN_name.sql) found in ${dir}`);
  return migrations;
}

function ensureMigrationsTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
}

export function appliedVersions(db: Database.Database): number[] {
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  if (!exists) return [];
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[])
    .map((r) => r.version);
}

/** Throws StoreVersionError when the database holds a version the code does not know. */
export function checkSchemaVersion(db: Database.Database, dbPath: string, migrations: Migration[]): void {
  const known = new Set(migrations.map((m) => m.version));
  const maxKnown = migrations[migrations.length - 1].version;
  const unknown = appliedVersions(db).filter((v) => !known.has(v));
  if (unknown.length > 0) throw new StoreVersionError(dbPath, Math.max(...unknown), maxKnown);
}

/** Applies the pending migrations in version order, each in its own transaction. Returns the versions applied. */
export function migrate(db: Database.Database, dbPath: string, migrations: Migration[]): number[] {
  ensureMigrationsTable(db);
  checkSchemaVersion(db, dbPath, migrations);
  const done = new Set(appliedVersions(db));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const sql = fs.readFileSync(migration.file, 'utf8');
    db.transaction(() => {
      try {
        db.exec(sql);
      } catch (err) {
        throw new Error(`Migration ${path.basename(migration.file)} failed: ${(err as Error).message}`, { cause: err });
      }
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}
