import { randomBytes } from "node:crypto";

import { expect } from "chai";

import {
  buildMerkleTree,
  merkleLeaf,
  merkleLeafAt,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
} from "../../src/sdk/fingerprints/merkle.ts";
import { bytesToHex, type Hex } from "../../src/sdk/hex.ts";
import { buildMerkleTreeFast } from "../../src/sdk/node/merkle-builder.ts";

function randomFingerprints(count: number): { flat: Uint8Array; hex: Hex[] } {
  const flat = new Uint8Array(randomBytes(count * 32));
  const hex = Array.from({ length: count }, (_, i) => bytesToHex(flat.subarray(i * 32, i * 32 + 32)));
  return { flat, hex };
}

describe("buildMerkleTreeFast", function () {
  for (const count of [1, 2, 3, 4, 5, 7, 8, 9, 33, 1000]) {
    it(`builds the same tree as the reference builder for ${count} leaves, with every proof valid`, async function () {
      const { flat, hex } = randomFingerprints(count);
      const reference = buildMerkleTree(hex);
      const fast = await buildMerkleTreeFast({ fingerprints: flat });
      expect(merkleRoot(fast)).to.equal(merkleRoot(reference));
      for (let i = 0; i < count; i++) {
        // The leaf level must be left intact by the pair sorting of the level above.
        expect(merkleLeafAt(fast, i)).to.equal(merkleLeaf(hex[i]!));
        expect(merkleProof(fast, i)).to.deep.equal(merkleProof(reference, i));
        expect(verifyMerkleProof(hex[i]!, merkleProof(fast, i), merkleRoot(fast))).to.equal(true);
      }
    });
  }

  it("builds the same tree on two worker threads as on one (40,001 leaves)", async function () {
    const { flat, hex } = randomFingerprints(40_001);
    const single = await buildMerkleTreeFast({ fingerprints: flat, workers: 1 });
    const parallel = await buildMerkleTreeFast({ fingerprints: flat, workers: 2 });
    expect(merkleRoot(parallel)).to.equal(merkleRoot(single));
    for (const [level, nodes] of parallel.levels.entries()) {
      expect(Buffer.from(nodes).equals(Buffer.from(single.levels[level]!)), `level ${level}`).to.equal(true);
    }
    for (const i of [0, 20_000, 40_000]) {
      expect(verifyMerkleProof(hex[i]!, merkleProof(parallel, i), merkleRoot(parallel))).to.equal(true);
    }
  });

  it("rejects input that is not a whole number of 32-byte fingerprints", async function () {
    let error: unknown;
    try {
      await buildMerkleTreeFast({ fingerprints: new Uint8Array(33) });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.contain("at least one fingerprint");
  });
});
