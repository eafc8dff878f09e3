/**
 * Gas benchmark: every write path of FingerprintRegistry (plus schema registration), measured as
 * the receipt's gasUsed on an in-process EDR chain (Cancun), and the read paths as eth_estimateGas
 * of a call. Each figure is the median over RUNS transactions with fresh random fingerprints.
 * For anchor, anchorMany ×10 and anchorBatch it also traces the run nearest the median
 * (debug_traceTransaction) and records its floor: intrinsic gas + the opcodes an anchor cannot do
 * without, against what the target leaves (bench/lib/gas-floor.ts).
 * Writes bench/results/gas.json. Run: `npx hardhat run bench/gas.ts`.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";

import hre, { network } from "hardhat";
import type { SolidityBuildInfoOutput } from "hardhat/types/solidity";

import FingerprintRegistryModule from "../ignition/modules/FingerprintRegistry.ts";
import { roles } from "../src/sdk/roles.ts";
import { merkleProof, merkleRoot, verifyMerkleProof } from "../src/sdk/fingerprints/merkle.ts";
import type { Hex } from "../src/sdk/hex.ts";
import { buildMerkleTreeFast } from "../src/sdk/node/merkle-builder.ts";
import { machineInfo, median, writeResult, type GasMeasurement } from "./lib/common.ts";
import { compilerOf } from "./lib/compiler.ts";
import {
  gasFloor,
  isCompiledCode,
  sourceMappedCode,
  structLogsOf,
  type SourceMappedCode,
} from "./lib/gas-floor.ts";

/** Transactions per measurement (the brief asks for at least 5). */
const RUNS = 7;
const ZERO32 = `0x${"0".repeat(64)}`;
/** Reason codes (src/sdk/fingerprints/reasons.ts). */
const REASON_SUPERSEDED = 1;
const REASON_ISSUED_IN_ERROR = 2;
/** A realistic manifest location (a CIDv1, 59 characters). */
const BATCH_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
/** Verification status enum of the contract: Valid. */
const STATUS_VALID = 5n;

const randomFingerprint = (): Hex => `0x${randomBytes(32).toString("hex")}`;
const randomFingerprints = (count: number): Hex[] => Array.from({ length: count }, randomFingerprint);

const machine = machineInfo();
const started = performance.now();
const connection = await network.create();
const { ethers, ignition } = connection;
const [deployer] = await ethers.getSigners();
if (!deployer) throw new Error("No signer on the in-process chain.");
// The fingerprint registry's own module with the admin roles given to the deployer: this benchmark
// measures the registry (in the whole system the committee and the IssuerRegistry hold the roles).
const deployed = await ignition.deploy(FingerprintRegistryModule, { displayUi: false });
const manager = await ethers.getContractAt("AccessManager", await deployed.accessManager.getAddress());
await (await manager.grantRole(roles.schemaAdmin, deployer.address, 0)).wait();
await (await manager.grantRole(roles.accreditationAdmin, deployer.address, 0)).wait();
const registry = await ethers.getContractAt(
  "FingerprintRegistry",
  await deployed.fingerprintRegistry.getAddress(),
);
const schemas = await ethers.getContractAt("SchemaRegistry", await deployed.schemaRegistry.getAddress());

/**
 * The registry's deployed code with its source map (to split a trace at the ABI decoder), or undefined
 * when the artifacts no longer match the deployed code (rebuilt meanwhile) or carry no source map.
 */
async function registrySourceMap(): Promise<SourceMappedCode | undefined> {
  const artifact = await hre.artifacts.readArtifact("FingerprintRegistry");
  const outputPath =
    artifact.buildInfoId && (await hre.artifacts.getBuildInfoOutputPath(artifact.buildInfoId));
  if (!outputPath || !artifact.inputSourceName) return undefined;
  const { output } = JSON.parse(await readFile(outputPath, "utf8")) as SolidityBuildInfoOutput;
  const sourceMap =
    output.contracts?.[artifact.inputSourceName]?.[artifact.contractName]?.evm?.deployedBytecode?.sourceMap;
  const onChain = await ethers.provider.getCode(await registry.getAddress());
  const immutables = Object.values(artifact.immutableReferences ?? {}).flat();
  if (!sourceMap || !isCompiledCode(onChain, artifact.deployedBytecode, immutables)) return undefined;
  const sourceIds = Object.values(output.sources).map((source) => source.id);
  return sourceMappedCode(artifact.deployedBytecode, sourceMap, sourceIds);
}
const registryCode = await registrySourceMap();
if (!registryCode) console.log("(no source map matching the deployed registry: floors without the split)");

type Sent = {
  wait(): Promise<{ gasUsed: bigint; status: number | null; hash: string } | null>;
  data: string;
};

/** One sent transaction: its receipt's gasUsed, calldata and hash. */
type SentRun = { gas: number; data: string; hash: string };

/** Sends one transaction and returns its receipt's gasUsed; throws if it reverted. */
async function gasUsed(sending: Promise<Sent>): Promise<SentRun> {
  const tx = await sending;
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1)
    throw new Error(`Transaction reverted: ${receipt?.hash ?? "no receipt"}`);
  return { gas: Number(receipt.gasUsed), data: tx.data, hash: receipt.hash };
}

const measurements: GasMeasurement[] = [];

function record(
  id: string,
  operation: string,
  method: GasMeasurement["method"],
  runs: number[],
  options: { itemsPerTx?: number; target?: number; notes?: string } = {},
): GasMeasurement {
  const mid = median(runs);
  const perItem = options.itemsPerTx ? median(runs.map((gas) => gas / options.itemsPerTx!)) : undefined;
  const value = Math.round(perItem ?? mid);
  const measurement: GasMeasurement = {
    id,
    operation,
    method,
    runs,
    median: mid,
    ...(options.itemsPerTx ? { itemsPerTx: options.itemsPerTx, perItemMedian: Math.round(perItem!) } : {}),
    value,
    ...(options.target !== undefined ? { target: options.target, pass: value <= options.target } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  };
  measurements.push(measurement);
  const verdict = measurement.pass === undefined ? "" : measurement.pass ? "  PASS" : "  MISS";
  console.log(`${operation.padEnd(52)} ${String(value).padStart(9)}${verdict}`);
  return measurement;
}

async function series(count: number, run: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await run(i));
  return out;
}

/** Like `series`, keeping every transaction so that one run can be traced (`addFloor`). */
async function sentSeries(count: number, send: (i: number) => Promise<Sent>): Promise<SentRun[]> {
  const out: SentRun[] = [];
  for (let i = 0; i < count; i++) out.push(await gasUsed(send(i)));
  return out;
}

const gasOfRuns = (sent: readonly SentRun[]) => sent.map((run) => run.gas);
const TRACE_OPTIONS = { disableStack: true, disableMemory: true, disableStorage: true };

/**
 * Traces the run nearest the measurement's median and records its floor (gas is deterministic up to
 * the calldata's zero bytes, so any run would do).
 */
async function addFloor(measurement: GasMeasurement, sent: readonly SentRun[]): Promise<void> {
  const distance = (run: SentRun) => Math.abs(run.gas - measurement.median);
  const run = sent.reduce((nearest, candidate) =>
    distance(candidate) < distance(nearest) ? candidate : nearest,
  );
  const trace: unknown = await connection.provider.request({
    method: "debug_traceTransaction",
    params: [run.hash, TRACE_OPTIONS],
  });
  const floor = gasFloor({
    transactionHash: run.hash,
    gasUsed: run.gas,
    calldata: run.data,
    steps: structLogsOf(trace),
    items: measurement.itemsPerTx ?? 1,
    target: measurement.target,
    code: registryCode,
  });
  measurement.floor = floor;
  const budget = floor.targetBudget === undefined ? "" : `; the target leaves ${floor.targetBudget}`;
  console.log(
    `  traced: floor ${floor.total} = intrinsic ${floor.intrinsic} + opcodes ${floor.unavoidableGas}${budget}, the code spends ${floor.otherExecution}`,
  );
}

// ------------------------------------------------------------------ schemas and accreditation

const definitions = Array.from({ length: RUNS }, (_, i) => ({
  name: "health.test-report",
  version: `1.${i}`,
  definitionURI: "https://schemas.crossproof.example/health.test-report/1.0.json",
  definitionHash: randomFingerprint(),
  revocable: true,
  reinstatable: true,
}));
const schemaIds: string[] = [];
const registerRuns = await series(RUNS, async (i) => {
  const definition = definitions[i]!;
  const { gas } = await gasUsed(schemas.register(definition));
  schemaIds.push(await schemas.schemaIdOf(definition.name, definition.version));
  return gas;
});
record("schema.register", "SchemaRegistry.register (new schema)", "receipt.gasUsed", registerRuns, {
  notes: `name "${definitions[0]!.name}" (18 B), version 3 B, 62-byte definitionURI, definitionHash, revocable + reinstatable; through AccessManager \`restricted\`; the first registration also initialises the schema list (+17k), hence the median`,
});

const accreditRuns = await series(
  RUNS,
  async (i) => (await gasUsed(registry.accredit(deployer.address, schemaIds[i]!))).gas,
);
record("accredit", "accredit (first accreditation of an issuer/schema)", "receipt.gasUsed", accreditRuns, {
  notes: "through AccessManager `restricted`; reads the schema index with SchemaRegistry.indexOf",
});

const schemaId = schemaIds[0]!;
const schemaIndex = Number((await schemas.schema(schemaId)).index);
const latest = await ethers.provider.getBlock("latest");
if (!latest) throw new Error("No latest block.");
const oneYearLater = BigInt(latest.timestamp + 365 * 24 * 3600);

// ------------------------------------------------------------------ anchoring

const anchored: Hex[] = [];
const anchorSent = await sentSeries(RUNS, () => {
  const fingerprint = randomFingerprint();
  anchored.push(fingerprint);
  return registry.anchor(fingerprint, schemaIndex, 0);
});
await addFloor(
  record("anchor", "anchor (no expiry)", "receipt.gasUsed", gasOfRuns(anchorSent), { target: 49_000 }),
  anchorSent,
);

const anchorExpiryRuns = await series(
  RUNS,
  async () => (await gasUsed(registry.anchor(randomFingerprint(), schemaIndex, oneYearLater))).gas,
);
record("anchor.expiry", "anchor (with expiry)", "receipt.gasUsed", anchorExpiryRuns);

const anchorMany10 = await sentSeries(RUNS, () =>
  registry.anchorMany(randomFingerprints(10), schemaIndex, 0),
);
await addFloor(
  record("anchorMany.10", "anchorMany ×10 (per item)", "receipt.gasUsed", gasOfRuns(anchorMany10), {
    itemsPerTx: 10,
    target: 25_500,
  }),
  anchorMany10,
);

const anchorMany100 = await series(
  RUNS,
  async () => (await gasUsed(registry.anchorMany(randomFingerprints(100), schemaIndex, 0))).gas,
);
record("anchorMany.100", "anchorMany ×100 (per item)", "receipt.gasUsed", anchorMany100, { itemsPerTx: 100 });

// Real trees: one of 1,000,000 leaves (depth 20) and one of 1,024 leaves (depth 10).
const treeStarted = performance.now();
const millionFlat = new Uint8Array(randomBytes(1_000_000 * 32));
const millionTree = await buildMerkleTreeFast({ fingerprints: millionFlat });
const millionRoot = merkleRoot(millionTree);
const fingerprintAt = (flat: Uint8Array, index: number): Hex =>
  `0x${Buffer.from(flat.subarray(index * 32, index * 32 + 32)).toString("hex")}`;
console.log(`(built a 1,000,000-leaf tree in ${Math.round(performance.now() - treeStarted)} ms)`);
const smallFlat = new Uint8Array(randomBytes(1024 * 32));
const smallTree = await buildMerkleTreeFast({ fingerprints: smallFlat });
const smallRoot = merkleRoot(smallTree);

// The first anchorBatch run anchors the real million-leaf root; the others random roots (the
// contract never looks inside a root, so its gas depends only on the calldata bytes).
const batch1M = await sentSeries(RUNS, (i) =>
  registry.anchorBatch(i === 0 ? millionRoot : randomFingerprint(), 1_000_000, schemaIndex, 0),
);
await addFloor(
  record("anchorBatch.1M", "anchorBatch (leafCount 1,000,000)", "receipt.gasUsed", gasOfRuns(batch1M), {
    target: 49_000,
    notes: "run 1 anchors the root of a real 1,000,000-leaf tree, the rest random roots",
  }),
  batch1M,
);

const batch10 = await series(RUNS, async () => {
  const tree = await buildMerkleTreeFast({ fingerprints: new Uint8Array(randomBytes(10 * 32)) });
  return (await gasUsed(registry.anchorBatch(merkleRoot(tree), 10, schemaIndex, 0))).gas;
});
record("anchorBatch.10", "anchorBatch (leafCount 10)", "receipt.gasUsed", batch10, {
  target: 49_000,
  notes: "roots of real 10-leaf trees",
});

const batchUri = await series(
  RUNS,
  async () =>
    (await gasUsed(registry.anchorBatchWithURI(randomFingerprint(), 1_000, schemaIndex, 0, BATCH_URI))).gas,
);
record("anchorBatchWithURI", "anchorBatchWithURI (59-char ipfs:// URI)", "receipt.gasUsed", batchUri);

await gasUsed(registry.anchorBatch(smallRoot, 1024, schemaIndex, 0));

// ------------------------------------------------------------------ revocation

const toRevoke = randomFingerprints(RUNS);
await gasUsed(registry.anchorMany(toRevoke, schemaIndex, 0));
const revokeRuns = await series(
  RUNS,
  async (i) => (await gasUsed(registry.revoke(toRevoke[i]!, REASON_ISSUED_IN_ERROR, ZERO32))).gas,
);
record("revoke", "revoke (no replacement)", "receipt.gasUsed", revokeRuns, {
  notes: "reads the issuer's accreditation and the schema policy (SchemaRegistry.policyAt)",
});

const reinstateRuns = await series(RUNS, async (i) => (await gasUsed(registry.reinstate(toRevoke[i]!))).gas);
record("reinstate", "reinstate", "receipt.gasUsed", reinstateRuns, {
  notes:
    "keeps the revocation and stamps its reinstatedAt (a stolen key's reinstatement can be voided by a backdated withdrawal); reads the accreditation and SchemaRegistry.policyAt",
});

const toSupersede = randomFingerprints(RUNS);
await gasUsed(registry.anchorMany(toSupersede, schemaIndex, 0));
const supersedeRuns = await series(
  RUNS,
  async (i) => (await gasUsed(registry.revoke(toSupersede[i]!, REASON_SUPERSEDED, randomFingerprint()))).gas,
);
record("revoke.superseded", "revoke (superseded, with replacement)", "receipt.gasUsed", supersedeRuns);

/** Leaf indices of the million-leaf tree whose proofs have exactly `depth` siblings. */
function leavesWithDepth(
  tree: typeof millionTree,
  depth: number,
  count: number,
  avoid: Set<number>,
): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const index = Math.floor(Math.random() * tree.leafCount);
    if (avoid.has(index) || out.includes(index)) continue;
    if (merkleProof(tree, index).length === depth) out.push(index);
  }
  return out;
}

const revokedLeaves = leavesWithDepth(millionTree, 20, RUNS, new Set());
const revokeLeafRuns = await series(RUNS, async (i) => {
  const index = revokedLeaves[i]!;
  const fingerprint = fingerprintAt(millionFlat, index);
  const proof = merkleProof(millionTree, index);
  return (await gasUsed(registry.revokeLeaf(millionRoot, fingerprint, proof, REASON_ISSUED_IN_ERROR, ZERO32)))
    .gas;
});
record("revokeLeaf.d20", "revokeLeaf (depth-20 proof, 1M-leaf batch)", "receipt.gasUsed", revokeLeafRuns);

const reinstateLeafRuns = await series(RUNS, async (i) => {
  const index = revokedLeaves[i]!;
  return (
    await gasUsed(
      registry.reinstateLeaf(millionRoot, fingerprintAt(millionFlat, index), merkleProof(millionTree, index)),
    )
  ).gas;
});
record("reinstateLeaf.d20", "reinstateLeaf (depth-20 proof)", "receipt.gasUsed", reinstateLeafRuns);

// ------------------------------------------------------------------ verification (eth_estimateGas)

async function verifyLeafGas(
  tree: typeof millionTree,
  flat: Uint8Array,
  root: Hex,
  depth: number,
): Promise<number[]> {
  const indices = leavesWithDepth(tree, depth, RUNS, new Set(revokedLeaves));
  return series(RUNS, async (i) => {
    const index = indices[i]!;
    const fingerprint = fingerprintAt(flat, index);
    const proof = merkleProof(tree, index);
    // Cross-check the SDK tree against the contract: both must accept the proof.
    if (!verifyMerkleProof(fingerprint, proof, root))
      throw new Error(`SDK rejects its own proof of leaf ${index}.`);
    const result = await registry.verifyLeaf(root, fingerprint, proof);
    if (result.status !== STATUS_VALID)
      throw new Error(`verifyLeaf(depth ${depth}) returned status ${result.status}.`);
    return Number(await registry.verifyLeaf.estimateGas(root, fingerprint, proof));
  });
}

record(
  "verifyLeaf.d10",
  "verifyLeaf (depth-10 proof)",
  "eth_estimateGas",
  await verifyLeafGas(smallTree, smallFlat, smallRoot, 10),
  {
    notes: "includes the 21,000 base and calldata; free when called with eth_call",
  },
);
record(
  "verifyLeaf.d20",
  "verifyLeaf (depth-20 proof)",
  "eth_estimateGas",
  await verifyLeafGas(millionTree, millionFlat, millionRoot, 20),
  { notes: "includes the 21,000 base and calldata; free when called with eth_call" },
);
const verifyRuns = await series(RUNS, async (i) => {
  const fingerprint = anchored[i]!;
  const result = await registry.verify(fingerprint);
  if (result.status !== STATUS_VALID) throw new Error(`verify returned status ${result.status}.`);
  return Number(await registry.verify.estimateGas(fingerprint));
});
record("verify", "verify (single fingerprint)", "eth_estimateGas", verifyRuns, {
  notes: "includes the 21,000 base and calldata; free when called with eth_call",
});

// ------------------------------------------------------------------ pausing

// `pause` and `unpause` write into every active accreditation (decision 0002), so their cost grows
// with them; the contract allows at most MAX_ACTIVE_ACCREDITATIONS. Measured (one transaction each:
// the cost is deterministic) with the accreditations made so far, and again with the set full.
const MAX_ACTIVE_ACCREDITATIONS = 2_000;
/** EIP-7825's per-transaction gas cap (Osaka), which the EDR engine applies here too. */
const TRANSACTION_GAS_CAP = 16_777_216;
await (await manager.grantRole(roles.pauser, deployer.address, 0)).wait();
async function pauseAndUnpause(): Promise<{ pause: number; unpause: number }> {
  const pause = (await gasUsed(registry.pause())).gas;
  const unpause = (await gasUsed(registry.unpause())).gas;
  return { pause, unpause };
}
const accreditedBefore = schemaIds.length;
const before = await pauseAndUnpause();
for (let i = accreditedBefore; i < MAX_ACTIVE_ACCREDITATIONS; i++) {
  await (await registry.accredit(ethers.Wallet.createRandom().address, schemaId)).wait();
}
const full = await pauseAndUnpause();
const added = MAX_ACTIVE_ACCREDITATIONS - accreditedBefore;
const atTheCap = `${MAX_ACTIVE_ACCREDITATIONS.toLocaleString("en-US")} active accreditations, the most allowed`;
const withFew = (gas: number) =>
  `${gas.toLocaleString("en-US")} gas with ${accreditedBefore} accreditations; one transaction (deterministic)`;
record("pause.full", `pause (${atTheCap})`, "receipt.gasUsed", [full.pause], {
  target: TRANSACTION_GAS_CAP,
  notes: `must fit one transaction (EIP-7825 cap); through AccessManager \`restricted\`; ${withFew(before.pause)}`,
});
record("unpause.full", `unpause (${atTheCap})`, "receipt.gasUsed", [full.unpause], {
  target: TRANSACTION_GAS_CAP,
  notes: `must fit one transaction (EIP-7825 cap); ${withFew(before.unpause)}`,
});
record(
  "pause.perAccreditation",
  "pause: each further active accreditation",
  "receipt.gasUsed",
  [(full.pause - before.pause) / added],
  {
    notes: `(pause with ${MAX_ACTIVE_ACCREDITATIONS} − pause with ${accreditedBefore}) / ${added}`,
  },
);

await writeResult("gas", {
  benchmark: "gas",
  machine,
  chain: {
    engine: "Hardhat EDR, in-process (network.create())",
    hardfork: "cancun",
    compiler: compilerOf(hre),
  },
  runsPerMeasurement: RUNS,
  method:
    "Writes: receipt gasUsed (includes the 21,000 intrinsic gas, calldata and refunds), fresh random fingerprints per run, median of the runs. Reads: eth_estimateGas of the call (what it would cost inside a transaction; an eth_call is free).",
  measurements,
  floorMethod:
    'For anchor, anchorMany ×10 and anchorBatch (leafCount 1,000,000), the run nearest the median is traced with debug_traceTransaction. Intrinsic gas = gasUsed − the opcodes\' gas (it must equal 21,000 + calldata); unavoidable = the gas of every SSTORE (the fresh slot per record), SLOAD (the accreditation and "never overwrite" reads), LOG0..LOG4 (the event the audit trail needs) and KECCAK256 (the mapping-slot hashes); floor = intrinsic + unavoidable. The target leaves target × items − floor for every other opcode; the code spends gasUsed − floor on them (dispatcher, ABI decoding, loop, checks, memory). The dispatcher/decoder/body split follows the solc source map: the dispatcher runs up to the jump into the first compiler-generated function (the ABI decoder), which runs until its matching return.',
  references: [
    { system: "EAS", operation: "attest", gas: 200_260 },
    { system: "EAS", operation: "timestamp", gas: 45_869 },
    { system: "EAS", operation: "multiTimestamp (per item)", gas: 26_757 },
    { system: "WeIdentity", operation: "createEvidence", gas: 283_438 },
  ],
  referencesNote: "Reference numbers quoted in the issue, for context only; not measured here.",
  durationMs: Math.round(performance.now() - started),
});
console.log("wrote bench/results/gas.json");
await connection.close();
