/**
 * What `npm run deploy` checks before it sends anything, and how it dates a deployment: a chain that
 * lacks an opcode of the contracts' EVM version, or whose blocks are too small for them, is refused
 * with what to change; the manifest's start block is the block of the deployment's first
 * transaction, even when an interrupted deployment was run again.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

import { isMissingOpcode } from "../../src/sdk/actions/transact.ts";
import { CHAIN_EVM_VERSION } from "../../src/sdk/errors.ts";

/**
 * Init code run by `eth_call` (no `to`): PUSH0 PUSH0 PUSH0 MCOPY STOP. PUSH0 came with Shanghai and
 * MCOPY with Cancun, the two the contracts (OpenZeppelin 5.7, evmVersion cancun) are known to use.
 */
export const CANCUN_PROBE = "0x5f5f5f5e00";
/** The committee Safe's deployment alone takes about 4.9M gas. */
export const MINIMUM_BLOCK_GAS_LIMIT = 6_000_000;
/** EIP-7825's per-transaction cap: a pause at the most accreditations (≈ 15.6M through the committee) fits under it. */
export const RECOMMENDED_BLOCK_GAS_LIMIT = 16_777_216;

type Request = (method: string, params: unknown[]) => Promise<unknown>;

/** A reason the deployment must not start (`refusal`), and remarks that should be read (`warnings`). */
export async function checkChain(request: Request): Promise<{ refusal?: string; warnings: string[] }> {
  const warnings: string[] = [];
  try {
    await request("eth_call", [{ data: CANCUN_PROBE }, "latest"]);
  } catch (error) {
    if (isMissingOpcode(error)) return { refusal: `${CHAIN_EVM_VERSION} Nothing was deployed.`, warnings };
    warnings.push(
      `Could not check that the chain runs Cancun (eth_call of a contract creation answered: ${firstLine(error)}); if the deployment fails with an invalid opcode, see docs/decisions/0001-evm-version.md.`,
    );
  }
  const block = (await request("eth_getBlockByNumber", ["latest", false])) as { gasLimit?: string } | null;
  const gasLimit = block?.gasLimit === undefined ? undefined : Number(BigInt(block.gasLimit));
  if (gasLimit !== undefined && gasLimit < MINIMUM_BLOCK_GAS_LIMIT) {
    return {
      refusal: `The chain's block gas limit is ${gasLimit.toLocaleString("en-US")} gas: deploying needs blocks of at least ${MINIMUM_BLOCK_GAS_LIMIT.toLocaleString("en-US")} (the committee Safe alone takes about 4.9M), and running Crossproof ${RECOMMENDED_BLOCK_GAS_LIMIT.toLocaleString("en-US")} or more. Raise the genesis gasLimit (docs/deploy.md). Nothing was deployed.`,
      warnings,
    };
  }
  if (gasLimit !== undefined && gasLimit < RECOMMENDED_BLOCK_GAS_LIMIT) {
    warnings.push(
      `The chain's block gas limit is ${gasLimit.toLocaleString("en-US")} gas, under ${RECOMMENDED_BLOCK_GAS_LIMIT.toLocaleString("en-US")}: a pause of the fingerprint registry with many accreditations may not fit a block, and anchor sends fewer documents per transaction (docs/deploy.md).`,
    );
  }
  return { warnings };
}

/**
 * The block of the first transaction an Ignition journal (`journal.jsonl`) records as confirmed, or
 * undefined when it records none (a new deployment, or no journal on disk).
 */
export async function firstJournalBlock(journalFile: string): Promise<number | undefined> {
  if (!existsSync(journalFile)) return undefined;
  let first: number | undefined;
  for (const line of (await readFile(journalFile, "utf8")).split("\n")) {
    if (!line.includes('"TRANSACTION_CONFIRM"')) continue;
    let message: { type?: string; receipt?: { blockNumber?: unknown } };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      continue; // a line cut short by an interrupted run
    }
    const block = message.receipt?.blockNumber;
    if (message.type === "TRANSACTION_CONFIRM" && typeof block === "number")
      first = first === undefined ? block : Math.min(first, block);
  }
  return first;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 200);
}
