/**
 * `audit check`: the auditor's proof that the index is honest. Re-reads the chain's logs for a block
 * range, decodes them the same way, and compares them with the index event by event, including the
 * keys each event is found by. When the range is the whole index (from the deployment's start
 * block to the cursor), it also folds the chain's events into state in memory and compares every
 * row of every state table.
 *
 * It reads the chain through the indexer's own reading (AuditIndexer.readEvents): ranges that adapt
 * to the chain's density and to refusals, retries with backoff. A failure to read the chain is an
 * RpcFailedError (the CLI's exit 3), never a difference.
 */
import type { PublicClient } from "viem";

import type { DeploymentManifest } from "../sdk/deployments.ts";
import { stateTargets, type AuditEvent, type StateTableName } from "./catalogue.ts";
import { deploymentMismatch } from "./deployment.ts";
import { AuditIndexer, type IndexerLog } from "./indexer.ts";
import { applyEvent, STATE_TABLE_NAMES, STATE_TABLES, type StateRow } from "./projections.ts";
import type { AuditStore } from "./store.ts";

export type CheckDifference = {
  /** Position in chain order within the range. */
  position: { blockNumber: number; logIndex: number };
  kind: "missing-from-index" | "not-on-chain" | "different";
  /** The first differing field, for `different`. */
  field?: string;
  chain?: AuditEvent;
  index?: AuditEvent;
};

export type StateDifference = {
  table: StateTableName;
  key: string;
  kind: "missing-from-index" | "not-from-chain" | "different";
  column?: string;
  chain?: string | number | null;
  index?: string | number | null;
};

export type CheckReport = {
  chainId: number;
  fromBlock: number;
  toBlock: number;
  chainEvents: number;
  indexedEvents: number;
  /** Events (or their keys) that differ. */
  differences: number;
  first: CheckDifference | null;
  /** Whether the state tables were compared (only for the whole index). */
  stateChecked: boolean;
  stateRows: number;
  stateDifferences: number;
  firstState: StateDifference | null;
};

/** Fields compared between chain and index, in this order. */
const FIELDS = [
  "blockNumber",
  "logIndex",
  "blockHash",
  "blockTime",
  "transactionHash",
  "transactionIndex",
  "address",
  "contract",
  "event",
  "args",
  "actor",
  "subject",
] as const;

export async function checkIndex(options: {
  client: PublicClient;
  store: AuditStore;
  manifest: DeploymentManifest;
  fromBlock: number;
  toBlock: number;
  /** Blocks per eth_getLogs call at most (ranges adapt below it, as the sync's do). */
  rangeSize?: number;
  /** Retries of a failing RPC call (the indexer's default if absent). */
  maxAttempts?: number;
  /** First backoff delay, ms. */
  retryDelayMs?: number;
  /** Where the reading's retries and range changes are told (stderr by default). */
  log?: IndexerLog;
}): Promise<CheckReport> {
  const { client, store, manifest, fromBlock, toBlock } = options;
  const chainId = manifest.chainId;
  // The index of another deployment differs from this one's chain everywhere: say so instead.
  const mismatch = deploymentMismatch(store.db.location, await store.deployment(chainId), manifest);
  if (mismatch) throw mismatch;
  const reader = new AuditIndexer({
    client,
    store,
    manifest,
    ...(options.rangeSize !== undefined && { rangeSize: options.rangeSize }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
    ...(options.log && { log: options.log }),
  });
  const cursor = await store.cursor(chainId);
  const stateChecked = fromBlock <= manifest.startBlock && cursor?.blockNumber === toBlock;
  const expected = new Map<StateTableName, Map<string, StateRow>>(
    STATE_TABLE_NAMES.map((t) => [t, new Map()]),
  );
  let chainCount = 0;
  let indexedCount = 0;
  let differences = 0;
  let first: CheckDifference | null = null;
  const note = (difference: CheckDifference) => {
    differences++;
    first ??= difference;
  };
  // Range by range, so memory holds one range of events and the folded state, whatever the length.
  for await (const { fromBlock: from, toBlock: to, events: chainEvents } of reader.readEvents(
    fromBlock,
    toBlock,
  )) {
    const indexed = await store.eventsInRange(chainId, from, to);
    const storedKeys = await store.keysInRange(chainId, from, to);
    chainCount += chainEvents.length;
    indexedCount += indexed.length;
    if (stateChecked)
      for (const event of chainEvents)
        for (const { table, key } of stateTargets(event)) {
          const rows = expected.get(table)!;
          rows.set(key, applyEvent(table, rows.get(key), event));
        }
    let i = 0;
    let j = 0;
    while (i < chainEvents.length || j < indexed.length) {
      const c = chainEvents[i];
      const x = indexed[j];
      const order = !c ? 1 : !x ? -1 : c.blockNumber - x.blockNumber || c.logIndex - x.logIndex;
      if (order < 0) {
        note({
          position: { blockNumber: c!.blockNumber, logIndex: c!.logIndex },
          kind: "missing-from-index",
          chain: c,
        });
        i++;
      } else if (order > 0) {
        note({
          position: { blockNumber: x!.blockNumber, logIndex: x!.logIndex },
          kind: "not-on-chain",
          index: x,
        });
        j++;
      } else {
        const keys = storedKeys.get(`${x!.blockNumber}:${x!.logIndex}`) ?? [];
        x!.keys = keys;
        const field =
          FIELDS.find((name) => JSON.stringify(c![name]) !== JSON.stringify(x![name])) ??
          (JSON.stringify([...c!.keys].sort()) === JSON.stringify([...keys].sort()) ? undefined : "keys");
        if (field)
          note({
            position: { blockNumber: c!.blockNumber, logIndex: c!.logIndex },
            kind: "different",
            field,
            chain: c,
            index: x,
          });
        i++;
        j++;
      }
    }
  }
  const state = stateChecked
    ? await compareState(store, chainId, expected)
    : { rows: 0, differences: 0, first: null };
  return {
    chainId,
    fromBlock,
    toBlock,
    chainEvents: chainCount,
    indexedEvents: indexedCount,
    differences,
    first,
    stateChecked,
    stateRows: state.rows,
    stateDifferences: state.differences,
    firstState: state.first,
  };
}

/** Compares every state table with the state folded from the chain's events. */
async function compareState(
  store: AuditStore,
  chainId: number,
  expected: Map<StateTableName, Map<string, StateRow>>,
): Promise<{ rows: number; differences: number; first: StateDifference | null }> {
  let rows = 0;
  let differences = 0;
  let first: StateDifference | null = null;
  const note = (difference: StateDifference) => {
    differences++;
    first ??= difference;
  };
  for (const table of STATE_TABLE_NAMES) {
    const want = expected.get(table)!;
    const have = await store.stateTable(table, chainId);
    rows += have.size;
    for (const [key, row] of want) {
      const stored = have.get(key);
      if (!stored) {
        note({ table, key, kind: "missing-from-index" });
        continue;
      }
      const column = Object.keys(STATE_TABLES[table]).find((c) => (row[c] ?? null) !== (stored[c] ?? null));
      if (column)
        note({
          table,
          key,
          kind: "different",
          column,
          chain: row[column] ?? null,
          index: stored[column] ?? null,
        });
    }
    for (const key of have.keys()) if (!want.has(key)) note({ table, key, kind: "not-from-chain" });
  }
  return { rows, differences, first };
}
