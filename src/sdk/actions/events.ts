/**
 * Reading a contract's events over a long stretch of chain. A node may refuse an `eth_getLogs`
 * spanning too many blocks (Hyperledger Besu: `--rpc-max-logs-range`, 5,000 by default, answers
 * "Requested range exceeds maximum RPC range limit") or returning too large an answer. Reads from
 * a deployment's start block to the head must then go in ranges the node accepts.
 */
import {
  encodeEventTopics,
  formatLog,
  getAbiItem,
  numberToHex,
  parseEventLogs,
  type Abi,
  type AbiEvent,
  type Address,
  type Client,
  type ContractEventName,
  type LogTopic,
  type RpcLog,
} from "viem";
import { getBlock, getBlockNumber } from "viem/actions";
import type { GetContractEventsParameters, GetContractEventsReturnType } from "viem/actions";

import { errorChain, InvalidInputError, type ErrorLink } from "../errors.ts";

/** Ranges read at once, once the node has accepted a range of the current size. */
const PARALLEL_RANGES = 4;

/**
 * Per client, the range its node accepted after refusing a wider one for its number of blocks:
 * later reads start there instead of learning the node's limit again (the smallest such range, if
 * reads learn it at once). A refusal for too many logs or too large an answer depends on the
 * filter, so it shrinks only the read that met it.
 */
const learnedRange = new WeakMap<Client, bigint>();

export type GetContractEventsInRangesParameters<
  abi extends Abi | readonly unknown[] = Abi,
  eventName extends ContractEventName<abi> | undefined = ContractEventName<abi> | undefined,
> = Omit<
  GetContractEventsParameters<abi, eventName, undefined, bigint, bigint>,
  "fromBlock" | "toBlock" | "blockHash"
> & {
  /** First block to read (a deployment's start block). */
  fromBlock: bigint;
  /** Last block to read; the latest block when the read starts, if absent. */
  toBlock?: bigint;
  /** Most blocks per `eth_getLogs`; by default the whole span, until the node refuses it. */
  maxBlockRange?: number;
};

export type GetContractEventsInRangesReturnType<
  abi extends Abi | readonly unknown[] = Abi,
  eventName extends ContractEventName<abi> | undefined = ContractEventName<abi> | undefined,
> = GetContractEventsReturnType<abi, eventName, undefined, bigint, bigint>;

/**
 * viem's `getContractEvents` from `fromBlock` to `toBlock`, in as many `eth_getLogs` ranges as the
 * node needs. The whole span is asked first; a range refused as too large is asked once (not
 * retried) and read again in halves (or smaller, when the answer's size is known); once the node
 * accepts a range, the following ones are read four at a time, and if it refused too many blocks
 * (not too many logs), the client's later reads start at that size. The logs come back in chain
 * order, each exactly once. A timeout is thrown at once; any other failure is asked once more,
 * with the transport's retries, then thrown.
 *
 * @example
 * const logs = await getContractEventsInRanges(client, {
 *   address: consentRegistry,
 *   abi: consentRegistryAbi,
 *   eventName: "ConsentConsumed",
 *   args: { consentId },
 *   fromBlock: BigInt(manifest.startBlock),
 * });
 */
export async function getContractEventsInRanges<
  const abi extends Abi | readonly unknown[],
  eventName extends ContractEventName<abi> | undefined = undefined,
>(
  client: Client,
  parameters: GetContractEventsInRangesParameters<abi, eventName>,
): Promise<GetContractEventsInRangesReturnType<abi, eventName>> {
  const { fromBlock, toBlock: lastBlock, maxBlockRange, ...filter } = parameters;
  if (maxBlockRange !== undefined && !(Number.isInteger(maxBlockRange) && maxBlockRange >= 1)) {
    throw new InvalidInputError(
      `maxBlockRange must be a whole number of blocks, at least 1 (got ${maxBlockRange}).`,
    );
  }
  const toBlock = lastBlock ?? (await getBlockNumber(client, { cacheTime: 0 }));
  const span = toBlock - fromBlock + 1n;
  if (span <= 0n) return [];
  const ceiling = maxBlockRange === undefined ? span : BigInt(maxBlockRange);
  const known = learnedRange.get(client);
  let size = min(span, ceiling, known ?? span);
  // Ranges are read in parallel once the node has accepted one of the current size.
  let proven = known !== undefined;
  let refusedForBlocks = false;

  const logs: unknown[] = [];
  let from = fromBlock;
  while (from <= toBlock) {
    const ranges: [bigint, bigint][] = [];
    for (let start = from; ranges.length < (proven ? PARALLEL_RANGES : 1) && start <= toBlock;) {
      const end = min(toBlock, start + size - 1n);
      ranges.push([start, end]);
      start = end + 1n;
    }
    const answers = await Promise.allSettled(
      ranges.map(([start, end]) => readRange(client, filter, start, end)),
    );
    for (const [i, answer] of answers.entries()) {
      const [start, end] = ranges[i]!;
      if (answer.status === "fulfilled") {
        logs.push(...answer.value);
        from = end + 1n;
        if (refusedForBlocks && !proven) {
          learnedRange.set(client, min(learnedRange.get(client) ?? size, size));
        }
        proven = true;
        continue;
      }
      const blocks = end - start + 1n;
      if (!isRangeTooLarge(answer.reason) || blocks === 1n) throw answer.reason;
      // Refused: read this range again in smaller ones (what follows it is read again too).
      size = BigInt(smallerRange(Number(blocks), answer.reason));
      proven = false;
      refusedForBlocks = !isAnswerTooLarge(answer.reason);
      break;
    }
  }
  return logs as GetContractEventsInRangesReturnType<abi, eventName>;
}

/**
 * One `eth_getLogs` as viem's `getContractEvents` makes it (its topics and decoding, not its
 * `getAction` override), but a refusal is not retried: viem's transports retry "limit exceeded"
 * answers with a growing delay, and a node refusing too large an answer builds it again each time.
 * A timeout is thrown at once; any other failure is asked once more with the transport's retries.
 */
async function readRange(
  client: Client,
  { abi, address, args, eventName, strict }: EventFilter,
  from: bigint,
  to: bigint,
): Promise<unknown[]> {
  const event = eventName === undefined ? undefined : (getAbiItem({ abi, name: eventName }) as AbiEvent);
  const events = event ? [event] : (abi as Abi).filter((item): item is AbiEvent => item.type === "event");
  const encoded = events.flatMap((item) =>
    encodeEventTopics({ abi: [item], eventName: item.name, args: event ? args : undefined } as never),
  );
  const filter = {
    address,
    topics: (event ? encoded : [encoded]) as LogTopic[],
    fromBlock: numberToHex(from),
    toBlock: numberToHex(to),
  };
  let answer: RpcLog[];
  try {
    answer = await client.request({ method: "eth_getLogs", params: [filter] }, { retryCount: 0 });
  } catch (error) {
    if (isRangeTooLarge(error) || isTimeout(error)) throw error;
    answer = await client.request({ method: "eth_getLogs", params: [filter] });
  }
  return parseEventLogs({
    abi: events,
    args,
    logs: answer.map((log) => formatLog(log)),
    strict: strict ?? false,
  } as never);
}

/** What readRange needs of getContractEventsInRanges' parameters. */
type EventFilter = {
  abi: Abi | readonly unknown[];
  address?: Address | Address[] | undefined;
  args?: unknown;
  eventName?: string | undefined;
  strict?: boolean | undefined;
};

/** Blocks whose time is read at once when the logs do not carry it. */
const PARALLEL_BLOCKS = 8;

/**
 * When each log's block was made, by block number: from the log itself where the node includes
 * `blockTimestamp` (anvil, recent geth and Besu), else one `eth_getBlockByNumber` per distinct
 * block, eight at a time.
 *
 * @example
 * const times = await blockTimes(client, logs);
 * times.get(logs[0].blockNumber); // Date
 */
export async function blockTimes(
  client: Client,
  logs: readonly { blockNumber: bigint; blockTimestamp?: bigint | null | undefined }[],
): Promise<Map<bigint, Date>> {
  const times = new Map<bigint, Date>();
  const missing = new Set<bigint>();
  for (const log of logs) {
    // Some nodes send 0x0 for every log: no block of a live chain is that old.
    if (log.blockTimestamp !== undefined && log.blockTimestamp !== null && log.blockTimestamp !== 0n) {
      times.set(log.blockNumber, new Date(Number(log.blockTimestamp) * 1000));
    } else missing.add(log.blockNumber);
  }
  const unknown = [...missing].filter((number) => !times.has(number));
  for (let start = 0; start < unknown.length; start += PARALLEL_BLOCKS) {
    const blocks = await Promise.all(
      unknown.slice(start, start + PARALLEL_BLOCKS).map((blockNumber) => getBlock(client, { blockNumber })),
    );
    for (const block of blocks) times.set(block.number, new Date(Number(block.timestamp) * 1000));
  }
  return times;
}

/**
 * How many blocks to ask for after a range of `blocks` was refused: half, or less when the answer's
 * size is known (viem's ResponseBodyTooLargeError): a fifth under what would have fitted.
 */
export function smallerRange(blocks: number, error: unknown): number {
  const fits = fitsWithin(error);
  const share = fits === undefined ? 0.5 : Math.min(0.5, fits * 0.8);
  return Math.max(1, Math.floor(blocks * share));
}

/**
 * Whether a failed `eth_getLogs` was refused for asking too much (too many blocks or results, too
 * large an answer), so that smaller ranges may succeed: geth, Besu, Alchemy, Infura and anvil
 * phrasing, and viem's ResponseBodyTooLargeError, anywhere in the cause chain. A rate limit, an
 * unreachable or unauthorised node, or a range beyond the node's head is not: smaller ranges would
 * not help.
 */
export function isRangeTooLarge(error: unknown): boolean {
  let tooLarge = false;
  for (const e of errorChain(error)) {
    const text = textOf(e);
    if (e.status === 401 || e.status === 403 || e.status === 429 || e.code === 429) return false;
    if (/rate.?limit|too many requests|beyond (the )?(current )?head/i.test(text)) return false;
    if (
      /range (is )?too (large|wide|big)|too many (results|logs|blocks)|returned more than \d+ results|limit exceeded|exceed(s|ed) (max|the)|block range/i.test(
        text,
      )
    ) {
      tooLarge = true;
    }
  }
  return tooLarge;
}

/**
 * Whether a refusal was for the size of the answer (too many logs, too many bytes), which depends
 * on the filter, rather than for the number of blocks, which is the node's for every read.
 */
function isAnswerTooLarge(error: unknown): boolean {
  return (
    fitsWithin(error) !== undefined ||
    errorChain(error).some((e) =>
      /too many (results|logs)|more than \d+ results|response size|size limit|exceeded the size/i.test(
        textOf(e),
      ),
    )
  );
}

/** viem's TimeoutError, anywhere in the cause chain. */
function isTimeout(error: unknown): boolean {
  return errorChain(error).some((e) => e.name === "TimeoutError");
}

/** For viem's ResponseBodyTooLargeError: the share of the answer that fits its size limit. */
function fitsWithin(error: unknown): number | undefined {
  for (const { maxSize, size } of errorChain(error)) {
    if (typeof maxSize === "number" && typeof size === "number" && size > 0) return maxSize / size;
  }
  return undefined;
}

const textOf = (e: ErrorLink) =>
  `${typeof e.message === "string" ? e.message : ""} ${typeof e.details === "string" ? e.details : ""}`;

const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
