/**
 * The indexer suites' common bed: a deployed Hardhat node (history.ts), a throwaway PostgreSQL
 * server, a scratch directory, and fresh empty indexes on either backend.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { openAuditStore } from "../../src/indexer/open.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import { startPostgres, type PostgresServer } from "../utils/postgres.ts";
import { startHistoryChain, type HistoryChain } from "./history.ts";

export type AuditBackend = { name: "SQLite" | "PostgreSQL"; open(): Promise<AuditStore> };

export type AuditTestBed = {
  history: HistoryChain;
  postgres: PostgresServer;
  /** Scratch directory, removed by stop(). */
  dir: string;
  /** A name not used before in this bed: `${prefix}${n}`. */
  unique: (prefix: string) => string;
  /** A new empty SQLite index in `dir`. */
  sqlite: () => Promise<AuditStore>;
  /** A new empty database on the PostgreSQL server; its URL. */
  postgresDatabase: () => Promise<string>;
  /** Runs `step` when the bed stops (before what the bed itself started). */
  onStop: (step: () => Promise<unknown>) => void;
  /** Stops everything started, last first. */
  stop: () => Promise<void>;
};

/**
 * SQLite and PostgreSQL, each opening a new empty index of the bed `bed()` returns when a test runs:
 * suites declare one test per backend before their before() hook has started the bed.
 */
export function auditBackends(bed: () => AuditTestBed): AuditBackend[] {
  return [
    { name: "SQLite", open: () => bed().sqlite() },
    { name: "PostgreSQL", open: async () => openAuditStore({ databaseUrl: await bed().postgresDatabase() }) },
  ];
}

/** Starts the chain (`chainId`, unique per test file) and the PostgreSQL server side by side. */
export async function startAuditTestBed(chainId: number, name: string): Promise<AuditTestBed> {
  const steps: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of steps.splice(0).reverse()) await step();
  };
  let count = 0;
  const unique = (prefix: string) => `${prefix}${++count}`;
  try {
    const dir = await mkdtemp(join(tmpdir(), `crossproof-${name}-`));
    steps.push(() => rm(dir, { recursive: true, force: true }));
    // Both started before either failure is thrown, so that stop() ends whichever did start.
    const [chain, server] = await Promise.allSettled([
      startHistoryChain("hardhat", chainId),
      startPostgres(),
    ]);
    if (chain.status === "fulfilled") steps.push(() => chain.value.chain.stop());
    if (server.status === "fulfilled") steps.push(() => server.value.stop());
    if (chain.status === "rejected") throw chain.reason;
    if (server.status === "rejected") throw server.reason;
    const postgres = server.value;
    const sqlite = () => openAuditStore({ sqlitePath: join(dir, `${unique("index-")}.sqlite`) });
    const postgresDatabase = async () => {
      const database = unique(`${name.replace(/\W/g, "_")}_`);
      const admin = await openAuditStore({ databaseUrl: postgres.url });
      try {
        await admin.db.exec(`CREATE DATABASE ${database}`);
      } finally {
        await admin.close();
      }
      return postgres.url.replace(/\/[^/]+$/, `/${database}`);
    };
    return {
      history: chain.value,
      postgres,
      dir,
      unique,
      sqlite,
      postgresDatabase,
      onStop: (step) => steps.push(step),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
