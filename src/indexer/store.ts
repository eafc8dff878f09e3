/**
 * The audit index's storage: one schema and one set of queries, behind a tiny SQL adapter so the
 * same code runs on SQLite (`node:sqlite`, embedded default) and PostgreSQL (`pg`, production).
 *
 * Every write of the indexer goes through {@link AuditStore.commitRange} or
 * {@link AuditStore.rollbackTo}, each one database transaction that moves the cursor together with
 * the rows it covers: a process killed at any moment leaves the index at a cursor it fully holds.
 */
import type { Hex } from "viem";

import type { AuditEvent, ContractName, EventArgs, StateTableName } from "./catalogue.ts";
import { stateTargets } from "./catalogue.ts";
import type { DeploymentRecord } from "./deployment.ts";
import {
  AuditIndexMissingError,
  AuditSchemaVersionError,
  AuditStoreError,
  ConcurrentWriterError,
} from "./errors.ts";
import type { PagePosition } from "./filters.ts";
import { applyEvent, STATE_TABLE_NAMES, STATE_TABLES, type StateRow } from "./projections.ts";

/** What the store needs from a database: parameterised queries (`?` placeholders) and transactions. */
export interface SqlAdapter {
  readonly dialect: "sqlite" | "postgres";
  /** Where the data lives, for messages (a file path, or the URL without its password). */
  readonly location: string;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction; `work` must use the `tx` it is given. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export type SqlExecutor = Pick<SqlAdapter, "query" | "dialect">;

export const SCHEMA_VERSION = 2;

export type IndexCursor = { chainId: number; blockNumber: number; blockHash: Hex | null; updatedAt: number };

export type StoredBlock = { number: number; hash: Hex; time: number };

export type EventOrder = "asc" | "desc";

export type EventFilter = {
  chainId: number;
  contract?: ContractName;
  event?: string;
  actor?: string;
  subject?: string;
  fromBlock?: number;
  toBlock?: number;
  /** Unix seconds, inclusive. */
  fromTime?: number;
  toTime?: number;
  limit: number;
  /** Position after which to continue (from a previous page's `next`). */
  after?: { blockNumber: number; logIndex: number };
  order?: EventOrder;
  /**
   * Most bytes a page's events may take serialised ({@link MAX_PAGE_BYTES} by default): the page
   * ends early, with `next`, before the event that would take it over. A page always holds at
   * least one event, however large.
   */
  maxBytes?: number;
};

export type EventPage = { events: AuditEvent[]; next: PagePosition | null };

/**
 * Most bytes one page of events may take serialised (JSON or CSV). Anyone may write DID
 * attributes of hundreds of kilobytes, so a page of 10,000 events could otherwise be gigabytes,
 * held in memory at once; a page cut here ends with `next`, and the reader continues from it.
 */
export const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * What an event takes serialised besides its arguments, at most: the hashes, addresses, names and
 * numbers around them (about 450 bytes as JSON).
 */
export const EVENT_BYTES_BESIDES_ARGS = 600;

/** Largest number of bound parameters per statement (SQLite allows 32,766; PostgreSQL 65,535). */
const MAX_PARAMS = 30_000;
/** Positions per statement when SQLite reads a page's events by position (a power of two). */
const POSITIONS_PER_STATEMENT = 4096;
/** Rows per cached multi-row INSERT on SQLite. */
const SQLITE_ROWS_PER_STATEMENT = 2000;

const EVENT_COLUMNS = [
  "chain_id",
  "block_number",
  "log_index",
  "transaction_hash",
  "transaction_index",
  "block_hash",
  "block_time",
  "contract",
  "address",
  "event",
  "actor",
  "subject",
  "args",
] as const;

const EVENT_COLUMN_TYPES: ColumnSqlType[] = [
  "bigint",
  "bigint",
  "integer",
  "text",
  "integer",
  "text",
  "bigint",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
];

export class AuditStore {
  readonly db: SqlAdapter;
  /** The last commitRange given, while it is being written (see there). */
  private writing: Promise<void> | undefined;

  constructor(db: SqlAdapter) {
    this.db = db;
  }

  get dialect(): "sqlite" | "postgres" {
    return this.db.dialect;
  }

  /** Creates the tables and indexes if missing; refuses an index written by another schema version. */
  async migrate(): Promise<void> {
    const big = this.db.dialect === "postgres" ? "BIGINT" : "INTEGER";
    // Events are keyed by their position (the unique index events_position; on PostgreSQL, the
    // primary key of that name). (transaction hash, log index) is as unique, but a key on a random
    // hash cost a fifth of the ingest's writes; indexes created before keep it as primary key.
    const eventsKey =
      this.db.dialect === "postgres"
        ? ", CONSTRAINT events_position PRIMARY KEY (chain_id, block_number, log_index)"
        : "";
    const statements = [
      `CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS events (
        chain_id ${big} NOT NULL, block_number ${big} NOT NULL, log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL, transaction_index INTEGER NOT NULL, block_hash TEXT NOT NULL,
        block_time ${big} NOT NULL, contract TEXT NOT NULL, address TEXT NOT NULL, event TEXT NOT NULL,
        actor TEXT, subject TEXT, args TEXT NOT NULL${eventsKey})`,
      `CREATE UNIQUE INDEX IF NOT EXISTS events_position ON events (chain_id, block_number, log_index)`,
      `CREATE INDEX IF NOT EXISTS events_actor ON events (chain_id, actor, block_number, log_index)`,
      `CREATE INDEX IF NOT EXISTS events_kind ON events (chain_id, contract, event, block_number, log_index)`,
      `CREATE INDEX IF NOT EXISTS events_event ON events (chain_id, event, block_number, log_index)`,
      `CREATE INDEX IF NOT EXISTS events_time ON events (chain_id, block_time, block_number)`,
      `CREATE TABLE IF NOT EXISTS event_keys (
        chain_id ${big} NOT NULL, key TEXT NOT NULL, block_number ${big} NOT NULL, log_index INTEGER NOT NULL,
        PRIMARY KEY (chain_id, key, block_number, log_index))`,
      `CREATE INDEX IF NOT EXISTS event_keys_position ON event_keys (chain_id, block_number, log_index)`,
      `CREATE TABLE IF NOT EXISTS blocks (
        chain_id ${big} NOT NULL, number ${big} NOT NULL, hash TEXT NOT NULL, time ${big} NOT NULL,
        PRIMARY KEY (chain_id, number))`,
      `CREATE TABLE IF NOT EXISTS cursors (
        chain_id ${big} PRIMARY KEY, block_number ${big} NOT NULL, block_hash TEXT, updated_at ${big} NOT NULL)`,
      ...STATE_TABLE_NAMES.map(
        (table) =>
          `CREATE TABLE IF NOT EXISTS state_${table} (chain_id ${big} NOT NULL, key TEXT NOT NULL, ${Object.entries(
            STATE_TABLES[table],
          )
            .map(([column, type]) => `${column} ${type === "integer" ? big : "TEXT"}`)
            .join(", ")}, PRIMARY KEY (chain_id, key))`,
      ),
      `CREATE INDEX IF NOT EXISTS state_consents_owner ON state_consents (chain_id, owner)`,
      `CREATE INDEX IF NOT EXISTS state_accreditations_issuer ON state_accreditations (chain_id, issuer)`,
      `CREATE INDEX IF NOT EXISTS state_revocations_fingerprint ON state_revocations (chain_id, fingerprint)`,
    ];
    await this.db.transaction(async (tx) => {
      for (const sql of statements)
        await tx.query(sql).catch((error: unknown) => {
          throw new AuditStoreError(
            `Cannot create or update the audit index's tables at ${this.db.location}: ${(error as Error).message}. \`crossproof audit sync\` needs a user that may create tables there (PostgreSQL: CREATE on the schema; SQLite: write access to the file and its directory); the queries and \`audit check\` need only read access.`,
            { cause: error },
          );
        });
      const found = await tx.query<{ value: string }>(
        `SELECT value FROM audit_meta WHERE name = 'schema_version'`,
      );
      if (found.length === 0) {
        await tx.query(`INSERT INTO audit_meta (name, value) VALUES ('schema_version', ?)`, [
          String(SCHEMA_VERSION),
        ]);
      } else if (found[0]!.value !== String(SCHEMA_VERSION)) {
        throw this.versionError(found[0]!.value);
      }
    });
  }

  /**
   * For readers: checks, with SELECTs only, that the database holds an index of this schema
   * version. Creates nothing, so it works for a role with only SELECT and on a read-only file.
   */
  async verifyReadable(): Promise<void> {
    const exists =
      this.db.dialect === "postgres"
        ? (
            await this.db.query<{ found: unknown }>(`SELECT to_regclass('audit_meta') IS NOT NULL AS found`)
          )[0]?.found === true
        : (await this.db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_meta'`))
            .length > 0;
    if (!exists)
      throw new AuditIndexMissingError(
        `${this.db.location} is empty; run \`crossproof audit sync\` first (with --rpc for your chain) to create the index.`,
      );
    const found = await this.db.query<{ value: string }>(
      `SELECT value FROM audit_meta WHERE name = 'schema_version'`,
    );
    if (found[0]?.value !== String(SCHEMA_VERSION)) throw this.versionError(found[0]?.value ?? "(none)");
  }

  private versionError(found: string): AuditSchemaVersionError {
    return new AuditSchemaVersionError(
      `The audit index at ${this.db.location} was written by schema version ${found}, this Crossproof reads version ${SCHEMA_VERSION}. Index into a new database (or delete this one and run \`crossproof audit sync\` again).`,
    );
  }

  /** The deployment the index holds for a chain, if recorded (see deployment.ts). */
  async deployment(chainId: number): Promise<DeploymentRecord | undefined> {
    const rows = await this.db.query<{ value: string }>(`SELECT value FROM audit_meta WHERE name = ?`, [
      `deployment:${chainId}`,
    ]);
    return rows[0] ? (JSON.parse(rows[0].value) as DeploymentRecord) : undefined;
  }

  /**
   * Records the deployment the index holds for its chain, unless one is recorded already; returns
   * the recorded one (another writer's, if it came first).
   */
  async recordDeployment(record: DeploymentRecord): Promise<DeploymentRecord> {
    await this.db.query(`INSERT INTO audit_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, [
      `deployment:${record.chainId}`,
      JSON.stringify(record),
    ]);
    return (await this.deployment(record.chainId))!;
  }

  /** The address of an indexed event that is none of `addresses` (lower case), if any. */
  async eventOutside(chainId: number, addresses: readonly string[]): Promise<string | undefined> {
    const rows = await this.db.query<{ address: string }>(
      `SELECT address FROM events WHERE chain_id = ? AND address NOT IN (${addresses.map(() => "?").join(", ")}) LIMIT 1`,
      [chainId, ...addresses.map((address) => address.toLowerCase())],
    );
    return rows[0]?.address;
  }

  /** The lowest block the index stored for a chain. */
  async firstBlock(chainId: number): Promise<StoredBlock | undefined> {
    const rows = await this.db.query(
      `SELECT number, hash, time FROM blocks WHERE chain_id = ? ORDER BY number LIMIT 1`,
      [chainId],
    );
    const row = rows[0];
    return row ? { number: Number(row.number), hash: row.hash as Hex, time: Number(row.time) } : undefined;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async cursor(chainId: number): Promise<IndexCursor | undefined> {
    const rows = await this.db.query(
      `SELECT chain_id, block_number, block_hash, updated_at FROM cursors WHERE chain_id = ?`,
      [chainId],
    );
    const row = rows[0];
    return row
      ? {
          chainId: Number(row.chain_id),
          blockNumber: Number(row.block_number),
          blockHash: (row.block_hash as Hex | null) ?? null,
          updatedAt: Number(row.updated_at),
        }
      : undefined;
  }

  /** Chain ids present in the index. */
  async chains(): Promise<number[]> {
    const rows = await this.db.query<{ chain_id: unknown }>(`SELECT chain_id FROM cursors ORDER BY chain_id`);
    return rows.map((row) => Number(row.chain_id));
  }

  /** Stored blocks at or below `atOrBelow`, highest first: the candidates for a reorg's fork point. */
  async blocksAtOrBelow(chainId: number, atOrBelow: number, limit: number): Promise<StoredBlock[]> {
    const rows = await this.db.query(
      `SELECT number, hash, time FROM blocks WHERE chain_id = ? AND number <= ? ORDER BY number DESC LIMIT ?`,
      [chainId, atOrBelow, limit],
    );
    return rows.map((row) => ({ number: Number(row.number), hash: row.hash as Hex, time: Number(row.time) }));
  }

  /**
   * Stores the events of blocks `(previous cursor, cursor.blockNumber]`, their blocks, the state
   * rows they change and the new cursor, in one transaction. `expectedPrevious` is the cursor block
   * the range starts after (null for the first range); another writer having moved it aborts.
   *
   * The next range may be given before this call resolves: ranges commit in the order given. On
   * PostgreSQL the next range's transaction writes its events meanwhile (on its own connection)
   * and waits for this one only before it takes the writer lock and checks the cursor; on SQLite
   * (one connection) it starts when this one has ended. A range given while an earlier one is
   * being written fails if that one fails.
   */
  async commitRange(input: {
    chainId: number;
    expectedPrevious: number | null;
    cursor: { blockNumber: number; blockHash: Hex };
    blocks: StoredBlock[];
    events: AuditEvent[];
  }): Promise<void> {
    const { chainId } = input;
    const previous = this.writing;
    const postgres = this.db.dialect === "postgres";
    const commit = (async () => {
      if (!postgres) await previous;
      await this.db.transaction(async (tx) => {
        // PostgreSQL: the range's own rows first (no other range has rows in its blocks), then
        // the ranges before it, then the writer lock. SQLite's BEGIN IMMEDIATE is the lock.
        if (postgres) {
          await insertRangeRows(tx, input).catch(concurrentWriter);
          await previous;
          await tx.query(`SELECT pg_advisory_xact_lock(?)`, [chainId]);
        }
        const current = await tx.query<{ block_number: unknown }>(
          `SELECT block_number FROM cursors WHERE chain_id = ?`,
          [chainId],
        );
        const currentBlock = current[0] ? Number(current[0].block_number) : null;
        if (currentBlock !== input.expectedPrevious) {
          throw new ConcurrentWriterError(
            `the audit index moved from block ${input.expectedPrevious ?? "(none)"} to ${currentBlock ?? "(none)"} while this sync was reading; is another \`crossproof audit sync\` writing to ${this.db.location}? Run one writer per index.`,
          );
        }
        if (!postgres) await insertRangeRows(tx, input);
        await project(tx, chainId, input.events);
        await upsertCursor(tx, chainId, input.cursor.blockNumber, input.cursor.blockHash);
      });
    })();
    this.writing = commit;
    // The caller awaits `commit`; a range given meanwhile sees its failure through `previous`.
    commit
      .finally(() => {
        if (this.writing === commit) this.writing = undefined;
      })
      .catch(() => {});
    await commit;
  }

  /**
   * Removes everything above `forkBlock` (events, keys, blocks), rebuilds the state rows those events
   * had changed from the events that remain, and sets the cursor to the fork block. Returns the
   * number of events removed.
   */
  async rollbackTo(chainId: number, forkBlock: number, forkHash: Hex | null): Promise<number> {
    return this.db.transaction(async (tx) => {
      if (this.db.dialect === "postgres") await tx.query(`SELECT pg_advisory_xact_lock(?)`, [chainId]);
      const orphaned = (
        await tx.query(
          `SELECT * FROM events WHERE chain_id = ? AND block_number > ? ORDER BY block_number, log_index`,
          [chainId, forkBlock],
        )
      ).map(eventFromRow);
      const affected = new Map<StateTableName, Set<string>>();
      for (const event of orphaned)
        for (const { table, key } of stateTargets(event)) {
          if (!affected.has(table)) affected.set(table, new Set());
          affected.get(table)!.add(key);
        }
      await tx.query(`DELETE FROM event_keys WHERE chain_id = ? AND block_number > ?`, [chainId, forkBlock]);
      await tx.query(`DELETE FROM events WHERE chain_id = ? AND block_number > ?`, [chainId, forkBlock]);
      await tx.query(`DELETE FROM blocks WHERE chain_id = ? AND number > ?`, [chainId, forkBlock]);
      for (const [table, keys] of affected) {
        for (const key of keys) {
          await tx.query(`DELETE FROM state_${table} WHERE chain_id = ? AND key = ?`, [chainId, key]);
          const remaining = (
            await tx.query(
              `SELECT e.* FROM event_keys k JOIN events e ON e.chain_id = k.chain_id AND e.block_number = k.block_number AND e.log_index = k.log_index
               WHERE k.chain_id = ? AND k.key = ? ORDER BY k.block_number, k.log_index`,
              [chainId, key],
            )
          ).map(eventFromRow);
          let row: StateRow | undefined;
          for (const event of remaining)
            if (stateTargets(event).some((t) => t.table === table && t.key === key))
              row = applyEvent(table, row, event);
          if (row) await upsertState(tx, table, chainId, [[key, row]]);
        }
      }
      await upsertCursor(tx, chainId, forkBlock, forkHash);
      return orphaned.length;
    });
  }

  /**
   * Events matching a filter, one page, in chain order (or reversed). The page holds `limit`
   * events, or fewer when their arguments would take it over `maxBytes`: it first reads only the
   * positions and sizes of up to `limit + 1` events, then the events that fit, by position, so a
   * page of huge events is never loaded whole.
   */
  async events(filter: EventFilter): Promise<EventPage> {
    const where: string[] = ["e.chain_id = ?"];
    const params: unknown[] = [filter.chainId];
    let from = "events e";
    if (filter.subject) {
      from =
        "event_keys k JOIN events e ON e.chain_id = k.chain_id AND e.block_number = k.block_number AND e.log_index = k.log_index";
      where.push("k.chain_id = ?", "k.key = ?");
      params.push(filter.chainId, filter.subject.toLowerCase());
    }
    const position = filter.subject ? "k" : "e";
    if (filter.contract) {
      where.push("e.contract = ?");
      params.push(filter.contract);
    }
    if (filter.event) {
      where.push("e.event = ?");
      params.push(filter.event);
    }
    if (filter.actor) {
      where.push("e.actor = ?");
      params.push(filter.actor.toLowerCase());
    }
    let fromBlock = filter.fromBlock;
    let toBlock = filter.toBlock;
    if (filter.fromTime !== undefined) {
      const first = await this.firstBlockAtOrAfter(filter.chainId, filter.fromTime);
      fromBlock = Math.max(fromBlock ?? 0, first ?? Number.MAX_SAFE_INTEGER);
    }
    if (filter.toTime !== undefined) {
      const last = await this.lastBlockAtOrBefore(filter.chainId, filter.toTime);
      toBlock = Math.min(toBlock ?? Number.MAX_SAFE_INTEGER, last ?? -1);
    }
    if (fromBlock !== undefined) {
      where.push(`${position}.block_number >= ?`);
      params.push(fromBlock);
    }
    if (toBlock !== undefined) {
      where.push(`${position}.block_number <= ?`);
      params.push(toBlock);
    }
    const desc = filter.order === "desc";
    if (filter.after) {
      const op = desc ? "<" : ">";
      // The first, redundant bound lets both databases seek the index to the cursor instead of
      // filtering every row before it (an OR alone defeats the range scan).
      where.push(
        `${position}.block_number ${op}= ?`,
        `(${position}.block_number ${op} ? OR (${position}.block_number = ? AND ${position}.log_index ${op} ?))`,
      );
      params.push(
        filter.after.blockNumber,
        filter.after.blockNumber,
        filter.after.blockNumber,
        filter.after.logIndex,
      );
    }
    const direction = desc ? "DESC" : "ASC";
    params.push(filter.limit + 1);
    // 1. Where the page's events are and how large their arguments are, not the arguments.
    const sized = await this.db.query<{ block_number: unknown; log_index: unknown; size: unknown }>(
      `SELECT ${position}.block_number AS block_number, ${position}.log_index AS log_index, octet_length(e.args) AS size
       FROM ${from} WHERE ${where.join(" AND ")}
       ORDER BY ${position}.block_number ${direction}, ${position}.log_index ${direction} LIMIT ?`,
      params,
    );
    const maxBytes = filter.maxBytes ?? MAX_PAGE_BYTES;
    const kept: PagePosition[] = [];
    let bytes = 0;
    for (const row of sized.slice(0, filter.limit)) {
      const size = Number(row.size) + EVENT_BYTES_BESIDES_ARGS;
      if (kept.length > 0 && bytes + size > maxBytes) break;
      bytes += size;
      kept.push({ blockNumber: Number(row.block_number), logIndex: Number(row.log_index) });
    }
    // 2. The events that fit, by position (an event rolled back meanwhile is left out).
    const found = new Map(
      (await this.eventsAt(filter.chainId, kept)).map((event) => [
        `${event.blockNumber}.${event.logIndex}`,
        event,
      ]),
    );
    const events = kept.flatMap((at) => found.get(`${at.blockNumber}.${at.logIndex}`) ?? []);
    const last = kept.at(-1);
    return { events, next: sized.length > kept.length && last ? last : null };
  }

  /** The events at these positions, in any order (fewer if some are gone). */
  private async eventsAt(chainId: number, positions: PagePosition[]): Promise<AuditEvent[]> {
    if (positions.length === 0) return [];
    if (this.db.dialect === "postgres") {
      const rows = await this.db.query(
        `SELECT e.* FROM unnest(?::bigint[], ?::bigint[]) AS p(block_number, log_index)
         JOIN events e ON e.chain_id = ? AND e.block_number = p.block_number AND e.log_index = p.log_index`,
        [
          arrayLiteral(positions.map((at) => at.blockNumber)),
          arrayLiteral(positions.map((at) => at.logIndex)),
          chainId,
        ],
      );
      return rows.map(eventFromRow);
    }
    const events: AuditEvent[] = [];
    for (let start = 0; start < positions.length; start += POSITIONS_PER_STATEMENT) {
      const chunk = positions.slice(start, start + POSITIONS_PER_STATEMENT);
      // Padded to a power of two (repeating the last position): few statements to prepare.
      while (chunk.length & (chunk.length - 1)) chunk.push(chunk.at(-1)!);
      const rows = await this.db.query(
        `SELECT * FROM events WHERE chain_id = ? AND (block_number, log_index) IN (VALUES ${chunk.map(() => "(?, ?)").join(", ")})`,
        [chainId, ...chunk.flatMap((at) => [at.blockNumber, at.logIndex])],
      );
      events.push(...rows.map(eventFromRow));
    }
    return events;
  }

  /** All events in a block range, in chain order (for `audit check`). */
  async eventsInRange(chainId: number, fromBlock: number, toBlock: number): Promise<AuditEvent[]> {
    const rows = await this.db.query(
      `SELECT * FROM events WHERE chain_id = ? AND block_number >= ? AND block_number <= ? ORDER BY block_number, log_index`,
      [chainId, fromBlock, toBlock],
    );
    return rows.map(eventFromRow);
  }

  /** The keys stored for each event of a block range, by `block:logIndex`. */
  async keysInRange(chainId: number, fromBlock: number, toBlock: number): Promise<Map<string, string[]>> {
    const rows = await this.db.query<{ key: string; block_number: unknown; log_index: unknown }>(
      `SELECT key, block_number, log_index FROM event_keys WHERE chain_id = ? AND block_number >= ? AND block_number <= ?`,
      [chainId, fromBlock, toBlock],
    );
    const keys = new Map<string, string[]>();
    for (const row of rows) {
      const position = `${Number(row.block_number)}:${Number(row.log_index)}`;
      const list = keys.get(position);
      if (list) list.push(row.key);
      else keys.set(position, [row.key]);
    }
    return keys;
  }

  /** A whole state table of one chain, by key. */
  async stateTable(table: StateTableName, chainId: number): Promise<Map<string, StateRow>> {
    const rows = await this.db.query(`SELECT * FROM state_${table} WHERE chain_id = ?`, [chainId]);
    return new Map(rows.map((row) => [row.key as string, stateFromRow(table, row)]));
  }

  async countEvents(chainId: number): Promise<number> {
    const rows = await this.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM events WHERE chain_id = ?`, [
      chainId,
    ]);
    return Number(rows[0]!.n);
  }

  async stateRow(table: StateTableName, chainId: number, key: string): Promise<StateRow | undefined> {
    const rows = await this.db.query(`SELECT * FROM state_${table} WHERE chain_id = ? AND key = ?`, [
      chainId,
      key.toLowerCase(),
    ]);
    return rows[0] ? stateFromRow(table, rows[0]) : undefined;
  }

  /** State rows whose `column` equals `value`, in key order. */
  async stateRowsWhere(
    table: StateTableName,
    chainId: number,
    column: string,
    value: string | number,
    limit = 10_000,
  ): Promise<StateRow[]> {
    if (!(column in STATE_TABLES[table])) throw new Error(`state_${table} has no column ${column}`);
    const rows = await this.db.query(
      `SELECT * FROM state_${table} WHERE chain_id = ? AND ${column} = ? ORDER BY key LIMIT ?`,
      [chainId, value, limit],
    );
    return rows.map((row) => stateFromRow(table, row));
  }

  private async firstBlockAtOrAfter(chainId: number, time: number): Promise<number | undefined> {
    const rows = await this.db.query<{ block_number: unknown }>(
      `SELECT block_number FROM events WHERE chain_id = ? AND block_time >= ? ORDER BY block_time, block_number LIMIT 1`,
      [chainId, time],
    );
    return rows[0] ? Number(rows[0].block_number) : undefined;
  }

  private async lastBlockAtOrBefore(chainId: number, time: number): Promise<number | undefined> {
    const rows = await this.db.query<{ block_number: unknown }>(
      `SELECT block_number FROM events WHERE chain_id = ? AND block_time <= ? ORDER BY block_time DESC, block_number DESC LIMIT 1`,
      [chainId, time],
    );
    return rows[0] ? Number(rows[0].block_number) : undefined;
  }
}

function stateFromRow(table: StateTableName, row: Record<string, unknown>): StateRow {
  const out: StateRow = { key: row.key as string };
  for (const [column, type] of Object.entries(STATE_TABLES[table])) {
    const value = row[column];
    out[column] =
      value === null || value === undefined
        ? null
        : type === "integer"
          ? Number(value)
          : typeof value === "string"
            ? value
            : JSON.stringify(value);
  }
  return out;
}

export function eventFromRow(row: Record<string, unknown>): AuditEvent {
  const event = {
    chainId: Number(row.chain_id),
    blockNumber: Number(row.block_number),
    blockHash: row.block_hash as Hex,
    blockTime: Number(row.block_time),
    transactionHash: row.transaction_hash as Hex,
    transactionIndex: Number(row.transaction_index),
    logIndex: Number(row.log_index),
    contract: row.contract as ContractName,
    address: row.address as Hex,
    event: row.event as string,
    args: JSON.parse(row.args as string) as EventArgs,
    actor: (row.actor as string | null) ?? null,
    subject: (row.subject as string | null) ?? null,
    keys: [] as string[],
  };
  return event;
}

/** A range's events, their keys and its blocks. */
async function insertRangeRows(
  tx: SqlExecutor,
  input: { chainId: number; blocks: StoredBlock[]; events: AuditEvent[] },
): Promise<void> {
  await insertEvents(tx, input.events);
  await insertRows(
    tx,
    "blocks",
    ["chain_id", "number", "hash", "time"],
    ["bigint", "bigint", "text", "bigint"],
    input.blocks.map((b) => [input.chainId, b.number, b.hash, b.time]),
    "ON CONFLICT (chain_id, number) DO UPDATE SET hash = excluded.hash, time = excluded.time",
  );
}

/**
 * PostgreSQL writes a range's rows before it takes the writer lock: a duplicate row (23505) or a
 * deadlock (40P01) there means another process is writing the same blocks.
 */
function concurrentWriter(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === "23505" || code === "40P01")
    throw new ConcurrentWriterError(
      "another process wrote the same blocks while this sync was writing them; is another `crossproof audit sync` writing to this index? Run one writer per index.",
      { cause: error },
    );
  throw error;
}

async function insertEvents(tx: SqlExecutor, events: AuditEvent[]): Promise<void> {
  await insertRows(
    tx,
    "events",
    [...EVENT_COLUMNS],
    EVENT_COLUMN_TYPES,
    events.map((e) => [
      e.chainId,
      e.blockNumber,
      e.logIndex,
      e.transactionHash,
      e.transactionIndex,
      e.blockHash,
      e.blockTime,
      e.contract,
      e.address,
      e.event,
      e.actor,
      e.subject,
      JSON.stringify(e.args),
    ]),
  );
  await insertRows(
    tx,
    "event_keys",
    ["chain_id", "key", "block_number", "log_index"],
    ["bigint", "text", "bigint", "integer"],
    events.flatMap((e) => e.keys.map((key) => [e.chainId, key, e.blockNumber, e.logIndex])),
  );
}

/** SQL types of the columns written in bulk, for PostgreSQL's array parameters. */
type ColumnSqlType = "bigint" | "integer" | "text";

const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal (`{1,"0xab",NULL}`) of numbers, strings and nulls, passed as one text
 * parameter. pg builds the same from a JavaScript array, but through a generic escaper that took
 * about a second per 100,000 events of the benchmark, while the server waited.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  const items = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) items[i] = "NULL";
    else if (typeof value === "number" || typeof value === "bigint") items[i] = String(value);
    else {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      items[i] = `"${NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, "\\$&") : text}"`;
    }
  }
  return `{${items.join(",")}}`;
}

/**
 * Bulk INSERT. PostgreSQL: one statement whose parameters are one array per column (`unnest`),
 * which parses far faster than thousands of scalar parameters. SQLite (in-process, no round
 * trips): a cached multi-row statement of fixed size, then the rest row by row.
 */
async function insertRows(
  tx: SqlExecutor,
  table: string,
  columns: string[],
  types: ColumnSqlType[],
  rows: unknown[][],
  conflict = "",
): Promise<void> {
  if (rows.length === 0) return;
  const head = `INSERT INTO ${table} (${columns.join(", ")})`;
  if (tx.dialect === "postgres") {
    const arrays = columns.map((_, c) => arrayLiteral(rows.map((row) => row[c])));
    await tx.query(
      `${head} SELECT * FROM unnest(${types.map((type) => `?::${type}[]`).join(", ")}) ${conflict}`,
      arrays,
    );
    return;
  }
  const placeholder = `(${columns.map(() => "?").join(", ")})`;
  const most = Math.max(1, Math.min(SQLITE_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / columns.length)));
  // Statements of `most` rows, then of powers of two: few statements, and few distinct ones to cache.
  let start = 0;
  while (start < rows.length) {
    const left = rows.length - start;
    const count = left >= most ? most : 2 ** Math.floor(Math.log2(left));
    await tx.query(
      `${head} VALUES ${Array.from({ length: count }, () => placeholder).join(", ")} ${conflict}`,
      rows.slice(start, start + count).flat(),
    );
    start += count;
  }
}

async function upsertCursor(tx: SqlExecutor, chainId: number, blockNumber: number, blockHash: Hex | null) {
  await tx.query(
    `INSERT INTO cursors (chain_id, block_number, block_hash, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (chain_id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, updated_at = excluded.updated_at`,
    [chainId, blockNumber, blockHash, Math.floor(Date.now() / 1000)],
  );
}

async function upsertState(
  tx: SqlExecutor,
  table: StateTableName,
  chainId: number,
  rows: [string, StateRow][],
): Promise<void> {
  const columns = Object.keys(STATE_TABLES[table]);
  await insertRows(
    tx,
    `state_${table}`,
    ["chain_id", "key", ...columns],
    [
      "bigint",
      "text",
      ...columns.map((c): ColumnSqlType => (STATE_TABLES[table][c] === "integer" ? "bigint" : "text")),
    ],
    rows.map(([key, row]) => [chainId, key, ...columns.map((c) => row[c] ?? null)]),
    `ON CONFLICT (chain_id, key) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(", ")}`,
  );
}

/** Folds a range's events into the state tables: load the touched rows, apply in order, upsert. */
async function project(tx: SqlExecutor, chainId: number, events: AuditEvent[]): Promise<void> {
  const touched = new Map<StateTableName, Map<string, AuditEvent[]>>();
  for (const event of events)
    for (const { table, key } of stateTargets(event)) {
      let byKey = touched.get(table);
      if (!byKey) touched.set(table, (byKey = new Map<string, AuditEvent[]>()));
      let list = byKey.get(key);
      if (!list) byKey.set(key, (list = []));
      list.push(event);
    }
  for (const [table, byKey] of touched) {
    const keys = [...byKey.keys()];
    const existing = new Map<string, StateRow>();
    if (tx.dialect === "postgres") {
      // One array parameter: thousands of scalar ones cost the server more to bind than the lookup.
      const rows = await tx.query(
        `SELECT * FROM state_${table} WHERE chain_id = ? AND key = ANY(?::text[])`,
        [chainId, arrayLiteral(keys)],
      );
      for (const row of rows) existing.set(row.key as string, stateFromRow(table, row));
    }
    const perChunk = MAX_PARAMS - 1;
    for (let start = 0; tx.dialect === "sqlite" && start < keys.length; start += perChunk) {
      const chunk = keys.slice(start, start + perChunk);
      const rows = await tx.query(
        `SELECT * FROM state_${table} WHERE chain_id = ? AND key IN (${chunk.map(() => "?").join(", ")})`,
        [chainId, ...chunk],
      );
      for (const row of rows) existing.set(row.key as string, stateFromRow(table, row));
    }
    const updated: [string, StateRow][] = [];
    for (const [key, list] of byKey) {
      let row = existing.get(key);
      for (const event of list) row = applyEvent(table, row, event);
      updated.push([key, row!]);
    }
    await upsertState(tx, table, chainId, updated);
  }
}
