/**
 * Keeps docs/fingerprint-spec.md honest: reads the test vectors out of the document (between the
 * `<!-- vectors:begin -->` / `<!-- vectors:end -->` markers) and checks every one against the SDK,
 * both Merkle builders, and the properties the spec claims.
 */
import { readFileSync } from "node:fs";

import { expect } from "chai";

import { InvalidInputError } from "../../src/sdk/errors.ts";
import { bytesToHex, hexToBytes, type Hex } from "../../src/sdk/hex.ts";
import {
  buildMerkleTree,
  merkleLeaf,
  merkleNode,
  merkleProof,
  merkleRoot,
  verifyMerkleProof,
  type MerkleTree,
} from "../../src/sdk/fingerprints/merkle.ts";
import { parseDataPackage } from "../../src/sdk/fingerprints/package.ts";
import { computeFingerprint, createDocumentHasher, hashDocument } from "../../src/sdk/fingerprints/spec.ts";
import { buildMerkleTreeFast } from "../../src/sdk/node/merkle-builder.ts";

type FingerprintVector = {
  name: string;
  documentAscii: string;
  documentHex: Hex;
  salt: Hex;
  documentHash: Hex;
  fingerprint: Hex;
};

type Vectors = {
  spec: string;
  fingerprints: FingerprintVector[];
  merkle: {
    fingerprintDerivation: string;
    fingerprints: Hex[];
    leaves: Hex[];
    levels: Hex[][];
    root: Hex;
    proofs: { index: number; proof: Hex[] }[];
  };
  singleLeaf: { fingerprint: Hex; root: Hex; proof: Hex[] };
};

const SPEC_PATH = new URL("../../docs/fingerprint-spec.md", import.meta.url);
const spec = readFileSync(SPEC_PATH, "utf8");

function vectorsFromSpec(markdown: string): Vectors {
  const match = /<!-- vectors:begin -->\s*```json\n([\s\S]*?)\n```\s*<!-- vectors:end -->/.exec(markdown);
  if (!match?.[1])
    throw new Error("docs/fingerprint-spec.md has no ```json block between the vectors markers");
  return JSON.parse(match[1]) as Vectors;
}

const vectors = vectorsFromSpec(spec);
const ascii = (text: string) => new TextEncoder().encode(text);

/** Merkle fingerprints as one flat n × 32-byte buffer, as buildMerkleTreeFast takes them. */
function flatten(fingerprints: readonly Hex[]): Uint8Array {
  const flat = new Uint8Array(fingerprints.length * 32);
  fingerprints.forEach((fingerprint, i) => {
    flat.set(hexToBytes(fingerprint), i * 32);
  });
  return flat;
}

function levelHex(tree: MerkleTree, level: number): Hex[] {
  const nodes = tree.levels[level]!;
  return Array.from({ length: nodes.length / 32 }, (_, i) => bytesToHex(nodes.subarray(i * 32, i * 32 + 32)));
}

describe("fingerprint spec (docs/fingerprint-spec.md)", function () {
  it("has vectors for the v1 tag", function () {
    expect(vectors.spec).to.equal("crossproof:fingerprint:v1");
    expect(vectors.fingerprints).to.have.length.greaterThanOrEqual(2);
    expect(vectors.merkle.fingerprints).to.have.length(5);
  });

  describe("document hash and fingerprint vectors", function () {
    for (const vector of vectors.fingerprints) {
      it(`${vector.name}: documentHash and fingerprint`, function () {
        const document = ascii(vector.documentAscii);
        expect(bytesToHex(document)).to.equal(vector.documentHex);
        expect(hashDocument(document)).to.equal(vector.documentHash);

        // Streamed in uneven chunks: same hash.
        const hasher = createDocumentHasher();
        for (let i = 0; i < document.length; i += 3) hasher.update(document.subarray(i, i + 3));
        expect(hasher.digest()).to.equal(vector.documentHash);

        expect(computeFingerprint({ documentHash: vector.documentHash, salt: vector.salt })).to.equal(
          vector.fingerprint,
        );
      });
    }
  });

  describe("Merkle batch vectors", function () {
    const { merkle } = vectors;

    it("derives the batch fingerprints as SHA-256 of the ASCII strings leaf-0..leaf-4", function () {
      merkle.fingerprints.forEach((fingerprint, i) => {
        expect(hashDocument(ascii(`leaf-${i}`))).to.equal(fingerprint);
      });
    });

    it("leaf = SHA-256(SHA-256(fingerprint))", function () {
      merkle.fingerprints.forEach((fingerprint, i) => {
        expect(merkleLeaf(fingerprint)).to.equal(merkle.leaves[i]);
        expect(hashDocument(hexToBytes(hashDocument(hexToBytes(fingerprint))))).to.equal(merkle.leaves[i]);
      });
    });

    it("buildMerkleTree gives the leaves, inner levels, root and proofs", function () {
      const tree = buildMerkleTree(merkle.fingerprints);
      expect(levelHex(tree, 0)).to.deep.equal(merkle.leaves);
      merkle.levels.forEach((level, i) => {
        expect(levelHex(tree, i + 1)).to.deep.equal(level);
      });
      expect(merkleRoot(tree)).to.equal(merkle.root);
      expect(merkle.levels.at(-1)).to.deep.equal([merkle.root]);
      for (const { index, proof } of merkle.proofs) {
        expect(merkleProof(tree, index)).to.deep.equal(proof);
        expect(verifyMerkleProof(merkle.fingerprints[index]!, proof, merkle.root)).to.equal(true);
      }
    });

    it("inner nodes are SHA-256(min ‖ max) and an odd last node is promoted unchanged", function () {
      const [l0, l1, l2, l3, l4] = merkle.leaves as [Hex, Hex, Hex, Hex, Hex];
      expect(merkleNode(l0, l1)).to.equal(merkleNode(l1, l0));
      const n01 = merkleNode(l0, l1);
      const n23 = merkleNode(l2, l3);
      expect(merkle.levels[0]).to.deep.equal([n01, n23, l4]);
      expect(merkle.levels[1]).to.deep.equal([merkleNode(n01, n23), l4]);
      expect(merkleNode(merkleNode(n01, n23), l4)).to.equal(merkle.root);
      const [min, max] = l0 < l1 ? [l0, l1] : [l1, l0];
      expect(n01).to.equal(hashDocument(new Uint8Array([...hexToBytes(min), ...hexToBytes(max)])));
    });

    it("buildMerkleTreeFast gives the same root and proofs", async function () {
      const tree = await buildMerkleTreeFast({ fingerprints: flatten(merkle.fingerprints) });
      expect(levelHex(tree, 0)).to.deep.equal(merkle.leaves);
      expect(merkleRoot(tree)).to.equal(merkle.root);
      for (const { index, proof } of merkle.proofs) {
        expect(merkleProof(tree, index)).to.deep.equal(proof);
      }
    });

    it("buildMerkleTreeFast with worker threads matches buildMerkleTree", async function () {
      // Above the 32,768-leaf threshold, so the parallel path runs.
      const fingerprints = Array.from({ length: 40_001 }, (_, i) => hashDocument(ascii(`leaf-${i}`)));
      const reference = buildMerkleTree(fingerprints);
      const fast = await buildMerkleTreeFast({ fingerprints: flatten(fingerprints), workers: 2 });
      expect(merkleRoot(fast)).to.equal(merkleRoot(reference));
      for (const index of [0, 4, 2, 20_000, 40_000]) {
        expect(merkleProof(fast, index)).to.deep.equal(merkleProof(reference, index));
      }
    });

    it("a single-leaf batch has root = leaf and an empty proof", function () {
      const { fingerprint, root, proof } = vectors.singleLeaf;
      expect(root).to.equal(merkleLeaf(fingerprint));
      const tree = buildMerkleTree([fingerprint]);
      expect(merkleRoot(tree)).to.equal(root);
      expect(merkleProof(tree, 0)).to.deep.equal(proof);
      expect(proof).to.deep.equal([]);
      expect(verifyMerkleProof(fingerprint, [], root)).to.equal(true);
    });
  });

  describe("properties", function () {
    it("a flipped bit in the document changes the fingerprint", function () {
      const vector = vectors.fingerprints[0]!;
      const document = ascii(vector.documentAscii);
      for (const bit of [0, 7, document.length * 8 - 1]) {
        const flipped = document.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const fingerprint = computeFingerprint({ documentHash: hashDocument(flipped), salt: vector.salt });
        expect(fingerprint).to.not.equal(vector.fingerprint);
      }
    });

    it("a different salt changes the fingerprint", function () {
      const vector = vectors.fingerprints[0]!;
      const salt = `0x${"00".repeat(31)}01` as Hex;
      expect(computeFingerprint({ documentHash: vector.documentHash, salt })).to.not.equal(
        vector.fingerprint,
      );
    });

    it("a salt of the wrong length throws InvalidInputError", function () {
      const { documentHash } = vectors.fingerprints[0]!;
      for (const salt of [
        `0x${"00".repeat(16)}`,
        `0x${"00".repeat(31)}`,
        `0x${"00".repeat(33)}`,
        "0x",
        "00".repeat(32),
      ]) {
        expect(() => computeFingerprint({ documentHash, salt: salt as Hex })).to.throw(InvalidInputError);
      }
    });

    it("an inner node used as a leaf does not verify", function () {
      const { merkle } = vectors;
      // levels[0][0] = node(leaf0, leaf1); its proof upwards is [node(leaf2, leaf3), leaf4].
      const inner = merkle.levels[0]![0]!;
      const upperProof = [merkle.levels[0]![1]!, merkle.leaves[4]!];
      expect(verifyMerkleProof(inner, upperProof, merkle.root)).to.equal(false);
      // Nor does a leaf hash presented as a fingerprint with its own proof.
      expect(verifyMerkleProof(merkle.leaves[2]!, merkle.proofs[1]!.proof, merkle.root)).to.equal(false);
      // Nor a fingerprint with another leaf's proof.
      expect(verifyMerkleProof(merkle.fingerprints[3]!, merkle.proofs[1]!.proof, merkle.root)).to.equal(
        false,
      );
    });
  });

  describe("data package examples", function () {
    const examples = [...spec.matchAll(/```json\n([\s\S]*?)\n```/g)]
      .map((match) => match[1]!)
      .filter((block) => block.includes('"crossproof.data-package"'));

    it("the spec shows a single and a batch example", function () {
      expect(examples).to.have.length(2);
    });

    for (const [i, block] of examples.entries()) {
      it(`example ${i + 1} parses and matches the document "hello world"`, function () {
        const dataPackage = parseDataPackage(JSON.parse(block), `example ${i + 1}`);
        const documentHash = hashDocument(ascii("hello world"));
        expect(computeFingerprint({ documentHash, salt: dataPackage.salt })).to.equal(
          dataPackage.fingerprint,
        );
        if (dataPackage.anchor.kind === "batch") {
          const { root, proof } = dataPackage.anchor;
          expect(verifyMerkleProof(dataPackage.fingerprint, proof as Hex[], root as Hex)).to.equal(true);
        }
      });
    }
  });
});
