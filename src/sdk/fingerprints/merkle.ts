/**
 * Merkle batches of fingerprints (docs/fingerprint-spec.md §3), mirrored on chain by
 * contracts/libraries/FingerprintMerkle.sol:
 *
 *   leaf(fp)    = SHA-256(SHA-256(fp))                   — 32-byte input
 *   node(a, b)  = SHA-256(min(a, b) ‖ max(a, b))         — 64-byte input, pairs sorted
 *
 * Levels are built bottom-up in insertion order; when a level has an odd number of nodes, the last
 * one is promoted unchanged. A proof is the list of siblings from the leaf up (no direction bits,
 * since pairs are sorted). This module is browser-safe; src/sdk/node/merkle-builder.ts builds the
 * same trees on all cores with Node's native SHA-256.
 */
import { sha256 } from "@noble/hashes/sha2.js";

import { InvalidInputError } from "../errors.ts";
import { bytesToHex, expectBytes32, hexToBytes, type Hex } from "../hex.ts";

/** A built tree: `levels[0]` holds the leaves, the last level the root; each level is n×32 bytes. */
export type MerkleTree = {
  readonly leafCount: number;
  readonly levels: readonly Uint8Array[];
};

/** The leaf committed for a fingerprint: SHA-256(SHA-256(fingerprint)). */
export function merkleLeaf(fingerprint: Hex): Hex {
  return bytesToHex(sha256(sha256(hexToBytes(expectBytes32(fingerprint, "fingerprint")))));
}

/** The parent of two nodes: SHA-256 of the smaller then the larger (byte order). */
export function merkleNode(a: Hex, b: Hex): Hex {
  const left = hexToBytes(expectBytes32(a, "node"));
  const right = hexToBytes(expectBytes32(b, "node"));
  return bytesToHex(sha256(concatSorted(left, right)));
}

/** Node counts per level for `leafCount` leaves, bottom-up. */
export function levelSizes(leafCount: number): number[] {
  if (!Number.isSafeInteger(leafCount) || leafCount < 1) {
    throw new InvalidInputError(`A Merkle batch needs at least one fingerprint, got ${leafCount}.`);
  }
  const sizes = [leafCount];
  let size = leafCount;
  while (size > 1) {
    size = Math.ceil(size / 2);
    sizes.push(size);
  }
  return sizes;
}

/**
 * Builds a tree in this thread with @noble/hashes (fine up to ~100k leaves; use
 * `buildMerkleTreeFast` from src/sdk/node for millions).
 *
 * @example
 * const tree = buildMerkleTree(fingerprints);
 * const proof = merkleProof(tree, 0);
 */
export function buildMerkleTree(fingerprints: readonly Hex[]): MerkleTree {
  const sizes = levelSizes(fingerprints.length);
  const leaves = new Uint8Array(fingerprints.length * 32);
  fingerprints.forEach((fingerprint, i) => {
    leaves.set(sha256(sha256(hexToBytes(expectBytes32(fingerprint, `fingerprints[${i}]`)))), i * 32);
  });
  const levels: Uint8Array[] = [leaves];
  for (let level = 1; level < sizes.length; level++) {
    const below = levels[level - 1]!;
    const size = sizes[level]!;
    const out = new Uint8Array(size * 32);
    hashLevel(below, sizes[level - 1]!, out, 0, size);
    levels.push(out);
  }
  return { leafCount: fingerprints.length, levels };
}

/**
 * Computes parents [from, to) of one level from the level below, with @noble/hashes. An odd last
 * node is promoted unchanged.
 */
function hashLevel(below: Uint8Array, belowCount: number, out: Uint8Array, from: number, to: number): void {
  for (let parent = from; parent < to; parent++) {
    const left = parent * 2;
    if (left + 1 >= belowCount) {
      out.set(below.subarray(left * 32, left * 32 + 32), parent * 32);
    } else {
      const a = below.subarray(left * 32, left * 32 + 32);
      const b = below.subarray(left * 32 + 32, left * 32 + 64);
      out.set(sha256(concatSorted(a, b)), parent * 32);
    }
  }
}

/** The root of a built tree. */
export function merkleRoot(tree: MerkleTree): Hex {
  return bytesToHex(tree.levels[tree.levels.length - 1]!.subarray(0, 32));
}

/** The leaf at `index`. */
export function merkleLeafAt(tree: MerkleTree, index: number): Hex {
  checkIndex(tree, index);
  return bytesToHex(tree.levels[0]!.subarray(index * 32, index * 32 + 32));
}

/**
 * Writes the proof of leaf `index` into `out` (at least 32 × depth bytes) and returns how many
 * siblings it wrote. Allocation-free, for writing millions of proofs.
 */
export function merkleProofInto(tree: MerkleTree, index: number, out: Uint8Array): number {
  checkIndex(tree, index);
  let position = index;
  let written = 0;
  for (let level = 0; level < tree.levels.length - 1; level++) {
    const nodes = tree.levels[level]!;
    const sibling = position ^ 1;
    if (sibling * 32 < nodes.length) {
      out.set(nodes.subarray(sibling * 32, sibling * 32 + 32), written * 32);
      written++;
    }
    position >>= 1;
  }
  return written;
}

/** The proof of leaf `index`: siblings from the leaf up. */
export function merkleProof(tree: MerkleTree, index: number): Hex[] {
  const buffer = new Uint8Array((tree.levels.length - 1) * 32);
  const count = merkleProofInto(tree, index, buffer);
  const proof: Hex[] = [];
  for (let i = 0; i < count; i++) proof.push(bytesToHex(buffer.subarray(i * 32, i * 32 + 32)));
  return proof;
}

/** Recomputes the root from a fingerprint and its proof (what the contract does on chain). */
export function processMerkleProof(fingerprint: Hex, proof: readonly Hex[]): Hex {
  let node = sha256(sha256(hexToBytes(expectBytes32(fingerprint, "fingerprint"))));
  proof.forEach((sibling, i) => {
    node = sha256(concatSorted(node, hexToBytes(expectBytes32(sibling, `proof[${i}]`))));
  });
  return bytesToHex(node);
}

/** Whether `proof` leads from `fingerprint` to `root`. */
export function verifyMerkleProof(fingerprint: Hex, proof: readonly Hex[], root: Hex): boolean {
  return processMerkleProof(fingerprint, proof) === expectBytes32(root, "root");
}

/** `a ‖ b` with the smaller (lexicographic bytes) first. */
export function concatSorted(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  if (compareBytes(a, b) <= 0) {
    out.set(a, 0);
    out.set(b, 32);
  } else {
    out.set(b, 0);
    out.set(a, 32);
  }
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

function checkIndex(tree: MerkleTree, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= tree.leafCount) {
    throw new InvalidInputError(`Leaf index ${index} is outside the batch (0..${tree.leafCount - 1}).`);
  }
}
