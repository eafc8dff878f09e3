/**
 * Deploys the whole Crossproof system with Ignition and writes `deployments/<chainId>.json`, the
 * manifest the CLI finds by chain id. Usage: `npm run deploy -- --network <localhost|anvil|consortium>`.
 * Ignition parameters (the committee's members and threshold) come from
 * CROSSPROOF_IGNITION_PARAMETERS (a JSON file), see docs/deploy.md; on a local chain without that
 * file, the demo committee (development accounts 10–12, 2-of-3) is used. CROSSPROOF_DEPLOYMENTS_DIR
 * moves the manifest out of ./deployments (the CLI reads the same variable). Before sending anything
 * it checks that the chain runs the contracts' EVM version (Cancun) and has blocks large enough
 * (scripts/lib/deploy-checks.ts).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { network } from "hardhat";

import CrossproofModule from "../ignition/modules/Crossproof.ts";
import { isMissingOpcode } from "../src/sdk/actions/transact.ts";
import { CHAIN_EVM_VERSION, errorChain } from "../src/sdk/errors.ts";
import { checkChain, firstJournalBlock } from "./lib/deploy-checks.ts";
import { DEMO_COMMITTEE_THRESHOLD, demoCommittee } from "../src/demo/consortium.ts";
import { deploymentManifestSchema, type DeploymentManifest } from "../src/sdk/deployments.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const connection = await network.getOrCreate();
const { ethers, ignition, networkName } = connection;
const chainId = Number((await ethers.provider.getNetwork()).chainId);
const deploymentId = `crossproof-${chainId}`;
const journal = join(root, "ignition", "deployments", deploymentId);

// A journal whose contracts have no code belongs to a chain that no longer exists (a restarted
// local node): deploying "nothing new" against it would hand out dead addresses.
const addressesFile = join(journal, "deployed_addresses.json");
if (existsSync(addressesFile)) {
  const previous = JSON.parse(await readFile(addressesFile, "utf8")) as Record<string, string>;
  const codes = await Promise.all(Object.values(previous).map((address) => ethers.provider.getCode(address)));
  if (codes.some((code) => code === "0x")) {
    console.log(
      `Chain ${chainId} no longer has the contracts of the previous deployment; starting a fresh one.`,
    );
    await rm(journal, { recursive: true, force: true });
  }
}

const checked = await checkChain((method, params) => connection.provider.request({ method, params }));
for (const warning of checked.warnings) console.warn(`Warning: ${warning}`);
if (checked.refusal) fail(checked.refusal);

/** Whether this run continues a deployment whose contracts are live (so "nothing new" may follow). */
const resumedJournal = existsSync(addressesFile);
const blockBefore = await ethers.provider.getBlockNumber();
const parametersFile = process.env.CROSSPROOF_IGNITION_PARAMETERS;
let parameters: DeploymentParameters = {};
if (parametersFile) {
  try {
    parameters = JSON.parse(await readFile(resolve(parametersFile), "utf8")) as typeof parameters;
  } catch (error) {
    fail(
      `CROSSPROOF_IGNITION_PARAMETERS=${parametersFile} could not be read as JSON (${(error as Error).message}).`,
    );
  }
}
if (!parameters.Committee) {
  if (networkName === "consortium") {
    fail(
      "The committee is not configured. Set CROSSPROOF_IGNITION_PARAMETERS to a JSON file with " +
        '{"Committee": {"members": ["0x…", "0x…", "0x…"], "threshold": 2}} (see docs/deploy.md).',
    );
  }
  parameters.Committee = {
    members: demoCommittee.map((member) => member.account.address),
    threshold: DEMO_COMMITTEE_THRESHOLD,
  };
  console.log(
    `Committee: the demo members (development accounts 10-12), ${DEMO_COMMITTEE_THRESHOLD}-of-${demoCommittee.length}. ` +
      "Set CROSSPROOF_IGNITION_PARAMETERS to name real members.",
  );
}
let deployed: Awaited<ReturnType<typeof deploySystem>>;
try {
  deployed = await deploySystem();
} catch (error) {
  if (isMissingOpcode(error)) fail(CHAIN_EVM_VERSION);
  if (
    errorChain(error).some((link) => typeof link.message === "string" && /out ?of ?gas/i.test(link.message))
  ) {
    const { gasLimit } = (await ethers.provider.getBlock("latest")) ?? {};
    fail(
      `A deployment transaction ran out of gas${gasLimit === undefined ? "" : ` (the chain's block gas limit is ${gasLimit.toLocaleString("en-US")})`}: raise the genesis gasLimit (docs/deploy.md), then run the deployment again; it continues where it stopped.`,
    );
  }
  throw error;
}
// The block of the deployment's first transaction: Ignition's journal knows it even when an earlier
// run was interrupted (the block before this run would miss that run's events).
const startBlock = (await firstJournalBlock(join(journal, "journal.jsonl"))) ?? blockBefore;

const deploymentsDir = process.env.CROSSPROOF_DEPLOYMENTS_DIR ?? join(root, "deployments");
const manifestPath = resolve(deploymentsDir, `${chainId}.json`);
const contracts = {
  AccessManager: await deployed.accessManager.getAddress(),
  SchemaRegistry: await deployed.schemaRegistry.getAddress(),
  FingerprintRegistry: await deployed.fingerprintRegistry.getAddress(),
  DIDRegistry: await deployed.didRegistry.getAddress(),
  IssuerRegistry: await deployed.issuerRegistry.getAddress(),
  Committee: await deployed.committee.getAddress(),
  CommitteeProposals: await deployed.committeeProposals.getAddress(),
  ConsentRegistry: await deployed.consentRegistry.getAddress(),
  CreditOrderBook: await deployed.creditOrderBook.getAddress(),
};
let manifest: DeploymentManifest = {
  type: "crossproof.deployment",
  version: 3,
  chainId,
  network: networkName,
  deployedAt: new Date().toISOString(),
  startBlock,
  contracts,
};
if (resumedJournal && existsSync(manifestPath)) {
  // Keep the original start block and time when nothing was redeployed.
  const previous = deploymentManifestSchema.safeParse(JSON.parse(await readFile(manifestPath, "utf8")));
  if (previous.success && JSON.stringify(previous.data.contracts) === JSON.stringify(contracts)) {
    manifest = previous.data;
  }
}
await mkdir(dirname(manifestPath), { recursive: true });
await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Crossproof deployed on chain ${chainId}; manifest: ${manifestPath}`);
for (const [name, address] of Object.entries(contracts)) console.log(`  ${name.padEnd(20)} ${address}`);
await connection.close();

function deploySystem() {
  return ignition.deploy(CrossproofModule, { deploymentId, displayUi: true, parameters });
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
