/**
 * The ABI of each contract a deployment manifest names, by its manifest name: what an indexer
 * decodes logs with and what a UI lists event names from.
 */
import type { Abi, AbiEvent } from "viem";

import {
  accessManagerAbi,
  committeeProposalsAbi,
  consentRegistryAbi,
  creditOrderBookAbi,
  didRegistryAbi,
  fingerprintRegistryAbi,
  issuerRegistryAbi,
  safeAbi,
  schemaRegistryAbi,
} from "./abis.ts";
import type { DeploymentManifest } from "./deployments.ts";

/** Every contract of a deployment, by its manifest name (the committee is a Safe). */
export const contractAbis = {
  AccessManager: accessManagerAbi,
  SchemaRegistry: schemaRegistryAbi,
  FingerprintRegistry: fingerprintRegistryAbi,
  DIDRegistry: didRegistryAbi,
  IssuerRegistry: issuerRegistryAbi,
  Committee: safeAbi,
  CommitteeProposals: committeeProposalsAbi,
  ConsentRegistry: consentRegistryAbi,
  CreditOrderBook: creditOrderBookAbi,
} as const satisfies Record<keyof DeploymentManifest["contracts"], Abi>;

export type ContractName = keyof typeof contractAbis;

export const contractNames = Object.keys(contractAbis) as ContractName[];

/**
 * The event names one contract emits, or all contracts together; sorted, without repeats.
 *
 * @example
 * contractEventNames("CreditOrderBook"); // ["OrderRequested", "OrderStateChanged"]
 */
export function contractEventNames(contract?: ContractName): string[] {
  const abis: readonly Abi[] = contract ? [contractAbis[contract]] : Object.values(contractAbis);
  const names = abis.flatMap((abi) =>
    abi.filter((item): item is AbiEvent => item.type === "event").map((item) => item.name),
  );
  return [...new Set(names)].sort();
}
