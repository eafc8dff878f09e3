/**
 * SQLite adapter over `node:sqlite` (Node 22, no native addon). WAL journal with
 * `synchronous = NORMAL`: a committed transaction survives the process being killed at any moment.
 *
 * Readers open the file read-only. In WAL mode a read-only connection still needs the `-shm`
 * file, which it creates beside the index when missing; where it cannot (a directory the reader
 * may not write, a read-only file system), the file is opened as immutable instead, which needs no
 * other file and takes no lock. That is safe only while nothing writes: a `-wal` file with
 * content (commits not yet copied into the file) is refused rather than ignored.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { StatementSync } from "node:sqlite";

import { AuditStoreError } from "./errors.ts";
import type { SqlAdapter, SqlExecutor } from "./store.ts";

/**
 * Opens (creating if needed) an SQLite index file, or `:memory:`; with `readOnly`, opens an
 * existing file for reading only (see above).
 */
export async function openSqlite(path: string, { readOnly = false } = {}): Promise<SqlAdapter> {
  const { DatabaseSync } = await importSqliteQuietly();
  const location = path === ":memory:" ? path : resolve(path);
  if (readOnly) return adapter(openReadOnly(DatabaseSync, location), location);
  let db: InstanceType<typeof DatabaseSync>;
  try {
    if (location !== ":memory:") mkdirSync(dirname(location), { recursive: true });
    db = new DatabaseSync(location);
    db.exec("PRAGMA busy_timeout = 10000");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    // 64 MiB of page cache: the event indexes stay in memory while a range is written.
    db.exec("PRAGMA cache_size = -65536");
    // Checkpoint the write-ahead log every ~40 MiB instead of every 4 MiB: a checkpoint inside a
    // range's commit cost nearly half of the write time in the benchmark.
    db.exec("PRAGMA wal_autocheckpoint = 10000");
  } catch (error) {
    throw new AuditStoreError(
      `Cannot open the audit index ${location}: ${(error as Error).message}. Give a writable SQLite file with --db (or CROSSPROOF_AUDIT_DB).`,
      { cause: error },
    );
  }
  return adapter(db, location);
}

type Database = InstanceType<typeof import("node:sqlite").DatabaseSync>;

/** A read-only connection: a plain one, else the file as immutable (see the module's comment). */
function openReadOnly(DatabaseSync: typeof import("node:sqlite").DatabaseSync, location: string): Database {
  const readable = (db: Database) => {
    db.exec("PRAGMA busy_timeout = 10000");
    db.exec("PRAGMA cache_size = -65536");
    // The first read opens the write-ahead log's index (-shm): where it cannot, this throws.
    db.prepare("SELECT COUNT(*) FROM sqlite_master").all();
    return db;
  };
  let plain: unknown;
  try {
    return readable(new DatabaseSync(location, { readOnly: true }));
  } catch (error) {
    plain = error;
  }
  let wal = 0;
  try {
    wal = statSync(`${location}-wal`).size;
  } catch {
    // No write-ahead log: the file holds every commit.
  }
  if (wal > 0)
    throw new AuditStoreError(
      `Cannot open the audit index ${location} read-only: ${(plain as Error).message}, and its write-ahead log (${location}-wal) holds commits not yet in the file. Let a writer (\`crossproof audit sync --db ${location}\`) open it once, or give this user write access to its directory.`,
      { cause: plain },
    );
  try {
    const url = pathToFileURL(location);
    url.searchParams.set("immutable", "1");
    return readable(new DatabaseSync(url, { readOnly: true }));
  } catch (error) {
    throw new AuditStoreError(
      `Cannot open the audit index ${location} read-only: ${(plain as Error).message}. Check that this user may read it (and its directory).`,
      { cause: error },
    );
  }
}

function adapter(db: Database, location: string): SqlAdapter {
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size > 500) statements.clear();
      statements.set(sql, statement);
    }
    return statement;
  };
  const query = <T>(sql: string, params: readonly unknown[] = []): Promise<T[]> => {
    const statement = prepare(sql);
    const bound = params as (string | number | null)[];
    if (/^\s*(SELECT|WITH|PRAGMA)/i.test(sql)) return Promise.resolve(statement.all(...bound) as T[]);
    statement.run(...bound);
    return Promise.resolve([]);
  };
  const executor: SqlExecutor = { dialect: "sqlite", query };
  let depth = 0;
  return {
    dialect: "sqlite",
    location,
    query,
    exec(sql) {
      db.exec(sql);
      return Promise.resolve();
    },
    async transaction(work) {
      if (depth > 0) throw new Error("nested audit store transaction");
      depth++;
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(executor);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      } finally {
        depth--;
      }
    },
    close() {
      statements.clear();
      db.close();
      return Promise.resolve();
    },
  };
}

/** `node:sqlite` prints an ExperimentalWarning on Node 22; the CLI's output stays clean without it. */
export async function importSqliteQuietly(): Promise<typeof import("node:sqlite")> {
  const descriptor = Object.getOwnPropertyDescriptor(process, "emitWarning")!;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("SQLite is an experimental feature")) return;
    emitWarning(warning, ...rest);
  };
  try {
    return await import("node:sqlite");
  } finally {
    Object.defineProperty(process, "emitWarning", descriptor);
  }
}
