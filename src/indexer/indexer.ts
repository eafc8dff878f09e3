/**
 * The audit indexer: backfills every Crossproof event with `eth_getLogs` in block ranges, then
 * follows new blocks. Each range is committed with its cursor in one transaction (see store.ts).
 *
 * Reorgs: before each range the stored cursor block's hash is compared with the chain's; if the
 * chain no longer holds it, the indexer walks back through the blocks it stored to the highest one
 * the chain still holds and rolls everything above it back, unless that goes deeper than
 * `maxReorg` blocks or below the first block the index holds: then it refuses and changes nothing.
 * Ranges only reach `head - confirmations`. A range is read between two reads of its last block's
 * hash, so a reorg during the read is seen and the range is read again.
 *
 * One deployment per chain: the index records the manifest's deployment and the hash of its start
 * block (deployment.ts) and refuses another deployment, a node whose start block differs (a chain
 * reset with the same chain id) and a node whose chain ends below the cursor.
 *
 * Range sizes follow the chain's density, and a range is cut by its blocks' gas before the node is
 * asked for it (docs/audit.md, "How ranges adapt").
 */
import { toHex, type Block, type Hex, type PublicClient } from "viem";

import { isRangeTooLarge, smallerRange } from "../sdk/actions/events.ts";
import type { DeploymentManifest } from "../sdk/deployments.ts";
import { DeploymentNotFoundError, errorChain } from "../sdk/errors.ts";
import {
  AuditStoreError,
  ChainBehindIndexError,
  ChainMismatchError,
  DeploymentMismatchError,
  IndexMismatchError,
  LogsTooLargeError,
  ReorgTooDeepError,
  RpcFailedError,
} from "./errors.ts";
import { catalogueFor, type AuditEvent, type Catalogue, type LogInput } from "./catalogue.ts";
import {
  deploymentMismatch,
  deploymentRecord,
  describeDeployment,
  type DeploymentRecord,
} from "./deployment.ts";
import type { AuditStore, IndexCursor, StoredBlock } from "./store.ts";

export type IndexerLog = (line: string) => void;

export type IndexerOptions = {
  client: PublicClient;
  store: AuditStore;
  manifest: DeploymentManifest;
  /** Blocks to stay behind the head (0 for instant-finality consortium engines). */
  confirmations?: number;
  /**
   * Deepest reorganisation rolled back, in blocks ({@link DEFAULT_MAX_REORG} by default; 0: none).
   * A deeper one is refused and the index left as it is.
   */
  maxReorg?: number;
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
/** Transaction receipts read at once, for a block whose logs are too large for one eth_getLogs. */
const PARALLEL_RECEIPTS = 8;

/**
 * Blocks a reorganisation may replace and be rolled back. Consortium engines (QBFT, FISCO BCOS)
 * never reorganise; 64 covers Ethereum-style forks twice over. Deeper means a reset chain or a node
 * of another network far more often than a real reorg, and rolling back would delete the trail.
 */
export const DEFAULT_MAX_REORG = 64;

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

/** One range of the chain's events, as {@link AuditIndexer.readEvents} gives them. */
export type EventRange = { fromBlock: number; toBlock: number; events: AuditEvent[] };

/** The size of the next eth_getLogs range (docs/audit.md, "How ranges adapt"). */
class RangeSizer {
  /** Blocks in the next range. */
  size: number;
  /** Never more than this: the configured maximum, lowered by each range refused as too large. */
  private ceiling: number;
  private readonly targetLogs: number;

  constructor(rangeSize: number, targetLogs: number) {
    this.size = Math.min(rangeSize, INITIAL_RANGE);
    this.ceiling = rangeSize;
    this.targetLogs = targetLogs;
  }

  /**
   * A range of `blocks` was refused: the node builds a refused answer in full first, so never ask
   * for that many again. Scale down by how much too large the answer was (viem says, for its body
   * size limit), else halve.
   */
  refused(blocks: number, error: unknown): void {
    this.ceiling = smallerRange(blocks, error);
    this.size = this.ceiling;
  }

  /** A range of `blocks` held `logs`; `cut` when the density estimate cut it short. */
  read(blocks: number, logs: number, cut: boolean): void {
    // A range the estimate cut short counts as a whole one of its length.
    this.size = adaptedSize(cut ? blocks : this.size, blocks, logs, this.targetLogs, this.ceiling);
  }
}

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
      maxReorg: DEFAULT_MAX_REORG,
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

  /**
   * Indexes up to the chain's head (minus confirmations) and returns. Refuses, changing nothing, a
   * manifest of another deployment than the index holds, a node that does not hold the chain the
   * index was built from (its start block differs, or its chain ends below the cursor), and a
   * reorganisation deeper than `maxReorg` (see {@link IndexMismatchError}).
   */
  async syncOnce(): Promise<SyncResult> {
    const { store, manifest, confirmations } = this.options;
    const chainId = await this.rpc("eth_chainId", () => this.options.client.getChainId());
    if (chainId !== manifest.chainId)
      throw new DeploymentNotFoundError(
        `The RPC endpoint serves chain ${chainId}, but the manifest is for chain ${manifest.chainId}; point --rpc at chain ${manifest.chainId}.`,
      );
    let cursor = await store.cursor(this.chainId);
    const head = Number(
      await this.rpc("eth_blockNumber", () => this.options.client.getBlockNumber({ cacheTime: 0 })),
    );
    const unrecorded = await this.checkDeployment(cursor, head);
    if (cursor && cursor.blockNumber > head)
      throw new ChainBehindIndexError(
        `The node's chain ends at block ${head}, but the audit index at ${store.db.location} reaches block ${cursor.blockNumber} of chain ${this.chainId}: the node does not hold the chain this index was built from, or is still syncing. Nothing was changed. Wait until the node has synced past block ${cursor.blockNumber}, or point --rpc at a node of the indexed chain; if the chain was reset, index it into a new database (another --db file, or another DATABASE_URL).`,
      );
    let rolledBack = 0;
    if (cursor?.blockHash) {
      const onChain = await this.blockHash(cursor.blockNumber);
      if (onChain !== cursor.blockHash) {
        // The start block was checked against the recorded one (checkDeployment returns nothing
        // to record then): a reorg may replace every stored block and still be the same chain.
        rolledBack = await this.rollBack(cursor.blockNumber, unrecorded === undefined);
        cursor = await store.cursor(this.chainId);
      }
    }
    // Only once the cursor is known to be on the node's chain (or rolled back onto it).
    if (unrecorded) await this.recordDeployment(unrecorded);
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
    const sizer = new RangeSizer(this.options.rangeSize, this.options.targetLogs);
    const next = (from: number): Read | undefined => {
      if (from > target || this.stopped) return undefined;
      const promise = this.readRange(from, Math.min(target, from + sizer.size - 1), parent);
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
          sizer.refused(to - from + 1, read.error);
          this.options.log(
            `audit: eth_getLogs over ${to - from + 1} blocks was refused as too large an answer; trying ${sizer.size}`,
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
          rolledBack += await this.rollBack(
            parent?.number ?? manifest.startBlock,
            await this.startStillRecorded(),
          );
          const now = await store.cursor(this.chainId);
          parent = now ? { number: now.blockNumber, hash: now.blockHash } : null;
          pending = next(now ? now.blockNumber + 1 : manifest.startBlock);
          continue;
        }
        const expectedPrevious = parent?.number ?? null;
        sizer.read(to - from + 1, read.events.length, read.cut);
        this.remember(read.density);
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
        // A node still syncing catches up; another chain, deployment or a deep reorg does not.
        if (
          error instanceof DeploymentNotFoundError ||
          error instanceof AuditStoreError ||
          error instanceof LogsTooLargeError ||
          (error instanceof IndexMismatchError && !(error instanceof ChainBehindIndexError))
        )
          throw error;
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

  /**
   * The chain's events of blocks `fromBlock`–`toBlock`, decoded as the sync decodes them, one range
   * at a time in chain order, without touching the index (`audit check` reads the chain through
   * this). The ranges adapt as the sync's do: sized by the logs and the blocks' gas, cut when the
   * node (or the client's response size limit) refuses one, and a single block too large for one
   * answer read from its transactions' receipts. A range the chain changed under while it was read
   * is read again.
   */
  async *readEvents(fromBlock: number, toBlock: number): AsyncGenerator<EventRange> {
    const sizer = new RangeSizer(this.options.rangeSize, this.options.targetLogs);
    let changes = 0;
    for (let from = fromBlock; from <= toBlock;) {
      const read = await this.readRange(from, Math.min(toBlock, from + sizer.size - 1), null);
      const { to } = read;
      if (read.kind === "tooLarge") {
        sizer.refused(to - from + 1, read.error);
        this.options.log(
          `audit: eth_getLogs over ${to - from + 1} blocks was refused as too large an answer; trying ${sizer.size}`,
        );
        continue;
      }
      if (read.kind === "reorg") {
        if (++changes >= this.options.maxAttempts)
          throw new RpcFailedError(
            `Blocks ${from}–${to} changed ${changes} times while they were read (reorganisations, or a load balancer switching between nodes). Point --rpc at one node of chain ${this.chainId} and try again.`,
          );
        this.options.log(`audit: the chain changed while blocks ${from}–${to} were read; reading them again`);
        continue;
      }
      changes = 0;
      sizer.read(to - from + 1, read.events.length, read.cut);
      this.remember(read.density);
      yield { fromBlock: from, toBlock: to, events: read.events };
      from = to + 1;
    }
  }

  /** Remembers a range's densest block (logs per gas) for the estimate of the next ranges. */
  private remember(density: number | undefined): void {
    if (density === undefined) return;
    this.densities.push(density);
    if (this.densities.length > DENSITY_MEMORY) this.densities.shift();
  }

  /**
   * Refuses a manifest of another deployment than the index recorded for this chain, and a node
   * whose block at the deployment's start differs from the one the index was built from. When
   * nothing is recorded yet, returns the record to keep once the cursor block is found on the
   * node's chain: an index written before deployments were recorded adopts the manifest's, once
   * its events all come from the manifest's contracts and its stored start block (if any) and its
   * cursor are the node's.
   */
  private async checkDeployment(
    cursor: IndexCursor | undefined,
    head: number,
  ): Promise<DeploymentRecord | undefined> {
    const { store, manifest } = this.options;
    const location = store.db.location;
    const recorded = await store.deployment(this.chainId);
    const mismatch = deploymentMismatch(location, recorded, manifest);
    if (mismatch) throw mismatch;
    const start = manifest.startBlock;
    // The start block is recorded only once it has the confirmations the index waits for.
    const startHash = head - this.options.confirmations >= start ? await this.blockHash(start) : null;
    if (startHash === null) {
      // Nothing indexed, and nothing to index yet: the deployment is above the node's head.
      if (!recorded && !cursor) return undefined;
      throw new ChainBehindIndexError(
        `The node has no block ${start} (its chain ends at block ${head}), where the deployment the audit index at ${location} holds starts: the node does not hold the chain this index was built from, or is still syncing. Nothing was changed. Wait until the node has synced, or point --rpc at a node of chain ${this.chainId}; if the chain was reset, index it into a new database (another --db file, or another DATABASE_URL).`,
      );
    }
    const anotherChain = (indexed: Hex) =>
      new ChainMismatchError(
        `The node's block ${start}, where the deployment starts, is ${startHash}, but the audit index at ${location} was built from a chain whose block ${start} is ${indexed}: the node does not hold the chain this index was built from (the chain was reset, or the node serves another network with chain id ${this.chainId}). Nothing was changed. Index this chain into a new database (another --db file, or another DATABASE_URL), or point --rpc at a node of the indexed chain.`,
      );
    if (recorded) {
      if (recorded.startBlockHash !== startHash) throw anotherChain(recorded.startBlockHash);
      return undefined;
    }
    if (cursor) {
      // Written before deployments were recorded: adopt the manifest's only if the index agrees.
      const foreign = await store.eventOutside(this.chainId, this.catalogue.addresses);
      const first = await store.firstBlock(this.chainId);
      if (foreign !== undefined || (first && first.number < start))
        throw new DeploymentMismatchError(
          `The audit index at ${location} holds ${foreign !== undefined ? `events of ${foreign}, which is not a contract of` : `blocks from before the start of`} ${describeDeployment(manifest)} of chain ${this.chainId}: it was built from another deployment. An index holds one deployment per chain: index this one into a new database (another --db file, or another DATABASE_URL), or give the indexed deployment's manifest (--manifest).`,
        );
      const [stored] = await store.blocksAtOrBelow(this.chainId, start, 1);
      if (stored?.number === start && stored.hash !== startHash) throw anotherChain(stored.hash);
    }
    return deploymentRecord(manifest, startHash);
  }

  /** Whether the node's start block is still the one the index recorded. */
  private async startStillRecorded(): Promise<boolean> {
    const recorded = await this.options.store.deployment(this.chainId);
    return recorded !== undefined && (await this.blockHash(recorded.startBlock)) === recorded.startBlockHash;
  }

  /** Records the deployment the index holds, unless another writer recorded another one first. */
  private async recordDeployment(record: DeploymentRecord): Promise<void> {
    const { store, manifest } = this.options;
    const kept = await store.recordDeployment(record);
    const raced = deploymentMismatch(store.db.location, kept, manifest);
    if (raced) throw raced;
    if (kept.startBlockHash !== record.startBlockHash)
      throw new ChainMismatchError(
        `Another writer recorded block ${record.startBlock} of chain ${this.chainId} as ${kept.startBlockHash} in the audit index at ${store.db.location}, but the node has ${record.startBlockHash}: they read different chains. Nothing was changed. Run one writer per index, on a node of the indexed chain.`,
      );
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
      if (!isRangeTooLarge(error)) throw error;
      if (to > from) return { kind: "tooLarge", to, error };
      // One block whose logs alone make too large an answer: read them transaction by transaction.
      const fromReceipts = await this.logsFromReceipts(before, error);
      if (!fromReceipts) return { kind: "reorg", to };
      logs = fromReceipts;
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

  /**
   * The catalogue's logs of `block`, whose eth_getLogs answer was refused as too large although it
   * is a single block, from the receipts of its transactions, a few at a time: viem refuses an
   * answer over 10 MiB, and a block of large DID attributes or of thousands of anchors exceeds it.
   * Undefined when the block was replaced meanwhile (a reorg). A single transaction whose receipt
   * is still too large cannot be read through this client: {@link LogsTooLargeError}.
   */
  private async logsFromReceipts(block: Block, refusal: unknown): Promise<RpcLog[] | undefined> {
    const number = Number(block.number);
    const hashes = block.transactions as Hex[];
    this.options.log(
      `audit: eth_getLogs of block ${number} alone was refused as too large an answer (${firstLine(refusal)}); reading the receipts of its ${hashes.length} transaction(s) instead`,
    );
    const wanted = new Set(this.catalogue.addresses.map((address) => address.toLowerCase()));
    const logs: RpcLog[] = [];
    for (let i = 0; i < hashes.length; i += PARALLEL_RECEIPTS) {
      const receipts = await Promise.all(
        hashes.slice(i, i + PARALLEL_RECEIPTS).map((hash) => this.receipt(hash, number)),
      );
      for (const receipt of receipts) {
        if (!receipt || receipt.blockHash !== block.hash) return undefined;
        for (const log of receipt.logs) if (wanted.has(log.address.toLowerCase())) logs.push(log);
      }
    }
    return logs;
  }

  private async receipt(hash: Hex, number: number): Promise<{ blockHash: Hex; logs: RpcLog[] } | null> {
    try {
      return await this.rpc(
        `eth_getTransactionReceipt(${hash})`,
        () =>
          this.options.client.request(
            { method: "eth_getTransactionReceipt", params: [hash] },
            { retryCount: 0 },
          ),
        isRangeTooLarge,
      );
    } catch (error) {
      if (!isRangeTooLarge(error)) throw error;
      throw new LogsTooLargeError(
        `The logs of transaction ${hash} in block ${number} are larger than the RPC client accepts in one answer (${firstLine(error)}), so they cannot be read through it. The audit index stops before block ${number} and keeps everything below it. Read that block through a client with a larger limit (viem's http transport option maxResponseBodySize, as the indexer's client).`,
        { cause: error },
      );
    }
  }

  /**
   * Finds the highest stored block the chain still holds and rolls the index back to it. Refuses
   * (ReorgTooDeepError, ChainMismatchError), changing nothing, when a stored block more than
   * `maxReorg` blocks below `fromBlock` differs too, or when every stored block differs.
   */
  private async rollBack(fromBlock: number, startVerified: boolean): Promise<number> {
    const { store, maxReorg, manifest } = this.options;
    const location = store.db.location;
    let below = fromBlock;
    let fork: StoredBlock | undefined;
    let first: { number: number; hash: Hex; onChain: Hex | null } | undefined;
    let lowest: StoredBlock | undefined;
    search: for (;;) {
      const candidates = await store.blocksAtOrBelow(this.chainId, below, 64);
      if (candidates.length === 0) break;
      for (const candidate of candidates) {
        const onChain = await this.blockHash(candidate.number);
        if (onChain === candidate.hash) {
          fork = candidate;
          break search;
        }
        first ??= { ...candidate, onChain };
        lowest = candidate;
        if (candidate.number <= fromBlock - maxReorg)
          throw new ReorgTooDeepError(
            `Block ${first.number} of chain ${this.chainId} is ${first.onChain ?? "missing"} on the node but ${first.hash} in the audit index at ${location}, and block ${candidate.number} differs too: a reorganisation more than ${maxReorg} block(s) deep, beyond what the index rolls back (--max-reorg ${maxReorg}), or a node of another chain. Nothing was changed. If the node holds the right chain, index it into a new database (another --db file, or another DATABASE_URL); if this reorganisation is real, sync again with a larger --max-reorg.`,
          );
      }
      below = candidates.at(-1)!.number - 1;
    }
    if (!fork) {
      // Nothing stored (a reorg during the first range): nothing to roll back.
      if (!first || !lowest) return 0;
      if (startVerified) {
        // Every stored block was replaced, within maxReorg, on the chain whose start block the
        // index recorded: back to before the deployment, as for any reorg.
        const removed = await store.rollbackTo(this.chainId, manifest.startBlock - 1, null);
        this.options.log(
          `audit: chain reorganised: block ${fromBlock} is no longer canonical; rolled back ${removed} event(s) above block ${manifest.startBlock - 1}`,
        );
        return removed;
      }
      throw new ChainMismatchError(
        `Block ${first.number} of chain ${this.chainId} is ${first.onChain ?? "missing"} on the node but ${first.hash} in the audit index at ${location}, and so is every block the index stored, down to its first (block ${lowest.number}): the node does not hold the chain this index was built from. Nothing was changed. Index this chain into a new database (another --db file, or another DATABASE_URL), or point --rpc at a node of the indexed chain.`,
      );
    }
    const removed = await store.rollbackTo(this.chainId, fork.number, fork.hash);
    this.options.log(
      `audit: chain reorganised: block ${fromBlock} is no longer canonical; rolled back ${removed} event(s) above block ${fork.number}`,
    );
    return removed;
  }

  /** A block the node holds (below its head); one it lacks is not retried (ChainBehindIndexError). */
  private async block(number: number): Promise<Block> {
    try {
      return await this.fetchBlock(number);
    } catch (error) {
      if (!isBlockNotFound(error)) throw error;
      throw new ChainBehindIndexError(
        `The node has no block ${number} of chain ${this.chainId}, though its chain reached it: it reorganised onto a shorter chain, or a load balancer sent the call to a node still syncing. Nothing was written for it; sync again, and if it persists, point --rpc at one node of the chain.`,
        { cause: error },
      );
    }
  }

  /** A block's hash on the node, or null when the node has no such block. */
  private async blockHash(number: number): Promise<Hex | null> {
    try {
      return (await this.fetchBlock(number)).hash;
    } catch (error) {
      if (isBlockNotFound(error)) return null;
      throw error;
    }
  }

  /** eth_getBlockByNumber, retried on failures but not when the node answers that it has no such block. */
  private fetchBlock(number: number): Promise<Block> {
    return this.rpc(
      `eth_getBlockByNumber(${number})`,
      () => this.options.client.getBlock({ blockNumber: BigInt(number) }),
      isBlockNotFound,
    );
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

/** viem's BlockNotFoundError (the node answered null): a block above its head, or on no branch it holds. */
function isBlockNotFound(error: unknown): boolean {
  return errorChain(error).some((link) => link.name === "BlockNotFoundError");
}

/** JSON-RPC "method not found" (-32601) or "invalid params" (-32602), anywhere in the cause chain. */
function refusesMethod(error: unknown): boolean {
  return errorChain(error).some((link) => link.code === -32601 || link.code === -32602);
}

function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string; status?: number };
  const text = e.shortMessage ?? e.message ?? String(error);
  return text.split("\n")[0]!.slice(0, 200);
}
