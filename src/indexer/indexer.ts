/**
 * The audit indexer: backfills every Crossproof event with `eth_getLogs` in block ranges, then
 * follows new blocks. Each range is committed with its cursor in one transaction (see store.ts).
 *
 * Reorgs: before each range the stored cursor block's hash is compared with the chain's; if the
 * chain no longer holds it, the indexer walks back through the blocks it stored to the highest one
 * the chain still holds and rolls everything above it back. Ranges only reach `head - confirmations`.
 * A range is read between two reads of its last block's hash, so a reorg during the read is seen
 * and the range is read again.
 *
 * Range sizes follow the chain's density, and a range is cut by its blocks' gas before the node is
 * asked for it (docs/audit.md, "How ranges adapt").
 */
import { toHex, type Block, type Hex, type PublicClient } from "viem";

import { isRangeTooLarge, smallerRange } from "../sdk/actions/events.ts";
import type { DeploymentManifest } from "../sdk/deployments.ts";
import { DeploymentNotFoundError, errorChain } from "../sdk/errors.ts";
import { AuditStoreError, RpcFailedError } from "./errors.ts";
import { catalogueFor, type AuditEvent, type Catalogue, type LogInput } from "./catalogue.ts";
import type { AuditStore, StoredBlock } from "./store.ts";

export type IndexerLog = (line: string) => void;

export type IndexerOptions = {
  client: PublicClient;
  store: AuditStore;
  manifest: DeploymentManifest;
  /** Blocks to stay behind the head (0 for instant-finality consortium engines). */
  confirmations?: number;
  /** Blocks per `eth_getLogs` call at most (lowered automatically when the node refuses a range). */
  rangeSize?: number;
  /**
   * Logs per `eth_getLogs` call to aim at; ranges shrink on dense blocks and grow on sparse ones,
   * and are cut before the call when their blocks' gas predicts over twice as many (docs/audit.md).
   */
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
/** Blocks per eth_feeHistory call (geth, Besu and Nethermind serve at most 1,024). */
const FEE_HISTORY_BLOCKS = 1_024;
/** Logs per gas assumed before any block with logs was read: one log per 20,000 gas. */
const PRIOR_LOGS_PER_GAS = 1 / 20_000;
/** Ranges whose densest block the estimate remembers (it uses the highest logs-per-gas of them). */
const DENSITY_MEMORY = 8;
/** A range is cut before eth_getLogs when its blocks' gas predicts this many times `targetLogs`. */
const DENSE_FACTOR = 2;
/** Ranges given to the store and not yet committed, at most. */
const COMMITS_IN_FLIGHT = 2;

type Parent = { number: number; hash: Hex | null } | null;
type RangeRead =
  /** Refused by the node (or the client's response size limit), with the refusal. */
  | { kind: "tooLarge"; to: number; error: unknown }
  | { kind: "reorg"; to: number }
  | {
      kind: "read";
      to: number;
      /** Cut short of the planned range by the density estimate. */
      cut: boolean;
      /** The highest logs-per-gas of one block of the range, when the node told the gas (eth_feeHistory). */
      density: number | undefined;
      events: AuditEvent[];
      blocks: StoredBlock[];
      toHash: Hex;
    };
type Read = { from: number; promise: Promise<RangeRead> };

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
  /** Logs per gas of the last ranges read (for the density estimate). */
  private readonly densities: number[] = [];
  /** False once the node has refused eth_feeHistory: ranges then adapt to the logs alone. */
  private feeHistory = true;

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
    // of thousands of dense blocks can cost seconds; the size doubles on sparse ranges. Where a
    // sparse stretch meets dense blocks, the blocks' gas (eth_feeHistory) cuts the range before
    // eth_getLogs is asked for it (see readRange).
    let size = Math.min(this.options.rangeSize, INITIAL_RANGE);
    let ceiling = this.options.rangeSize;
    const next = (from: number): Read | undefined => {
      if (from > target || this.stopped) return undefined;
      const promise = this.readRange(from, Math.min(target, from + size - 1), parent);
      promise.catch(() => {}); // awaited below; a failure is handled there
      return { from, promise };
    };
    // Ranges commit in order, up to COMMITS_IN_FLIGHT at once (see AuditStore.commitRange): on
    // PostgreSQL the next range's rows are written while the previous transaction finishes.
    const commits: { promise: Promise<void>; to: number; events: number }[] = [];
    const settle = async () => {
      const commit = commits.shift()!;
      await commit.promise;
      events += commit.events;
      this.options.onProgress?.({ cursor: commit.to, target, events });
    };
    const drain = async () => {
      while (commits.length > 0) await settle();
    };
    let pending = next(start);
    try {
      while (pending) {
        const { from } = pending;
        const read = await pending.promise;
        const { to } = read;
        if (read.kind === "tooLarge") {
          // The node builds a refused answer in full first, so never ask for that many again: scale
          // down by how much too large the answer was (viem says, for its body size limit), else halve.
          ceiling = smallerRange(to - from + 1, read.error);
          size = ceiling;
          this.options.log(
            `audit: eth_getLogs over ${to - from + 1} blocks was refused as too large an answer; trying ${size}`,
          );
          pending = next(from);
          continue;
        }
        if (read.kind === "reorg") {
          if (parent?.hash && (await this.blockHash(parent.number)) === parent.hash) {
            // The chain changed above the index while the range was read: read it again.
            this.options.log(
              `audit: the chain changed while blocks ${from}–${to} were read; reading them again`,
            );
            pending = next(from);
            continue;
          }
          await drain();
          rolledBack += await this.rollBack(parent?.number ?? manifest.startBlock);
          const now = await store.cursor(this.chainId);
          parent = now ? { number: now.blockNumber, hash: now.blockHash } : null;
          pending = next(now ? now.blockNumber + 1 : manifest.startBlock);
          continue;
        }
        const expectedPrevious = parent?.number ?? null;
        const blocks = to - from + 1;
        // A range the estimate cut short counts as a whole one of its length.
        size = adaptedSize(
          read.cut ? blocks : size,
          blocks,
          read.events.length,
          this.options.targetLogs,
          ceiling,
        );
        if (read.density !== undefined) {
          this.densities.push(read.density);
          if (this.densities.length > DENSITY_MEMORY) this.densities.shift();
        }
        parent = { number: to, hash: read.toHash };
        pending = next(to + 1);
        const promise = store.commitRange({
          chainId: this.chainId,
          expectedPrevious,
          cursor: { blockNumber: to, blockHash: read.toHash },
          blocks: read.blocks,
          events: read.events,
        });
        promise.catch(() => {}); // awaited by settle
        commits.push({ promise, to, events: read.events.length });
        if (commits.length >= COMMITS_IN_FLIGHT) await settle();
      }
      await drain();
    } catch (error) {
      // Nothing of this sync may still be writing when it reports a failure.
      await Promise.allSettled(commits.map((commit) => commit.promise));
      throw error;
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
   * Reads blocks `from`–`planned` (or fewer: see {@link cutByDensity}). "reorg" when the chain
   * changed during the read or no longer holds `parent` (the last block before `from` that the
   * index holds or is about to hold).
   */
  private async readRange(from: number, planned: number, parent: Parent): Promise<RangeRead> {
    let to = planned;
    const [header, ratios] = await Promise.all([this.block(to), this.gasUsedRatios(from, to)]);
    let before = header;
    // Gas from gasUsedRatio and the last block's gas limit (which moves slowly on real chains).
    let gas = ratios?.map((ratio) => ratio * Number(header.gasLimit));
    const cut = gas ? this.cutByDensity(from, to, gas) : to;
    if (cut < to) {
      to = cut;
      gas = gas!.slice(0, to - from + 1);
      before = await this.block(to);
    }
    let logs: RpcLog[];
    try {
      // Through the client's request with no retries of its own: viem's http transport retries a
      // response over its size limit as if it were a network failure, and each try makes the
      // node build the whole answer again. Transient failures are retried by this.rpc.
      logs = await this.rpc<RpcLog[]>(
        "eth_getLogs",
        () =>
          this.options.client.request(
            {
              method: "eth_getLogs",
              params: [{ address: this.catalogue.addresses, fromBlock: toHex(from), toBlock: toHex(to) }],
            },
            { retryCount: 0 },
          ),
        isRangeTooLarge,
      );
    } catch (error) {
      if (isRangeTooLarge(error) && to > from) return { kind: "tooLarge", to, error };
      throw error;
    }
    const after = await this.block(to);
    if (after.hash !== before.hash) return { kind: "reorg", to };
    if (parent?.hash && (await this.blockHash(parent.number)) !== parent.hash) return { kind: "reorg", to };
    const times = new Map<number, StoredBlock>();
    times.set(to, { number: to, hash: after.hash!, time: Number(after.timestamp) });
    const missing = new Set<number>();
    for (const log of logs) {
      const number = Number(log.blockNumber);
      const stamped = log.blockTimestamp;
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
      if (stored.hash !== log.blockHash) return { kind: "reorg", to };
    }
    const events = logs
      .filter((log) => !log.removed)
      .map((log) => this.catalogue.decode(log, times.get(Number(log.blockNumber))!.time, this.chainId));
    let density: number | undefined;
    if (gas) {
      const perBlock = new Map<number, number>();
      for (const event of events) perBlock.set(event.blockNumber, (perBlock.get(event.blockNumber) ?? 0) + 1);
      density = 0;
      for (const [number, count] of perBlock) {
        const used = gas[number - from]!;
        if (used > 0) density = Math.max(density, count / used);
      }
      if (density === 0) density = undefined;
    }
    return {
      kind: "read",
      to,
      cut: to < planned,
      density,
      events,
      blocks: [...times.values()],
      toHash: after.hash!,
    };
  }

  /**
   * The last block of `from`–`to` to ask eth_getLogs for: `to`, unless the blocks' gas predicts an
   * answer of more than DENSE_FACTOR × targetLogs logs; then the longest prefix predicted to hold
   * at most targetLogs (at least one block). The prediction is each block's gas × the highest
   * logs-per-gas of one block in the last ranges read (PRIOR_LOGS_PER_GAS before any): a cheap look
   * at the blocks, so a sparse stretch that meets a run of full blocks does not ask the node for
   * an answer it would build in full only to refuse. The densest block, not the average, because a
   * range's average mixes in blocks whose gas went to other work (deployments, other contracts).
   */
  private cutByDensity(from: number, to: number, gas: number[]): number {
    const perGas = this.densities.length > 0 ? Math.max(...this.densities) : PRIOR_LOGS_PER_GAS;
    const { targetLogs } = this.options;
    let expected = 0;
    for (const g of gas) expected += g * perGas;
    if (expected <= DENSE_FACTOR * targetLogs) return to;
    expected = 0;
    for (const [i, g] of gas.entries()) {
      expected += g * perGas;
      if (expected > targetLogs) return from + Math.max(0, i - 1);
    }
    return to;
  }

  /**
   * gasUsed / gasLimit of blocks `from`–`to` (eth_feeHistory, one call per 1,024 blocks), or
   * undefined for a single block, when the node does not say or after it refused the method once.
   */
  private async gasUsedRatios(from: number, to: number): Promise<number[] | undefined> {
    if (!this.feeHistory || to <= from) return undefined;
    const calls: { oldest: number; count: number }[] = [];
    for (let oldest = from; oldest <= to; oldest += FEE_HISTORY_BLOCKS)
      calls.push({ oldest, count: Math.min(FEE_HISTORY_BLOCKS, to - oldest + 1) });
    try {
      const answers = await Promise.all(
        calls.map(({ oldest, count }) =>
          this.options.client.request(
            { method: "eth_feeHistory", params: [toHex(count), toHex(oldest + count - 1), []] },
            { retryCount: 0 },
          ),
        ),
      );
      const ratios: number[] = [];
      for (const [i, answer] of answers.entries()) {
        const { oldest, count } = calls[i]!;
        // A node that serves fewer blocks than asked: no estimate this time.
        if (Number(answer.oldestBlock) !== oldest || answer.gasUsedRatio.length !== count) return undefined;
        ratios.push(...answer.gasUsedRatio);
      }
      return ratios;
    } catch (error) {
      // Transient failures (rate limits, internal errors, timeouts) only skip this range's
      // estimate; a node that does not know the method or its parameters (unsupported,
      // pre-London) is not asked again.
      if (refusesMethod(error)) {
        this.feeHistory = false;
        this.options.log(
          `audit: the node refused eth_feeHistory (${firstLine(error)}); range sizes now follow the logs alone`,
        );
      }
      return undefined;
    }
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

/** A log as the node sends it (quantities in hex). */
type RpcLog = LogInput & { removed?: boolean; blockTimestamp?: Hex | null };

/** JSON-RPC "method not found" (-32601) or "invalid params" (-32602), anywhere in the cause chain. */
function refusesMethod(error: unknown): boolean {
  return errorChain(error).some((link) => link.code === -32601 || link.code === -32602);
}

function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string; status?: number };
  const text = e.shortMessage ?? e.message ?? String(error);
  return text.split("\n")[0]!.slice(0, 200);
}
