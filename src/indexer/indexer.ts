/**
 * The audit indexer: backfills every Crossproof event with `eth_getLogs` in block ranges, then
 * follows new blocks. Each range is committed with its cursor in one transaction (see store.ts).
 *
 * Reorgs: before each range the stored cursor block's hash is compared with the chain's; if the
 * chain no longer holds it, the indexer walks back through the blocks it stored to the highest one
 * the chain still holds and rolls everything above it back. Ranges only reach `head - confirmations`.
 * A range is read between two reads of its last block's hash, so a reorg during the read is seen
 * and the range is read again.
 */
import type { Block, Hex, Log, PublicClient } from "viem";

import type { DeploymentManifest } from "../sdk/deployments.ts";
import { DeploymentNotFoundError } from "../sdk/errors.ts";
import { AuditStoreError, RpcFailedError } from "./errors.ts";
import { catalogueFor, type AuditEvent, type Catalogue } from "./catalogue.ts";
import type { AuditStore, StoredBlock } from "./store.ts";

export type IndexerLog = (line: string) => void;

export type IndexerOptions = {
  client: PublicClient;
  store: AuditStore;
  manifest: DeploymentManifest;
  /** Blocks to stay behind the head (0 for instant-finality consortium engines). */
  confirmations?: number;
  /** Blocks per `eth_getLogs` call at most (halved automatically when the node refuses a range). */
  rangeSize?: number;
  /** Logs per `eth_getLogs` call to aim at; ranges shrink on dense blocks and grow on sparse ones. */
  targetLogs?: number;
  /** Retries of a failing RPC call before giving up (with exponential backoff). */
  maxAttempts?: number;
  /** First backoff delay, ms. */
  retryDelayMs?: number;
  log?: IndexerLog;
  /** Called after every committed range. */
  onProgress?: (progress: { cursor: number; target: number; events: number }) => void;
};

/** Blocks in the first range of a sync. */
const INITIAL_RANGE = 16;

type Parent = { number: number; hash: Hex | null } | null;
/** A refused range; `fits` is the share of it the client would take, when the error says. */
type TooLarge = { tooLarge: true; fits: number | undefined };
type RangeRead = TooLarge | "reorg" | { events: AuditEvent[]; blocks: StoredBlock[]; toHash: Hex };
type Read = { from: number; to: number; promise: Promise<RangeRead> };

/** The next range's size: aim at `targetLogs` logs, grow at most ×2 a step, within [1, max]. */
export function adaptedSize(
  size: number,
  blocks: number,
  logs: number,
  targetLogs: number,
  max: number,
): number {
  if (logs > targetLogs) return Math.max(1, Math.min(size, Math.floor((blocks * targetLogs) / logs)));
  if (blocks < size) return size; // the range was cut short by the target block, not by density
  return Math.min(max, size * 2, logs === 0 ? max : Math.max(size, Math.floor((blocks * targetLogs) / logs)));
}

export type SyncResult = { fromBlock: number; toBlock: number; events: number; rolledBack: number };

export class AuditIndexer {
  readonly chainId: number;
  private readonly options: Required<Omit<IndexerOptions, "onProgress">> & Pick<IndexerOptions, "onProgress">;
  private readonly catalogue: Catalogue;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(options: IndexerOptions) {
    this.options = {
      confirmations: 0,
      rangeSize: 2_000,
      targetLogs: 5_000,
      maxAttempts: 6,
      retryDelayMs: 500,
      log: (line) => process.stderr.write(`${line}\n`),
      ...options,
    };
    this.chainId = options.manifest.chainId;
    this.catalogue = catalogueFor(options.manifest);
  }

  /** Indexes up to the chain's head (minus confirmations) and returns. */
  async syncOnce(): Promise<SyncResult> {
    const { store, manifest, confirmations } = this.options;
    const chainId = await this.rpc("eth_chainId", () => this.options.client.getChainId());
    if (chainId !== manifest.chainId)
      throw new DeploymentNotFoundError(
        `The RPC endpoint serves chain ${chainId}, but the manifest is for chain ${manifest.chainId}; point --rpc at chain ${manifest.chainId}.`,
      );
    let rolledBack = 0;
    let cursor = await store.cursor(this.chainId);
    if (cursor?.blockHash) {
      const onChain = await this.blockHash(cursor.blockNumber);
      if (onChain !== cursor.blockHash) {
        rolledBack = await this.rollBack(cursor.blockNumber);
        cursor = await store.cursor(this.chainId);
      }
    }
    const head = Number(
      await this.rpc("eth_blockNumber", () => this.options.client.getBlockNumber({ cacheTime: 0 })),
    );
    const target = head - confirmations;
    const start = cursor ? cursor.blockNumber + 1 : manifest.startBlock;
    let events = 0;
    let parent: Parent = cursor ? { number: cursor.blockNumber, hash: cursor.blockHash } : null;
    // Ranges adapt to the chain's density: about `targetLogs` logs per eth_getLogs (nodes slow
    // down sharply on huge answers), never more than `rangeSize` blocks. The next range is read
    // while the current one is written.
    // Start small: a node computes a refused answer in full before refusing it, so a first range
    // of thousands of dense blocks can cost seconds; the size doubles on sparse ranges.
    let size = Math.min(this.options.rangeSize, INITIAL_RANGE);
    let ceiling = this.options.rangeSize;
    const next = (from: number): Read | undefined => {
      if (from > target || this.stopped) return undefined;
      const to = Math.min(target, from + size - 1);
      const promise = this.readRange(from, to, parent);
      promise.catch(() => {}); // awaited below; a failure is handled there
      return { from, to, promise };
    };
    let pending = next(start);
    while (pending) {
      const { from, to } = pending;
      const read = await pending.promise;
      if (typeof read === "object" && "tooLarge" in read) {
        // The node builds a refused answer in full first, so never ask for that many again: scale
        // down by how much too large the answer was (viem says, for its body size limit), else halve.
        ceiling = Math.max(1, Math.floor((to - from + 1) * Math.min(0.5, (read.fits ?? 0.5) * 0.8)));
        size = ceiling;
        this.options.log(
          `audit: eth_getLogs over ${to - from + 1} blocks was refused as too large an answer; trying ${size}`,
        );
        pending = next(from);
        continue;
      }
      if (read === "reorg") {
        if (parent?.hash && (await this.blockHash(parent.number)) === parent.hash) {
          // The chain changed above the index while the range was read: read it again.
          this.options.log(
            `audit: the chain changed while blocks ${from}–${to} were read; reading them again`,
          );
          pending = next(from);
          continue;
        }
        rolledBack += await this.rollBack(parent?.number ?? manifest.startBlock);
        const now = await store.cursor(this.chainId);
        parent = now ? { number: now.blockNumber, hash: now.blockHash } : null;
        pending = next(now ? now.blockNumber + 1 : manifest.startBlock);
        continue;
      }
      const expectedPrevious = parent?.number ?? null;
      size = adaptedSize(size, to - from + 1, read.events.length, this.options.targetLogs, ceiling);
      parent = { number: to, hash: read.toHash };
      pending = next(to + 1);
      await store.commitRange({
        chainId: this.chainId,
        expectedPrevious,
        cursor: { blockNumber: to, blockHash: read.toHash },
        blocks: read.blocks,
        events: read.events,
      });
      events += read.events.length;
      this.options.onProgress?.({ cursor: to, target, events });
    }
    const reached = parent?.number ?? start - 1;
    return { fromBlock: start, toBlock: Math.max(start - 1, reached), events, rolledBack };
  }

  /** Syncs, then keeps following new blocks every `intervalMs` until {@link stop}. */
  async follow(intervalMs = 1_000): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.syncOnce();
        failures = 0;
      } catch (error) {
        if (error instanceof DeploymentNotFoundError || error instanceof AuditStoreError) throw error;
        failures++;
        const delay = Math.min(30_000, this.options.retryDelayMs * 2 ** Math.min(failures, 6));
        this.options.log(
          `audit: sync failed (${firstLine(error)}); trying again in ${(delay / 1000).toFixed(1)} s`,
        );
        await this.sleep(delay);
        continue;
      }
      await this.sleep(intervalMs);
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Reads blocks `from`–`to`. "reorg" when the chain changed during the read or no longer holds
   * `parent` (the last block before `from` that the index holds or is about to hold).
   */
  private async readRange(from: number, to: number, parent: Parent): Promise<RangeRead> {
    const { client } = this.options;
    const before = await this.block(to);
    let logs: Log[];
    try {
      logs = await this.rpc(
        "eth_getLogs",
        () =>
          client.getLogs({
            address: this.catalogue.addresses,
            fromBlock: BigInt(from),
            toBlock: BigInt(to),
          }) as Promise<Log[]>,
        isRangeTooLarge,
      );
    } catch (error) {
      if (isRangeTooLarge(error) && to > from) return { tooLarge: true, fits: fitsWithin(error) };
      throw error;
    }
    const after = await this.block(to);
    if (after.hash !== before.hash) return "reorg";
    if (parent?.hash && (await this.blockHash(parent.number)) !== parent.hash) return "reorg";
    const times = new Map<number, StoredBlock>();
    times.set(to, { number: to, hash: after.hash!, time: Number(after.timestamp) });
    const missing = new Set<number>();
    for (const log of logs) {
      const number = Number(log.blockNumber);
      const stamped = (log as { blockTimestamp?: bigint | Hex | null }).blockTimestamp;
      if (stamped !== undefined && stamped !== null && !times.has(number)) {
        times.set(number, { number, hash: log.blockHash!, time: Number(stamped) });
      } else if (!times.has(number)) missing.add(number);
    }
    await Promise.all(
      [...missing].map(async (number) => {
        const block = await this.block(number);
        times.set(number, { number, hash: block.hash!, time: Number(block.timestamp) });
      }),
    );
    for (const log of logs) {
      const stored = times.get(Number(log.blockNumber))!;
      if (stored.hash !== log.blockHash) return "reorg";
    }
    const events = logs
      .filter((log) => !log.removed)
      .map((log) => this.catalogue.decode(log, times.get(Number(log.blockNumber))!.time, this.chainId));
    return { events, blocks: [...times.values()], toHash: after.hash! };
  }

  /** Finds the highest stored block the chain still holds and rolls the index back to it. */
  private async rollBack(fromBlock: number): Promise<number> {
    const { store, manifest } = this.options;
    let below = fromBlock;
    let fork: StoredBlock | undefined;
    search: for (;;) {
      const candidates = await store.blocksAtOrBelow(this.chainId, below, 64);
      if (candidates.length === 0) break;
      for (const candidate of candidates) {
        if ((await this.blockHash(candidate.number)) === candidate.hash) {
          fork = candidate;
          break search;
        }
      }
      below = candidates.at(-1)!.number - 1;
    }
    const forkBlock = fork?.number ?? manifest.startBlock - 1;
    const removed = await store.rollbackTo(this.chainId, forkBlock, fork?.hash ?? null);
    this.options.log(
      `audit: chain reorganised: block ${fromBlock} is no longer canonical; rolled back ${removed} event(s) above block ${forkBlock}`,
    );
    return removed;
  }

  private async block(number: number): Promise<Block> {
    return this.rpc(`eth_getBlockByNumber(${number})`, () =>
      this.options.client.getBlock({ blockNumber: BigInt(number) }),
    );
  }

  private async blockHash(number: number): Promise<Hex | null> {
    return (await this.block(number)).hash;
  }

  /** Runs an RPC call with retries and exponential backoff; each retry is logged on one line. */
  private async rpc<T>(
    label: string,
    call: () => Promise<T>,
    giveUp?: (error: unknown) => boolean,
  ): Promise<T> {
    const { maxAttempts, retryDelayMs, log } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (giveUp?.(error) || attempt >= maxAttempts) {
          if (giveUp?.(error)) throw error;
          throw new RpcFailedError(
            `${label} failed ${attempt} times (${firstLine(error)}). Is the node at the RPC URL up and serving chain ${this.chainId}?`,
            { cause: error },
          );
        }
        const delay = retryDelayMs * 2 ** (attempt - 1);
        log(
          `audit: ${label} failed (${firstLine(error)}); retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${maxAttempts})`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string; status?: number };
  const text = e.shortMessage ?? e.message ?? String(error);
  return text.split("\n")[0]!.slice(0, 200);
}

/** Node answers that mean "ask for fewer blocks" (geth, Besu, Alchemy, Infura, anvil phrasing). */
function isRangeTooLarge(error: unknown): boolean {
  const e = error as { message?: string; details?: string } | undefined;
  const text = `${e?.message ?? ""} ${e?.details ?? ""}`;
  return /range (is )?too (large|wide|big)|too many (results|logs|blocks)|limit exceeded|exceed(s|ed) (max|the)|block range/i.test(
    text,
  );
}

/** For viem's ResponseBodyTooLargeError: the share of the answer that fits its size limit. */
function fitsWithin(error: unknown): number | undefined {
  for (
    let e = error as { maxSize?: number; size?: number; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.maxSize === "number" && typeof e.size === "number" && e.size > 0) return e.maxSize / e.size;
  }
  return undefined;
}
