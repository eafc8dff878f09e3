/**
 * Opening the audit index: PostgreSQL when a database URL is given (or `DATABASE_URL` is set),
 * otherwise the embedded SQLite file.
 */
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

/** Opens and migrates the index. */
export async function openAuditStore(options: StoreLocation = {}): Promise<AuditStore> {
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
