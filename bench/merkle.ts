/**
 * Merkle benchmark: build a batch of 10k / 100k / 1M random fingerprints with buildMerkleTreeFast
 * and extract every proof with merkleProofInto. Each run happens in a fresh child process, so the
 * peak memory (the kernel's RSS high-water mark, getrusage maxRSS, which covers the worker threads
 * too) of one size is not inflated by another. Writes bench/results/merkle.json.
 * Run: `node bench/merkle.ts` (Node >= 22.18; `npm run bench` uses the project's Node 22).
 */
import { spawn } from "node:child_process";
import { randomFillSync, randomInt } from "node:crypto";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import {
  buildMerkleTree,
  merkleProof,
  merkleProofInto,
  merkleRoot,
  verifyMerkleProof,
} from "../src/sdk/fingerprints/merkle.ts";
import type { Hex } from "../src/sdk/hex.ts";
import { buildMerkleTreeFast } from "../src/sdk/node/merkle-builder.ts";
import { machineInfo, median, round, writeResult } from "./lib/common.ts";

const SIZES = [10_000, 100_000, 1_000_000];
/** Fresh child processes per size; times are the median, memory the worst run. */
const REPEATS = 3;
/** Proofs checked with verifyMerkleProof per run, besides the first and last leaf. */
const CHECKED_PROOFS = 8;
/** Below this size the pure-JS builder also runs, and the two roots must agree. */
const CROSS_CHECK_LIMIT = 100_000;
const TARGET_1M = { totalMs: 3_000, peakRssMB: 512 };

type ChildResult = {
  leafCount: number;
  depth: number;
  workers: number;
  rssBeforeMB: number;
  buildMs: number;
  proofsMs: number;
  totalMs: number;
  peakRssMB: number;
  checksum: number;
  proofsVerified: number;
  crossCheckedRoot: boolean;
  root: Hex;
};

const MB = 2 ** 20;

async function child(leafCount: number): Promise<ChildResult> {
  // Input: n random fingerprints, flat (not timed; part of the peak, as in real use).
  const flat = new Uint8Array(leafCount * 32);
  for (let offset = 0; offset < flat.length; offset += 65_536) {
    randomFillSync(flat, offset, Math.min(65_536, flat.length - offset));
  }
  const rssBefore = process.memoryUsage().rss;

  const t0 = performance.now();
  const tree = await buildMerkleTreeFast({ fingerprints: flat });
  const t1 = performance.now();
  const depth = tree.levels.length - 1;
  const out = new Uint8Array(Math.max(1, depth) * 32);
  let checksum = 0;
  for (let index = 0; index < leafCount; index++) {
    const written = merkleProofInto(tree, index, out);
    // Fold something from every proof so the loop cannot be optimized away.
    checksum = (Math.imul(checksum, 31) + written + out[0]! + out[(written - 1) * 32 + 31]!) >>> 0;
  }
  const t2 = performance.now();
  const peakRss = process.resourceUsage().maxRSS * 1024;

  // Correctness (not timed): a handful of proofs must lead to the root.
  const root = merkleRoot(tree);
  const fingerprintAt = (index: number): Hex =>
    `0x${Buffer.from(flat.subarray(index * 32, index * 32 + 32)).toString("hex")}`;
  const indices = [0, leafCount - 1, ...Array.from({ length: CHECKED_PROOFS }, () => randomInt(leafCount))];
  for (const index of indices) {
    if (!verifyMerkleProof(fingerprintAt(index), merkleProof(tree, index), root)) {
      throw new Error(`Proof of leaf ${index} of ${leafCount} does not verify against the root.`);
    }
  }
  // A wrong fingerprint must not verify.
  const wrong = fingerprintAt(1 % leafCount).replace(/.$/, (c) => (c === "0" ? "1" : "0")) as Hex;
  if (verifyMerkleProof(wrong, merkleProof(tree, 1 % leafCount), root)) {
    throw new Error("A tampered fingerprint verified against the root.");
  }
  let crossCheckedRoot = false;
  if (leafCount <= CROSS_CHECK_LIMIT) {
    const hexes = Array.from({ length: leafCount }, (_, i) => fingerprintAt(i));
    const reference = merkleRoot(buildMerkleTree(hexes));
    if (reference !== root)
      throw new Error(`buildMerkleTreeFast and buildMerkleTree disagree on ${leafCount} leaves.`);
    crossCheckedRoot = true;
  }

  return {
    leafCount,
    depth,
    workers: leafCount < 32_768 ? 1 : Math.min(availableParallelism(), 16),
    rssBeforeMB: round(rssBefore / MB, 1),
    buildMs: round(t1 - t0),
    proofsMs: round(t2 - t1),
    totalMs: round(t2 - t0),
    peakRssMB: round(peakRss / MB, 1),
    checksum,
    proofsVerified: indices.length,
    crossCheckedRoot,
    root,
  };
}

function runChild(leafCount: number): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", String(leafCount)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk: string) => (stdout += chunk));
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`Merkle child for ${leafCount} leaves exited with ${code}.`));
        return;
      }
      try {
        resolvePromise(JSON.parse(stdout.trim().split("\n").pop() ?? "") as ChildResult);
      } catch (error) {
        reject(new Error(`Merkle child for ${leafCount} leaves printed no result.`, { cause: error }));
      }
    });
  });
}

const childIndex = process.argv.indexOf("--child");
if (childIndex !== -1) {
  const leafCount = Number(process.argv[childIndex + 1]);
  console.log(JSON.stringify(await child(leafCount)));
} else {
  const machine = machineInfo();
  const started = performance.now();
  const results = [];
  for (const leafCount of SIZES) {
    const runs: ChildResult[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat++) runs.push(await runChild(leafCount));
    const summary = {
      leafCount,
      depth: runs[0]!.depth,
      workers: runs[0]!.workers,
      buildMs: median(runs.map((r) => r.buildMs)),
      proofsMs: median(runs.map((r) => r.proofsMs)),
      totalMs: median(runs.map((r) => r.totalMs)),
      peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
      rssBeforeMB: Math.max(...runs.map((r) => r.rssBeforeMB)),
      proofsVerified: runs.reduce((sum, r) => sum + r.proofsVerified, 0),
      crossCheckedRoot: runs.every((r) => r.crossCheckedRoot),
      ...(leafCount === 1_000_000
        ? {
            target: TARGET_1M,
            pass: {
              totalMs: median(runs.map((r) => r.totalMs)) <= TARGET_1M.totalMs,
              peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)) <= TARGET_1M.peakRssMB,
            },
          }
        : {}),
      runs,
    };
    results.push(summary);
    console.log(
      `${String(leafCount).padStart(9)} leaves: build ${summary.buildMs} ms, proofs ${summary.proofsMs} ms, ` +
        `total ${summary.totalMs} ms, peak RSS ${summary.peakRssMB} MB (median of ${REPEATS} fresh processes)`,
    );
  }
  await writeResult("merkle", {
    benchmark: "merkle",
    machine,
    method:
      `Each size runs ${REPEATS}× in a fresh child process. Input: n random 32-byte fingerprints in one flat buffer (not timed). ` +
      "build = buildMerkleTreeFast (WebAssembly SHA-256 from @chainsafe/as-sha256, worker threads from 32,768 leaves); proofs = merkleProofInto for every leaf " +
      "into one reused buffer, folding a checksum; total = build + proofs. Times: median over the runs. Peak memory: " +
      "process.resourceUsage().maxRSS of the child (kernel RSS high-water mark, whole process incl. worker threads and " +
      "the input buffer), worst run. Correctness: first, last and 8 random proofs per run checked with verifyMerkleProof, a " +
      `tampered fingerprint must fail, and up to ${CROSS_CHECK_LIMIT.toLocaleString("en")} leaves the root must equal buildMerkleTree's.`,
    results,
    durationMs: Math.round(performance.now() - started),
  });
  console.log("wrote bench/results/merkle.json");
}
