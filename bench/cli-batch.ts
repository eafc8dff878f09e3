/**
 * The CLI's biggest job, measured end to end: N small documents named in a list file, anchored as one
 * Merkle batch with `crossproof anchor --list … --batch` (hash every file, journal, build the tree,
 * one transaction, one data package per document), then one document verified with
 * `crossproof verify`. Against a real local chain (scripts/chain.ts + scripts/deploy.ts).
 *
 * Usage: node bench/cli-batch.ts [--documents 100000]   (1,000,000 takes ~4 minutes and ~8 GB of disk)
 * Writes bench/results/cli-batch-<N>.json. Not part of `npm run bench`, which stays under a minute.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import {
  DEV_KEYS,
  devKey,
  PROJECT_ROOT,
  startDeployedChain,
  type DeployedChain,
} from "../scripts/lib/local-chain.ts";
import { runScript } from "../scripts/lib/run.ts";
import { machineInfo, round, writeResult } from "./lib/common.ts";

const { values } = parseArgs({ options: { documents: { type: "string", default: "100000" } } });
const documents = Number(values.documents);
if (!Number.isInteger(documents) || documents < 1) throw new Error("--documents must be a positive integer.");

const machine = machineInfo();
const workDir = await mkdtemp(join(tmpdir(), "crossproof-cli-batch-"));
let chain: DeployedChain | undefined;

/** Runs the CLI in the work directory and measures its wall time. */
const crossproof = (args: string[], env: Record<string, string>) =>
  runScript(join(PROJECT_ROOT, "bin", "crossproof.js"), args, { cwd: workDir, env });

try {
  const createStarted = performance.now();
  const list = createWriteStream(join(workDir, "list.txt"));
  for (let i = 0; i < documents; i++) {
    const dir = join(workDir, "docs", String(Math.floor(i / 1000)));
    if (i % 1000 === 0) await mkdir(dir, { recursive: true });
    const file = join(dir, `document-${i}.txt`);
    await writeFile(file, `document number ${i}\n`);
    if (!list.write(`${file}\n`)) await once(list, "drain");
  }
  list.end();
  await once(list, "finish");
  const createMs = performance.now() - createStarted;
  console.log(`created ${documents} documents in ${Math.round(createMs)} ms`);

  chain = await startDeployedChain("hardhat", 31_998);
  const env = {
    CROSSPROOF_RPC_URL: chain.rpcUrl,
    CROSSPROOF_DEPLOYMENTS_DIR: chain.deploymentsDir,
    CROSSPROOF_PRIVATE_KEY: DEV_KEYS[0],
  };
  // The committee (development accounts 10 and 11) registers the schema and accredits account 0.
  const proposer = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(10) };
  const executor = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(11) };
  const applied = await crossproof(
    ["issuer", "apply", "--type", "data-source", "--name", "Batch benchmark", "--jurisdiction", "MO"],
    env,
  );
  if (applied.code !== 0) throw new Error(`crossproof issuer apply failed:\n${applied.stderr}`);
  const proposals = [
    [
      "schema-register",
      "--name",
      "bench.document",
      "--version",
      "1",
      "--uri",
      "https://schemas.example/b.json",
    ],
    ["issuer-recognize", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"],
    ["schema-grant", "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "bench.document@1"],
  ];
  for (const proposal of proposals) {
    const proposed = await crossproof(["gov", "propose", ...proposal, "--json"], proposer);
    if (proposed.code !== 0)
      throw new Error(`crossproof gov propose ${proposal.join(" ")} failed:\n${proposed.stderr}`);
    const { proposalId } = JSON.parse(proposed.stdout) as { proposalId: string };
    const executed = await crossproof(["gov", "execute", proposalId], executor);
    if (executed.code !== 0) throw new Error(`crossproof gov execute failed:\n${executed.stderr}`);
  }

  const anchored = await crossproof(
    ["anchor", "--list", "list.txt", "--schema", "bench.document@1", "--batch", "--json"],
    env,
  );
  if (anchored.code !== 0) throw new Error(`anchor failed:\n${anchored.stderr}`);
  console.log(`anchored ${documents} documents as one batch in ${Math.round(anchored.ms)} ms`);

  const probe = join(
    workDir,
    "docs",
    String(Math.floor((documents - 1) / 1000)),
    `document-${documents - 1}.txt`,
  );
  const verified = await crossproof(["verify", probe, "--json"], env);
  const status = (JSON.parse(verified.stdout) as { status: string }).status;
  if (verified.code !== 0 || status !== "valid")
    throw new Error(`verify of the last document says ${status}`);

  const path = await writeResult(`cli-batch-${documents}`, {
    machine,
    documents,
    createDocumentsMs: Math.round(createMs),
    anchorBatchMs: Math.round(anchored.ms),
    anchorPerDocumentMs: round(anchored.ms / documents, 4),
    verifyMs: Math.round(verified.ms),
    lastDocumentStatus: status,
    notes:
      "anchor = one `crossproof anchor --list <file> --batch` process: hash every file, journal salts, build the " +
      "Merkle tree, one anchorBatch transaction, write one data package (with its proof) per document. " +
      "verify = one `crossproof verify` process (Node start-up included).",
  });
  console.log(`wrote ${path}`);
} finally {
  await chain?.stop();
  await rm(workDir, { recursive: true, force: true });
}
