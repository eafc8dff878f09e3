/**
 * Opening the audit index: PostgreSQL when a database URL is given (or `DATABASE_URL` is set),
 * otherwise the embedded SQLite file.
 */
import { rm } from "node:fs/promises";

import { AuditSchemaVersionError } from "./errors.ts";
import { openPostgres } from "./postgres.ts";
import { openSqlite } from "./sqlite.ts";
import { AuditStore } from "./store.ts";

export type StoreLocation = {
  /** SQLite file; default `.crossproof/audit.sqlite` under the working directory. */
  sqlitePath?: string;
  /** PostgreSQL URL (`postgres://user:pass@host:port/db`). */
  databaseUrl?: string;
};

export const DEFAULT_SQLITE_PATH = ".crossproof/audit.sqlite";

/** Where `npm start` keeps the index of its local chain (`--state-dir`, by default), from the project. */
export const LOCAL_CHAIN_SQLITE_PATH = ".crossproof/local-chain/audit.sqlite";

/** Where the index lives, resolved from options then the environment. */
export function resolveStoreLocation(options: StoreLocation = {}): StoreLocation {
  if (options.sqlitePath) return { sqlitePath: options.sqlitePath };
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return { databaseUrl };
  return { sqlitePath: process.env.CROSSPROOF_AUDIT_DB ?? DEFAULT_SQLITE_PATH };
}

/**
 * Opens the index. A writer (`audit sync`, a follower) migrates it: creates the tables when missing,
 * in a write transaction. A reader (`readOnly`: the queries, `audit check`, `audit serve` without
 * `--follow`) only checks, with SELECTs, that it holds an index of this schema version: it needs no
 * more than SELECT on PostgreSQL and read access to an SQLite file, and a database without an
 * index is refused (`AuditIndexMissingError`: run `audit sync` first). An index of another schema
 * version is refused (`AuditSchemaVersionError`), unless it is the SQLite file `sqlitePath` names
 * and `replaceOtherVersion` is set: then the file is deleted and a new index created, for an owner
 * that re-reads it all from the chain anyway (`npm start`'s index of its own chain).
 */
export async function openAuditStore(
  options: StoreLocation = {},
  {
    replaceOtherVersion = false,
    readOnly = false,
  }: { replaceOtherVersion?: boolean; readOnly?: boolean } = {},
): Promise<AuditStore> {
  try {
    return await openAndMigrate(options, readOnly);
  } catch (error) {
    // Only a file the caller named: never a default or environment location someone else may own.
    const sqlitePath = options.sqlitePath;
    if (!(error instanceof AuditSchemaVersionError) || !replaceOtherVersion || !sqlitePath || readOnly)
      throw error;
    await deleteSqliteIndex(sqlitePath);
    return await openAndMigrate(options, false);
  }
}

/** Deletes an SQLite index and its journal files (for an owner that rebuilds its own index). */
export async function deleteSqliteIndex(sqlitePath: string): Promise<void> {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) await rm(`${sqlitePath}${suffix}`, { force: true });
}

async function openAndMigrate(options: StoreLocation, readOnly: boolean): Promise<AuditStore> {
  const location = resolveStoreLocation(options);
  const adapter = location.databaseUrl
    ? await openPostgres(location.databaseUrl)
    : await openSqlite(location.sqlitePath!, { readOnly });
  const store = new AuditStore(adapter);
  try {
    if (readOnly) await store.verifyReadable();
    else await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
