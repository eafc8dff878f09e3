/** FingerprintRegistry actions: one per contract function, viem style. */
import { encodeFunctionData, zeroHash, type Client, type Hex } from "viem";
import { readContract, simulateContract } from "viem/actions";

import { fingerprintRegistryAbi } from "../abis.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";
import type { ProposalCall } from "../governance/committee.ts";
import { getSchema } from "../schemas/schemas.ts";
import { randomSalt } from "./spec.ts";

/** Outcome of an on-chain verification (plus `mismatch`, which only a document check can tell). */
export type VerificationStatus =
  "not-anchored" | "bad-proof" | "revoked" | "unaccredited" | "expired" | "valid";

/** The contract's VerificationStatus enum, in order. */
const STATUS_BY_CODE: readonly VerificationStatus[] = [
  "not-anchored",
  "bad-proof",
  "revoked",
  "unaccredited",
  "expired",
  "valid",
];

export type Verification = {
  status: VerificationStatus;
  issuer: Hex;
  schemaId: Hex;
  anchoredAt: number;
  expiresAt: number;
  revokedAt: number;
  revocationReason: number;
  supersededBy: Hex;
};

type RegistryParameter = { fingerprintRegistry: Hex };

export type AnchorFingerprintParameters = RegistryParameter & {
  fingerprint: Hex;
  schemaIndex: number;
  /** Expiry as a Unix timestamp in seconds; 0 or omitted for none. */
  expiresAt?: number;
};

/**
 * Anchors one fingerprint. The caller must be accredited for the schema.
 *
 * @example
 * const { transactionHash } = await anchorFingerprint(wallet, { fingerprintRegistry, fingerprint, schemaIndex: 1 });
 */
export async function anchorFingerprint(
  client: SigningClient,
  { fingerprintRegistry, fingerprint, schemaIndex, expiresAt = 0 }: AnchorFingerprintParameters,
): Promise<TransactReturnType> {
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "anchor",
    args: [fingerprint, schemaIndex, BigInt(expiresAt)],
  });
}

export type AnchorFingerprintsParameters = RegistryParameter & {
  fingerprints: readonly Hex[];
  schemaIndex: number;
  expiresAt?: number;
};

/** Anchors several fingerprints in one transaction (same schema and expiry). */
export async function anchorFingerprints(
  client: SigningClient,
  { fingerprintRegistry, fingerprints, schemaIndex, expiresAt = 0 }: AnchorFingerprintsParameters,
): Promise<TransactReturnType> {
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "anchorMany",
    args: [fingerprints, schemaIndex, BigInt(expiresAt)],
  });
}

export type AnchorBatchParameters = RegistryParameter & {
  root: Hex;
  leafCount: number;
  schemaIndex: number;
  expiresAt?: number;
  /** Optional manifest location, published in a `BatchURI` event. */
  uri?: string;
};

/** Anchors a Merkle batch root. */
export async function anchorBatch(
  client: SigningClient,
  { fingerprintRegistry, root, leafCount, schemaIndex, expiresAt = 0, uri }: AnchorBatchParameters,
): Promise<TransactReturnType> {
  if (uri) {
    return transact(client, {
      address: fingerprintRegistry,
      abi: fingerprintRegistryAbi,
      functionName: "anchorBatchWithURI",
      args: [root, leafCount, schemaIndex, BigInt(expiresAt), uri],
    });
  }
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "anchorBatch",
    args: [root, leafCount, schemaIndex, BigInt(expiresAt)],
  });
}

export type RevokeFingerprintParameters = RegistryParameter & {
  fingerprint: Hex;
  /** Reason code (docs/events.md); not 0. */
  reason: number;
  supersededBy?: Hex;
  /** For a leaf of a batch: the batch root and the leaf's proof. */
  batch?: { root: Hex; proof: readonly Hex[] };
};

/** Revokes a fingerprint (single anchor, or a leaf of a batch when `batch` is given). Issuer only. */
export async function revokeFingerprint(
  client: SigningClient,
  { fingerprintRegistry, fingerprint, reason, supersededBy = zeroHash, batch }: RevokeFingerprintParameters,
): Promise<TransactReturnType> {
  if (batch) {
    return transact(client, {
      address: fingerprintRegistry,
      abi: fingerprintRegistryAbi,
      functionName: "revokeLeaf",
      args: [batch.root, fingerprint, batch.proof, reason, supersededBy],
    });
  }
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "revoke",
    args: [fingerprint, reason, supersededBy],
  });
}

/**
 * Asks the registry, before anything is hashed or journalled, whether it would take an anchoring
 * from `issuer` now: `anchor` (or `anchorBatch`, for a batch) is simulated with a random
 * fingerprint, so an issuer not accredited for the schema, a paused registry, a bad expiry or an
 * unreachable chain is refused, in the contract's words, before any salt exists. Resolves when it
 * would be taken.
 */
export async function checkAnchoring(
  client: Client,
  {
    fingerprintRegistry,
    issuer,
    schemaIndex,
    expiresAt = 0,
    batch = false,
  }: RegistryParameter & { issuer: Hex; schemaIndex: number; expiresAt?: number; batch?: boolean },
): Promise<void> {
  const throwaway = randomSalt();
  const common = { address: fingerprintRegistry, abi: fingerprintRegistryAbi, account: issuer } as const;
  try {
    if (batch) {
      await simulateContract(client, {
        ...common,
        functionName: "anchorBatch",
        args: [throwaway, 1, schemaIndex, BigInt(expiresAt)],
      });
    } else {
      await simulateContract(client, {
        ...common,
        functionName: "anchor",
        args: [throwaway, schemaIndex, BigInt(expiresAt)],
      });
    }
  } catch (error) {
    throw toCrossproofError(error, batch ? "anchorBatch" : "anchor");
  }
}

/** Reinstates a revoked fingerprint, if its schema allows it. Issuer only. */
export async function reinstateFingerprint(
  client: SigningClient,
  {
    fingerprintRegistry,
    fingerprint,
    batch,
  }: RegistryParameter & { fingerprint: Hex; batch?: { root: Hex; proof: readonly Hex[] } },
): Promise<TransactReturnType> {
  if (batch) {
    return transact(client, {
      address: fingerprintRegistry,
      abi: fingerprintRegistryAbi,
      functionName: "reinstateLeaf",
      args: [batch.root, fingerprint, batch.proof],
    });
  }
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "reinstate",
    args: [fingerprint],
  });
}

/**
 * Verifies a fingerprint on chain: a single anchor, or a leaf of `batch`.
 *
 * The contract judges expiry by the time of the block it runs on, the latest. A chain that makes
 * no blocks while idle (FISCO BCOS; a development node) can have a latest block long past, so a
 * record the chain calls valid but whose expiry is at or before `now` (seconds; this machine's
 * clock by default) is reported `expired`.
 *
 * @example
 * const { status } = await verifyFingerprint(client, { fingerprintRegistry, fingerprint });
 */
export async function verifyFingerprint(
  client: Client,
  {
    fingerprintRegistry,
    fingerprint,
    batch,
    now = Math.floor(Date.now() / 1000),
  }: RegistryParameter & { fingerprint: Hex; batch?: { root: Hex; proof: readonly Hex[] }; now?: number },
): Promise<Verification> {
  try {
    const result = batch
      ? await readContract(client, {
          address: fingerprintRegistry,
          abi: fingerprintRegistryAbi,
          functionName: "verifyLeaf",
          args: [batch.root, fingerprint, batch.proof],
        })
      : await readContract(client, {
          address: fingerprintRegistry,
          abi: fingerprintRegistryAbi,
          functionName: "verify",
          args: [fingerprint],
        });
    const status = STATUS_BY_CODE[result.status] ?? "not-anchored";
    const expiresAt = Number(result.expiresAt);
    const expiredSinceLastBlock = status === "valid" && expiresAt !== 0 && expiresAt <= now;
    return {
      status: expiredSinceLastBlock ? "expired" : status,
      issuer: result.issuer,
      schemaId: result.schemaId,
      anchoredAt: Number(result.anchoredAt),
      expiresAt,
      revokedAt: Number(result.revokedAt),
      revocationReason: result.revocationReason,
      supersededBy: result.supersededBy,
    };
  } catch (error) {
    throw toCrossproofError(error, "verification");
  }
}

/** Accredits `issuer` for `schemaId` (the caller needs the accreditation-admin role). */
export async function accreditIssuer(
  client: SigningClient,
  { fingerprintRegistry, issuer, schemaId }: RegistryParameter & { issuer: Hex; schemaId: Hex },
): Promise<TransactReturnType> {
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "accredit",
    args: [issuer, schemaId],
  });
}

/** Withdraws an accreditation from `effectiveFrom` (Unix seconds, default now). */
export async function withdrawAccreditation(
  client: SigningClient,
  {
    fingerprintRegistry,
    issuer,
    schemaId,
    effectiveFrom = Math.floor(Date.now() / 1000),
  }: RegistryParameter & { issuer: Hex; schemaId: Hex; effectiveFrom?: number },
): Promise<TransactReturnType> {
  return transact(client, {
    address: fingerprintRegistry,
    abi: fingerprintRegistryAbi,
    functionName: "withdrawAccreditation",
    args: [issuer, schemaId, BigInt(effectiveFrom)],
  });
}

/**
 * Whether the consortium has paused the registry: while it is, anchoring, revocation and
 * reinstatement revert with `EnforcedPause`; verification is unaffected.
 */
export async function isRegistryPaused(
  client: Client,
  { fingerprintRegistry }: RegistryParameter,
): Promise<boolean> {
  try {
    return await readContract(client, {
      address: fingerprintRegistry,
      abi: fingerprintRegistryAbi,
      functionName: "paused",
    });
  } catch (error) {
    throw toCrossproofError(error, "reading whether the registry is paused");
  }
}

/**
 * The committee's pause and unpause of the registry, ready to propose (the pauser role is the
 * committee's, without an execution delay).
 */
export const registryPauseCalls = {
  pause: (fingerprintRegistry: Hex): ProposalCall => ({
    to: fingerprintRegistry,
    data: encodeFunctionData({ abi: fingerprintRegistryAbi, functionName: "pause" }),
  }),
  unpause: (fingerprintRegistry: Hex): ProposalCall => ({
    to: fingerprintRegistry,
    data: encodeFunctionData({ abi: fingerprintRegistryAbi, functionName: "unpause" }),
  }),
};

/** The compact index of a schema, as the anchor functions take it. */
export async function getSchemaIndex(
  client: Client,
  { schemaRegistry, schemaId }: { schemaRegistry: Hex; schemaId: Hex },
): Promise<number> {
  return (await getSchema(client, { schemaRegistry, schemaId })).index;
}
