/**
 * What every chain-facing command needs: the RPC endpoint, the signing key, the deployment
 * manifest for the chain's id, and viem clients. Resolved from flags, then environment.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Chain,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { withFixedGasPrice, type SigningClient } from "../sdk/actions/transact.ts";
import { assertManifestChain, parseDeploymentManifest, type DeploymentManifest } from "../sdk/deployments.ts";
import { ChainUnreachableError, DeploymentNotFoundError, InvalidInputError } from "../sdk/errors.ts";
import { UsageError } from "./errors.ts";

export type GlobalOptions = {
  rpc?: string;
  key?: string;
  manifest?: string;
  /** Fixed gas price in wei for every transaction (e.g. 0 on a consortium chain without fees). */
  gasPrice?: string;
  json: boolean;
  verbose: boolean;
};

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
/**
 * The project's directory: the nearest one above this module whose package.json is Crossproof's
 * (the sources, src/cli, and the bundle, dist/cli/<build>, sit at different depths).
 */
function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let directory = here; ;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
        name?: unknown;
      };
      if (manifest.name === "crossproof") return directory;
    } catch {
      // No package.json here, or not JSON: look further up.
    }
    const parent = dirname(directory);
    if (parent === directory) return resolve(here, "../..");
    directory = parent;
  }
}

export type ChainContext = {
  chainId: number;
  rpcUrl: string;
  publicClient: PublicClient;
  manifest: DeploymentManifest;
  manifestPath: string;
};

/** Connects to the chain and loads the deployment manifest for its id. */
export async function connect(options: GlobalOptions): Promise<ChainContext> {
  const rpcUrl = options.rpc ?? process.env.CROSSPROOF_RPC_URL ?? DEFAULT_RPC_URL;
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new UsageError(`--rpc ${rpcUrl} is not a URL; give one like ${DEFAULT_RPC_URL}.`);
  }
  const probe = createPublicClient({ transport: http(url.href, { retryCount: 1, timeout: 10_000 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (error) {
    throw new ChainUnreachableError(
      `Cannot reach the chain at ${url.href}. Is the node running (\`npm run chain\`)? Set --rpc or CROSSPROOF_RPC_URL.`,
      { cause: error },
    );
  }
  const chain = localChain(
    chainId,
    url.href,
    parseGasPrice(options.gasPrice ?? process.env.CROSSPROOF_GAS_PRICE),
  );
  const publicClient = createPublicClient({
    chain,
    pollingInterval: POLLING_INTERVAL_MS,
    transport: http(url.href, { retryCount: 2, timeout: 30_000 }),
  });
  const { manifest, manifestPath } = await loadManifest(options.manifest, chainId);
  return { chainId, rpcUrl: url.href, publicClient, manifest, manifestPath };
}

/**
 * How often a waiting command asks for its receipt: viem's default (4 s) made every write on a
 * chain with 1-2 s blocks wait seconds after its block, and kept the process alive 4 s after its
 * last line. A consortium node answers a receipt query in milliseconds.
 */
const POLLING_INTERVAL_MS = 500;

/** A wallet client for the key from --key or CROSSPROOF_PRIVATE_KEY. The key is never printed. */
export function signer(options: GlobalOptions, context: ChainContext): SigningClient {
  const key = options.key ?? process.env.CROSSPROOF_PRIVATE_KEY;
  if (!key) {
    throw new UsageError("This command signs a transaction: pass --key or set CROSSPROOF_PRIVATE_KEY.");
  }
  const normalized = (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(normalized)) {
    throw new UsageError("The private key must be 32 bytes of hex (64 hex digits, optional 0x prefix).");
  }
  return createWalletClient({
    account: privateKeyToAccount(normalized),
    chain: context.publicClient.chain,
    pollingInterval: POLLING_INTERVAL_MS,
    transport: http(context.rpcUrl, { retryCount: 2, timeout: 30_000 }),
  });
}

function parseGasPrice(value: string | undefined): bigint | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(
      `--gas-price ${value} is not a whole number of wei (use 0 on a chain without fees).`,
    );
  }
  return BigInt(value);
}

/**
 * The chain as viem sees it. With a fixed gas price (`withFixedGasPrice`), every transaction offers
 * exactly that fee instead of the node's or viem's estimate: on a consortium chain whose nodes accept
 * a zero gas price (Besu `min-gas-price=0`, FISCO BCOS), accounts need no funds.
 */
function localChain(id: number, url: string, gasPrice?: bigint): Chain {
  const chain = defineChain({
    id,
    name: `Crossproof chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  return gasPrice === undefined ? chain : withFixedGasPrice(chain, gasPrice);
}

/**
 * Finds the manifest: --manifest / CROSSPROOF_MANIFEST, else `deployments/<chainId>.json` in
 * CROSSPROOF_DEPLOYMENTS_DIR, the current directory, or the project.
 */
async function loadManifest(
  explicit: string | undefined,
  chainId: number,
): Promise<{ manifest: DeploymentManifest; manifestPath: string }> {
  const given = explicit ?? process.env.CROSSPROOF_MANIFEST;
  const candidates = given
    ? [resolve(given)]
    : [
        process.env.CROSSPROOF_DEPLOYMENTS_DIR,
        join(process.cwd(), "deployments"),
        join(projectRoot(), "deployments"),
      ]
        .filter((dir): dir is string => Boolean(dir))
        .map((dir) => resolve(dir, `${chainId}.json`));
  const manifestPath = candidates.find((path) => existsSync(path));
  if (!manifestPath) {
    throw new DeploymentNotFoundError(
      given
        ? `Deployment manifest ${given} does not exist.`
        : `No Crossproof deployment is known for chain ${chainId} (looked for ${candidates.join(", ")}). Deploy with \`npm run deploy -- --network localhost\` or pass --manifest.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch (error) {
    throw new InvalidInputError(`${manifestPath} is not readable JSON.`, { cause: error });
  }
  const manifest = parseDeploymentManifest(parsed, manifestPath);
  assertManifestChain(manifest, chainId, manifestPath);
  return { manifest, manifestPath };
}
