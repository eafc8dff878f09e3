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
 * Opens and migrates the index. An index of another schema version is refused
 * (`AuditSchemaVersionError`), unless it is the SQLite file `sqlitePath` names and
 * `replaceOtherVersion` is set: then the file is deleted and a new index created, for an owner that
 * re-reads it all from the chain anyway (`npm start`'s index of its own chain).
 */
export async function openAuditStore(
  options: StoreLocation = {},
  { replaceOtherVersion = false }: { replaceOtherVersion?: boolean } = {},
): Promise<AuditStore> {
  try {
    return await openAndMigrate(options);
  } catch (error) {
    // Only a file the caller named: never a default or environment location someone else may own.
    const sqlitePath = options.sqlitePath;
    if (!(error instanceof AuditSchemaVersionError) || !replaceOtherVersion || !sqlitePath) throw error;
    for (const suffix of ["", "-wal", "-shm", "-journal"])
      await rm(`${sqlitePath}${suffix}`, { force: true });
    return await openAndMigrate(options);
  }
}

async function openAndMigrate(options: StoreLocation): Promise<AuditStore> {
  const location = resolveStoreLocation(options);
  const adapter = location.databaseUrl
    ? await openPostgres(location.databaseUrl)
    : await openSqlite(location.sqlitePath!);
  const store = new AuditStore(adapter);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
