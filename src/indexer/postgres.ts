/**
 * PostgreSQL adapter over `pg`: the production store, chosen when `DATABASE_URL` is set. The same
 * SQL as SQLite; `?` placeholders become `$1, $2, ...` here.
 */
import pg from "pg";

import { AuditStoreError } from "./errors.ts";
import type { SqlAdapter, SqlExecutor } from "./store.ts";

/** BIGINT columns hold block numbers and times, all below 2^53: read them as numbers. */
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export async function openPostgres(url: string): Promise<SqlAdapter> {
  const location = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  pool.on("error", () => {
    // An idle client lost its connection; the next query reconnects or reports the error.
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new AuditStoreError(
      `Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}. Check DATABASE_URL and that the server is running.`,
      { cause: error },
    );
  }
  const query = async <T>(sql: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await pool.query(numbered(sql), params as unknown[])).rows as T[];
  return {
    dialect: "postgres",
    location,
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(work) {
      const client = await pool.connect();
      const executor: SqlExecutor = {
        dialect: "postgres",
        query: async <T>(sql: string, params: readonly unknown[] = []) =>
          (await client.query(numbered(sql), params as unknown[])).rows as T[],
      };
      try {
        await client.query("BEGIN");
        const result = await work(executor);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
