/**
 * Fast Merkle batch builder for Node: the same trees as src/sdk/fingerprints/merkle.ts, built on
 * every core with WebAssembly SHA-256 (@chainsafe/as-sha256). One SharedArrayBuffer holds all levels (2n × 32 bytes), so a
 * million fingerprints need ~100 MB and each proof is read straight out of it.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

import { BaseError } from "../errors.ts";
import { levelSizes, type MerkleTree } from "../fingerprints/merkle.ts";
import { buildShare, layoutFor } from "./merkle-hashing.ts";

/** Below this many leaves, starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 32_768;

export type BuildMerkleTreeFastParameters = {
  /** Fingerprints as one flat buffer of n × 32 bytes. */
  fingerprints: Uint8Array;
  /** Worker threads to use; defaults to the machine's available parallelism. */
  workers?: number;
};

/**
 * Builds a Merkle tree over n fingerprints given as a flat n × 32-byte buffer.
 *
 * @example
 * const tree = await buildMerkleTreeFast({ fingerprints: flat });
 * const root = merkleRoot(tree);
 */
export async function buildMerkleTreeFast({
  fingerprints,
  workers = availableParallelism(),
}: BuildMerkleTreeFastParameters): Promise<MerkleTree> {
  const leafCount = fingerprints.length / 32;
  const sizes = levelSizes(Number.isInteger(leafCount) ? leafCount : -1);
  const layout = layoutFor(sizes);
  const threads = leafCount < PARALLEL_THRESHOLD ? 1 : Math.max(1, Math.min(workers, 16));

  const shared =
    threads === 1 ? new ArrayBuffer(layout.totalBytes) : new SharedArrayBuffer(layout.totalBytes);
  if (threads === 1) {
    buildShare(fingerprints, shared, layout, 0, 1);
  } else {
    const input = new SharedArrayBuffer(fingerprints.length);
    new Uint8Array(input).set(fingerprints);
    const barrier = new SharedArrayBuffer(4);
    await Promise.all(
      Array.from({ length: threads }, (_, index) =>
        runWorker({
          input,
          shared,
          barrier,
          layout: { sizes, offsets: layout.offsets },
          index,
          workers: threads,
        }),
      ),
    );
  }
  const levels = sizes.map((size, l) => new Uint8Array(shared, layout.offsets[l], size * 32));
  return { leafCount, levels };
}

/** The worker beside this module: TypeScript in the sources, JavaScript in the CLI's bundle (scripts/build-cli.ts). */
const WORKER = new URL(`./merkle-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);

function runWorker(workerData: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData });
    worker.once("message", (message: { ok: boolean; message?: string }) => {
      void worker.terminate();
      if (message.ok) resolve();
      else reject(new BaseError(`Merkle worker failed: ${message.message}`, { code: "merkle-worker" }));
    });
    worker.once("error", (error) => {
      reject(new BaseError("Merkle worker crashed.", { code: "merkle-worker", cause: error }));
    });
  });
}
