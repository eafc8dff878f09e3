/**
 * Reading a contract's events over a long stretch of chain. A node may refuse an `eth_getLogs`
 * spanning too many blocks (Hyperledger Besu: `--rpc-max-logs-range`, 5,000 by default, answers
 * "Requested range exceeds maximum RPC range limit") or returning too large an answer. Reads from
 * a deployment's start block to the head must then go in ranges the node accepts.
 */
import type { Abi, Client, ContractEventName } from "viem";
import { getBlockNumber, getContractEvents } from "viem/actions";
import type { GetContractEventsParameters, GetContractEventsReturnType } from "viem/actions";

/** Ranges read at once, once a range of the current size has been accepted. */
const PARALLEL_RANGES = 4;

/**
 * Per client, the range size its node's last refusal led to: the next read starts there instead of
 * learning the node's limit again.
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
 * node needs: a range refused as too large is split (halved, or cut to what fits when the answer's
 * size is known) and read again, and later ranges are read four at a time. The logs come back in
 * chain order, each exactly once. Any other failure is thrown as it is.
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
  const toBlock = lastBlock ?? (await getBlockNumber(client, { cacheTime: 0 }));
  if (maxBlockRange !== undefined && !(Number.isInteger(maxBlockRange) && maxBlockRange >= 1)) {
    throw new RangeError(
      `maxBlockRange must be a whole number of blocks, at least 1 (got ${maxBlockRange}).`,
    );
  }
  const span = toBlock - fromBlock + 1n;
  if (span <= 0n) return [];
  const ceiling = maxBlockRange === undefined ? span : BigInt(maxBlockRange);
  const known = learnedRange.get(client);
  let size = min(span, ceiling, known ?? span);
  // Ranges are read in parallel only once the node has accepted one of the current size.
  let proven = known !== undefined;
  const read = (from: bigint, to: bigint) =>
    getContractEvents(client, { ...filter, fromBlock: from, toBlock: to });

  const logs: GetContractEventsInRangesReturnType<abi, eventName> = [];
  let from = fromBlock;
  while (from <= toBlock) {
    const ranges: [bigint, bigint][] = [];
    for (let start = from; ranges.length < (proven ? PARALLEL_RANGES : 1) && start <= toBlock;) {
      const end = min(toBlock, start + size - 1n);
      ranges.push([start, end]);
      start = end + 1n;
    }
    const answers = await Promise.allSettled(ranges.map(([start, end]) => read(start, end)));
    for (const [i, answer] of answers.entries()) {
      const [start, end] = ranges[i]!;
      if (answer.status === "fulfilled") {
        logs.push(...answer.value);
        from = end + 1n;
        proven = true;
        continue;
      }
      const blocks = end - start + 1n;
      if (!isRangeTooLarge(answer.reason) || blocks === 1n) throw answer.reason;
      // Refused: read this range again in smaller ones (what follows it is read again too).
      const share = Math.min(0.5, (fitsWithin(answer.reason) ?? 0.5) * 0.8);
      size = max(1n, BigInt(Math.floor(Number(blocks) * share)));
      proven = false;
      learnedRange.set(client, size);
      break;
    }
  }
  return logs;
}

/**
 * Whether a failed `eth_getLogs` was refused for asking too much (too many blocks or results, too
 * large an answer), so that smaller ranges may succeed: geth, Besu, Alchemy, Infura and anvil
 * phrasing, and viem's ResponseBodyTooLargeError, anywhere in the cause chain.
 */
export function isRangeTooLarge(error: unknown): boolean {
  for (let e = error as { message?: string; details?: string; cause?: unknown } | undefined; e;) {
    const text = `${e.message ?? ""} ${e.details ?? ""}`;
    if (
      /range (is )?too (large|wide|big)|too many (results|logs|blocks)|returned more than \d+ results|limit exceeded|exceed(s|ed) (max|the)|block range/i.test(
        text,
      )
    ) {
      return true;
    }
    e = e.cause as typeof e;
  }
  return false;
}

/** For viem's ResponseBodyTooLargeError: the share of the answer that fits its size limit. */
export function fitsWithin(error: unknown): number | undefined {
  for (
    let e = error as { maxSize?: number; size?: number; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.maxSize === "number" && typeof e.size === "number" && e.size > 0) return e.maxSize / e.size;
  }
  return undefined;
}

const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
const max = (a: bigint, b: bigint) => (a > b ? a : b);
