/**
 * SQLite adapter over `node:sqlite` (Node 22, no native addon). WAL journal with
 * `synchronous = NORMAL`: a committed transaction survives the process being killed at any moment.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { StatementSync } from "node:sqlite";

import { AuditStoreError } from "./errors.ts";
import type { SqlAdapter, SqlExecutor } from "./store.ts";

/** Opens (creating if needed) an SQLite index file, or `:memory:`. */
export async function openSqlite(path: string): Promise<SqlAdapter> {
  const { DatabaseSync } = await importSqliteQuietly();
  const location = path === ":memory:" ? path : resolve(path);
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
