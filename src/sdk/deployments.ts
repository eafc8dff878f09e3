/**
 * The deployment manifest: where Crossproof lives on one chain. Written by scripts/deploy.ts as
 * `deployments/<chainId>.json`; the CLI and web app find it by the chain's id.
 */
import { z } from "zod";

import { DeploymentNotFoundError, InvalidInputError } from "./errors.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

export const deploymentManifestSchema = z.object({
  type: z.literal("crossproof.deployment"),
  version: z.literal(3),
  chainId: z.number().int().positive(),
  network: z.string(),
  deployedAt: z.string(),
  startBlock: z.number().int().nonnegative(),
  contracts: z.object({
    AccessManager: address,
    SchemaRegistry: address,
    FingerprintRegistry: address,
    DIDRegistry: address,
    IssuerRegistry: address,
    /** The committee's Safe: ADMIN_ROLE of the AccessManager. */
    Committee: address,
    CommitteeProposals: address,
    ConsentRegistry: address,
    CreditOrderBook: address,
  }),
});

export type DeploymentManifest = z.infer<typeof deploymentManifestSchema>;

/** Validates a parsed manifest; `source` names the file in error messages. */
export function parseDeploymentManifest(value: unknown, source: string): DeploymentManifest {
  const result = deploymentManifestSchema.safeParse(value);
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (result.error && type !== "crossproof.deployment") {
    throw new InvalidInputError(
      `${source} is not a Crossproof deployment manifest${typeof type === "string" ? ` (it is a ${type} file)` : ""}: give the deployments/<chain id>.json that \`npm run deploy\` wrote.`,
    );
  }
  if (
    result.error &&
    typeof value === "object" &&
    value !== null &&
    ((value as { version?: unknown }).version === 1 || (value as { version?: unknown }).version === 2)
  ) {
    throw new InvalidInputError(
      `${source} describes a deployment from an older Crossproof (manifest version ${String((value as { version: number }).version)}, without the registries added since). Deploy anew (\`npm run deploy\` on a fresh chain, or \`npm start -- --fresh\` for the local chain).`,
    );
  }
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InvalidInputError(
      `${source} is not a Crossproof deployment manifest: ${issue.path.join(".") || "(root)"} ${issue.message}. Re-run \`npm run deploy\`.`,
    );
  }
  return result.data;
}

/** Checks that a manifest belongs to the chain a client is connected to. */
export function assertManifestChain(manifest: DeploymentManifest, chainId: number, source: string): void {
  if (manifest.chainId !== chainId) {
    throw new DeploymentNotFoundError(
      `${source} is for chain ${manifest.chainId}, but the RPC endpoint serves chain ${chainId}. Use the manifest of chain ${chainId} or point --rpc at chain ${manifest.chainId}.`,
    );
  }
}
