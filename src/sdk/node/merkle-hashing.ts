/**
 * The hashing loops of the fast Merkle builder, shared by the main thread and its workers.
 * Node-only: uses the native one-shot `crypto.hash` (SHA-NI where the CPU has it) on Buffers that
 * view one SharedArrayBuffer holding every level, so nothing is copied between threads.
 */
import { hash } from "node:crypto";

/** Where each level lives in the shared buffer. */
export type TreeLayout = {
  /** Node count per level, bottom-up (levels[0] = leaves). */
  sizes: number[];
  /** Byte offset of each level in the shared buffer. */
  offsets: number[];
};

export function layoutFor(sizes: number[]): TreeLayout & { totalBytes: number } {
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size * 32;
  }
  return { sizes, offsets, totalBytes: total };
}

/** leaf(fp) = SHA-256(SHA-256(fp)) for leaves [from, to). */
export function hashLeaves(input: Buffer, leaves: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const inner = hash("sha256", input.subarray(i * 32, i * 32 + 32), "buffer");
    hash("sha256", inner, "buffer").copy(leaves, i * 32);
  }
}

/** Parents [from, to) of a level from the level below (sorted pairs; an odd last node is promoted). */
export function hashParents(below: Buffer, belowCount: number, out: Buffer, from: number, to: number): void {
  const pair = Buffer.allocUnsafe(64);
  for (let parent = from; parent < to; parent++) {
    const left = parent * 64;
    if (parent * 2 + 1 >= belowCount) {
      below.copy(out, parent * 32, left, left + 32);
      continue;
    }
    if (leftIsSmaller(below, left)) {
      below.copy(pair, 0, left, left + 64);
    } else {
      below.copy(pair, 0, left + 32, left + 64);
      below.copy(pair, 32, left, left + 32);
    }
    hash("sha256", pair, "buffer").copy(out, parent * 32);
  }
}

function leftIsSmaller(level: Buffer, left: number): boolean {
  for (let i = 0; i < 32; i++) {
    const a = level[left + i]!;
    const b = level[left + 32 + i]!;
    if (a !== b) return a < b;
  }
  return true;
}

/** The slice [from, to) of `count` items that worker `index` of `workers` handles. */
export function shareOf(count: number, index: number, workers: number): [number, number] {
  const per = Math.ceil(count / workers);
  return [Math.min(count, index * per), Math.min(count, (index + 1) * per)];
}

/**
 * Builds every level, handling this worker's share of each and meeting the other workers at a
 * barrier (an Atomics counter) between levels. With one worker it is a plain loop.
 */
export function buildShare(
  input: Buffer,
  shared: SharedArrayBuffer | ArrayBuffer,
  layout: TreeLayout,
  index: number,
  workers: number,
  barrier?: Int32Array,
): void {
  const level = (l: number) => Buffer.from(shared, layout.offsets[l], layout.sizes[l]! * 32);
  const [leafFrom, leafTo] = shareOf(layout.sizes[0]!, index, workers);
  hashLeaves(input, level(0), leafFrom, leafTo);
  for (let l = 1; l < layout.sizes.length; l++) {
    wait(barrier, workers * l);
    const [from, to] = shareOf(layout.sizes[l]!, index, workers);
    hashParents(level(l - 1), layout.sizes[l - 1]!, level(l), from, to);
  }
}

function wait(barrier: Int32Array | undefined, target: number): void {
  if (!barrier) return;
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  for (;;) {
    const arrived = Atomics.load(barrier, 0);
    if (arrived >= target) return;
    Atomics.wait(barrier, 0, arrived, 1000);
  }
}
