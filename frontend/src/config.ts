/**
 * The app's runtime configuration, fetched from `/config.json` at load (never baked into the
 * build): the same bundle serves any chain. src/server/web.ts writes it from the deployment manifest.
 */
import { deploymentManifestSchema } from "../../src/sdk/deployments.ts";
import { InvalidInputError } from "../../src/sdk/errors.ts";

export type AppConfig = {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  contracts: ReturnType<typeof deploymentManifestSchema.shape.contracts.parse>;
  startBlock: number;
  /** Base URL of the audit API, e.g. "/api". */
  auditApi: string;
};

/** Validates `/config.json`; the message names the first field that is wrong. */
export function parseAppConfig(value: unknown): AppConfig {
  if (typeof value !== "object" || value === null)
    throw new InvalidInputError("config.json is not an object.");
  const v = value as Record<string, unknown>;
  if (typeof v.chainId !== "number" || !Number.isInteger(v.chainId) || v.chainId < 1)
    throw new InvalidInputError("config.json: chainId must be a positive integer.");
  if (typeof v.rpcUrl !== "string" || !/^https?:\/\//.test(v.rpcUrl))
    throw new InvalidInputError("config.json: rpcUrl must be an http(s) URL.");
  if (typeof v.auditApi !== "string")
    throw new InvalidInputError("config.json: auditApi must be a URL path.");
  const contracts = deploymentManifestSchema.shape.contracts.safeParse(v.contracts);
  if (!contracts.success) {
    const issue = contracts.error.issues[0];
    throw new InvalidInputError(
      `config.json: contracts.${issue?.path.join(".") ?? ""} ${issue?.message ?? "is invalid"}.`,
    );
  }
  return {
    chainId: v.chainId,
    chainName: typeof v.chainName === "string" && v.chainName !== "" ? v.chainName : `Chain ${v.chainId}`,
    rpcUrl: v.rpcUrl,
    contracts: contracts.data,
    startBlock: typeof v.startBlock === "number" ? v.startBlock : 0,
    auditApi: v.auditApi.replace(/\/+$/, ""),
  };
}

export async function loadAppConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}; is the web server running?`);
  return parseAppConfig(await response.json());
}
