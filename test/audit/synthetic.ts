/** Audit indexes filled with made-up events, for the questions a chain's history does not pose. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Hex } from "viem";

import { finish, type AuditEvent } from "../../src/indexer/catalogue.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import type { ContractName } from "../../src/sdk/contracts.ts";

export const SYNTHETIC_CHAIN_ID = 31_337;

/** A 32-byte word holding `n`: block and transaction hashes, fingerprints. */
export const word = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;

/** The only event of block `n`, emitted by `contract` at `address`. */
export function syntheticEvent(
  n: number,
  contract: ContractName,
  address: Hex,
  name: string,
  args: AuditEvent["args"],
): AuditEvent {
  return finish({
    chainId: SYNTHETIC_CHAIN_ID,
    blockNumber: n,
    blockHash: word(n),
    blockTime: 1_800_000_000 + n,
    transactionHash: word(n + 1_000_000_000),
    transactionIndex: 0,
    logIndex: 0,
    contract,
    address,
    event: name,
    args,
  });
}

/** A new SQLite index in a directory of its own holding `events` (one per block, in block order). */
export async function syntheticStore(
  name: string,
  events: AuditEvent[],
): Promise<{ store: AuditStore; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `crossproof-${name}-`));
  const store = await openAuditStore({ sqlitePath: join(dir, "audit.sqlite") });
  const last = events.at(-1);
  await store.commitRange({
    chainId: SYNTHETIC_CHAIN_ID,
    expectedPrevious: null,
    cursor: { blockNumber: last?.blockNumber ?? 0, blockHash: last?.blockHash ?? word(0) },
    blocks: events.map((e) => ({ number: e.blockNumber, hash: e.blockHash, time: e.blockTime })),
    events,
  });
  return {
    store,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
