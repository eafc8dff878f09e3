/**
 * The hashing loops of the fast Merkle builder, shared by the main thread and its workers.
 * SHA-256 comes from @chainsafe/as-sha256 (WebAssembly, SIMD where available — built for exactly
 * this: Ethereum consensus Merkle trees); `hashInto` hashes a whole level of 64-byte pairs in one
 * call, with no per-node crossing into native code. Every level lives in one SharedArrayBuffer.
 */
import { digest, hashInto } from "@chainsafe/as-sha256";

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
export function hashLeaves(input: Uint8Array, leaves: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    leaves.set(digest(digest(input.subarray(i * 32, i * 32 + 32))), i * 32);
  }
}

/**
 * Parents [from, to) of a level from the level below: each pair sorted (smaller first) into a
 * scratch buffer of 64-byte chunks, the whole range hashed in one call; an odd last node is
 * promoted unchanged.
 */
export function hashParents(
  below: Uint8Array,
  belowCount: number,
  out: Uint8Array,
  from: number,
  to: number,
): void {
  const pairedEnd = Math.min(to, Math.floor(belowCount / 2));
  if (from < pairedEnd) {
    // A copy (never a view: Buffer#slice would alias and the swaps would corrupt the level below).
    const pairs = new Uint8Array((pairedEnd - from) * 64);
    pairs.set(below.subarray(from * 64, pairedEnd * 64));
    for (let offset = 0; offset < pairs.length; offset += 64) {
      if (!leftIsSmaller(pairs, offset)) swapHalves(pairs, offset);
    }
    hashInto(pairs, out.subarray(from * 32, pairedEnd * 32));
  }
  if (to > pairedEnd && belowCount % 2 === 1) {
    const last = belowCount - 1;
    out.set(below.subarray(last * 32, last * 32 + 32), pairedEnd * 32);
  }
}

function leftIsSmaller(level: Uint8Array, left: number): boolean {
  for (let i = 0; i < 32; i++) {
    const a = level[left + i]!;
    const b = level[left + 32 + i]!;
    if (a !== b) return a < b;
  }
  return true;
}

function swapHalves(pairs: Uint8Array, offset: number): void {
  for (let i = offset; i < offset + 32; i++) {
    const byte = pairs[i]!;
    pairs[i] = pairs[i + 32]!;
    pairs[i + 32] = byte;
  }
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
  input: Uint8Array,
  shared: SharedArrayBuffer | ArrayBuffer,
  layout: TreeLayout,
  index: number,
  workers: number,
  barrier?: Int32Array,
): void {
  const level = (l: number) => new Uint8Array(shared, layout.offsets[l], layout.sizes[l]! * 32);
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
