/** Verifying a document against its data package: recompute, then one chain read. */
import type { Client, Hex } from "viem";
import { getChainId } from "viem/actions";

import { InvalidInputError } from "../errors.ts";
import { verifyFingerprint, type Verification, type VerificationStatus } from "./actions.ts";
import type { DataPackage } from "./package.ts";
import { computeFingerprint } from "./spec.ts";

export type DocumentVerification = Omit<Verification, "status"> & {
  status: VerificationStatus | "mismatch";
  /** Why the status is what it is, in one sentence. */
  detail: string;
  fingerprint: Hex;
};

export type VerifyDataPackageParameters = {
  /** SHA-256 of the document being checked. */
  documentHash: Hex;
  dataPackage: DataPackage;
  /**
   * The FingerprintRegistry the verifier trusts on this chain (from its deployment manifest). A
   * package naming any other contract is rejected: otherwise a forged package could point at a
   * contract of the forger's that answers "valid".
   */
  trustedRegistry: Hex;
};

const DETAILS: Record<VerificationStatus, string> = {
  valid: "The document matches a fingerprint its issuer anchored, and it is neither revoked nor expired.",
  "not-anchored": "No record of this fingerprint exists on this chain.",
  "bad-proof": "The package's Merkle proof does not lead to the anchored batch root.",
  revoked: "The issuer revoked this document.",
  unaccredited: "The issuer's accreditation for this schema was withdrawn before this record was anchored.",
  expired: "The document's validity ended.",
};

/**
 * Verifies a document (given by its SHA-256) against its data package.
 *
 * @example
 * const report = await verifyDataPackage(client, { documentHash, dataPackage, trustedRegistry });
 * if (report.status !== "valid") console.log(report.detail);
 */
export async function verifyDataPackage(
  client: Client,
  { documentHash, dataPackage, trustedRegistry }: VerifyDataPackageParameters,
): Promise<DocumentVerification> {
  if (dataPackage.registry.toLowerCase() !== trustedRegistry.toLowerCase()) {
    throw new InvalidInputError(
      `The data package names registry ${dataPackage.registry}, which is not this chain's Crossproof registry (${trustedRegistry}). Refusing to trust it.`,
    );
  }
  // A client configured with a chain knows its id; otherwise ask the endpoint (one extra RPC).
  const chainId = client.chain?.id ?? (await getChainId(client));
  if (chainId !== dataPackage.chainId) {
    throw new InvalidInputError(
      `The data package is for chain ${dataPackage.chainId}, but the RPC endpoint serves chain ${chainId}.`,
    );
  }
  const fingerprint = computeFingerprint({ documentHash, salt: dataPackage.salt });
  const batch =
    dataPackage.anchor.kind === "batch"
      ? { root: dataPackage.anchor.root as Hex, proof: dataPackage.anchor.proof as Hex[] }
      : undefined;
  // Read the record the package points at, so a mismatch report still shows what was anchored.
  const onChain = await verifyFingerprint(client, {
    fingerprintRegistry: dataPackage.registry,
    fingerprint: dataPackage.fingerprint,
    batch,
  });
  if (fingerprint !== dataPackage.fingerprint) {
    return {
      ...onChain,
      status: "mismatch",
      fingerprint,
      detail:
        "The document's bytes differ from the document this package was made for (its fingerprint does not match).",
    };
  }
  // Not-anchored and bad-proof results carry no record, hence no issuer to compare.
  const hasRecord = onChain.status !== "not-anchored" && onChain.status !== "bad-proof";
  if (hasRecord && onChain.issuer.toLowerCase() !== dataPackage.issuer.toLowerCase()) {
    return {
      ...onChain,
      status: "mismatch",
      fingerprint,
      detail: `The package names issuer ${dataPackage.issuer}, but the chain records ${onChain.issuer}.`,
    };
  }
  if (hasRecord && onChain.schemaId.toLowerCase() !== dataPackage.schemaId.toLowerCase()) {
    return {
      ...onChain,
      status: "mismatch",
      fingerprint,
      detail: `The package names schema ${dataPackage.schemaId}, but the chain records ${onChain.schemaId}.`,
    };
  }
  return { ...onChain, fingerprint, detail: DETAILS[onChain.status] };
}
