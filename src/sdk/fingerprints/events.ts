/** Reading the registry's anchor events back: where (which transaction) a fingerprint was anchored. */
import type { Client, Hex } from "viem";
import { getBlockNumber } from "viem/actions";

import { fingerprintRegistryAbi } from "../abis.ts";
import { getContractEventsInRanges } from "../actions/events.ts";
import { toCrossproofError } from "../actions/transact.ts";

export type AnchorLocation = { transactionHash: Hex; blockNumber: number };

export type FindAnchorTransactionsParameters = {
  fingerprintRegistry: Hex;
  issuer: Hex;
  /** First block to search (the deployment's start block). */
  fromBlock: bigint;
};

/**
 * Every single, many and batch anchor of `issuer`, keyed by fingerprint (or batch root), with the
 * transaction that anchored it.
 *
 * @example
 * const where = await findAnchorTransactions(client, { fingerprintRegistry, issuer, fromBlock: 0n });
 * where.batches.get(root)?.transactionHash;
 */
export async function findAnchorTransactions(
  client: Client,
  { fingerprintRegistry, issuer, fromBlock }: FindAnchorTransactionsParameters,
): Promise<{ fingerprints: Map<Hex, AnchorLocation>; batches: Map<Hex, AnchorLocation> }> {
  const fingerprints = new Map<Hex, AnchorLocation>();
  const batches = new Map<Hex, AnchorLocation>();
  try {
    // The three reads end at the same block.
    const common = {
      address: fingerprintRegistry,
      abi: fingerprintRegistryAbi,
      fromBlock,
      toBlock: await getBlockNumber(client, { cacheTime: 0 }),
    } as const;
    const [single, many, batch] = await Promise.all([
      getContractEventsInRanges(client, { ...common, eventName: "Anchored", args: { issuer } }),
      getContractEventsInRanges(client, { ...common, eventName: "AnchoredMany", args: { issuer } }),
      getContractEventsInRanges(client, { ...common, eventName: "BatchAnchored", args: { issuer } }),
    ]);
    const at = (log: { transactionHash: Hex; blockNumber: bigint }) => ({
      transactionHash: log.transactionHash,
      blockNumber: Number(log.blockNumber),
    });
    for (const log of single) fingerprints.set(log.args.fingerprint!, at(log));
    for (const log of many)
      for (const fingerprint of log.args.fingerprints!) fingerprints.set(fingerprint, at(log));
    for (const log of batch) batches.set(log.args.root!, at(log));
  } catch (error) {
    throw toCrossproofError(error, "reading anchor events");
  }
  return { fingerprints, batches };
}
