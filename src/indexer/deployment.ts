/**
 * Which deployment an index holds. One index holds one deployment per chain id: the manifest's
 * chain id, contract addresses and start block (their digest), and the hash of the start block on
 * the chain it was built from (the anchor: a chain reset with the same chain id and the same
 * addresses gives the start block another hash). The record is kept in `audit_meta`, as
 * `deployment:<chain id>`; an index written before it existed adopts the manifest's deployment on
 * its first sync (AuditIndexer).
 */
import { keccak256, stringToHex, type Hex } from "viem";

import type { DeploymentManifest } from "../sdk/deployments.ts";
import { CONTRACT_NAMES } from "./catalogue.ts";
import { DeploymentMismatchError } from "./errors.ts";

export type DeploymentRecord = {
  chainId: number;
  startBlock: number;
  /** The indexed contracts' addresses, lower case, by name. */
  contracts: Record<string, string>;
  /** keccak256 of the chain id, start block and contracts, as canonical JSON. */
  digest: Hex;
  /** The hash of the start block on the chain the index was built from. */
  startBlockHash: Hex;
};

/** The record of `manifest`'s deployment, anchored at `startBlockHash`. */
export function deploymentRecord(manifest: DeploymentManifest, startBlockHash: Hex): DeploymentRecord {
  const contracts = Object.fromEntries(
    CONTRACT_NAMES.map((name) => [name, manifest.contracts[name].toLowerCase()]),
  );
  return {
    chainId: manifest.chainId,
    startBlock: manifest.startBlock,
    contracts,
    digest: deploymentDigest(manifest),
    startBlockHash,
  };
}

/** What identifies a deployment: its chain id, start block and indexed contracts' addresses. */
export function deploymentDigest(manifest: DeploymentManifest): Hex {
  const contracts = CONTRACT_NAMES.map((name) => [name, manifest.contracts[name].toLowerCase()]);
  return keccak256(
    stringToHex(JSON.stringify({ chainId: manifest.chainId, startBlock: manifest.startBlock, contracts })),
  );
}

/** One line naming a deployment, for messages: its start block and fingerprint registry. */
export function describeDeployment(deployment: {
  startBlock: number;
  contracts: Record<string, unknown>;
}): string {
  return `the deployment from block ${deployment.startBlock} (FingerprintRegistry ${String(deployment.contracts.FingerprintRegistry).toLowerCase()})`;
}

/**
 * The refusal of a manifest whose deployment is not the one the index at `location` recorded for
 * its chain, or undefined when it is (or nothing is recorded yet).
 */
export function deploymentMismatch(
  location: string,
  recorded: DeploymentRecord | undefined,
  manifest: DeploymentManifest,
): DeploymentMismatchError | undefined {
  if (!recorded || recorded.digest === deploymentDigest(manifest)) return undefined;
  return new DeploymentMismatchError(
    `The audit index at ${location} holds ${describeDeployment(recorded)} of chain ${recorded.chainId}, but the manifest is of ${describeDeployment(manifest)}. An index holds one deployment per chain: index this one into a new database (another --db file, or another DATABASE_URL), or give the indexed deployment's manifest (--manifest).`,
  );
}
