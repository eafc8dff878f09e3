/**
 * FingerprintRegistry integration: deployed through the real Ignition module, driven with ethers
 * + typechain, with fingerprints, trees and proofs made by the SDK — the off-chain and on-chain
 * halves of the spec must agree.
 */
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import { network } from "hardhat";

import FingerprintRegistryModule from "../../ignition/modules/FingerprintRegistry.ts";
import { ROLE_IDS } from "../../ignition/modules/roles.ts";
import { verifyFingerprint } from "../../src/sdk/fingerprints/actions.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import { merkleProof, merkleRoot } from "../../src/sdk/fingerprints/merkle.ts";
import { bytesToHex, hexToBytes, type Hex } from "../../src/sdk/hex.ts";
import { buildMerkleTreeFast } from "../../src/sdk/node/merkle-builder.ts";
import { roles } from "../../src/sdk/roles.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

const { ethers, ignition, networkHelpers, viem } = await network.create();

const DEFINITION = {
  name: "health.test-report",
  version: "1.0",
  definitionURI: "https://schemas.example/health-test-report.json",
  definitionHash: ethers.ZeroHash,
  revocable: true,
  reinstatable: false,
};

const Status = {
  NotAnchored: 0n,
  BadProof: 1n,
  Revoked: 2n,
  Unaccredited: 3n,
  Expired: 4n,
  Valid: 5n,
} as const;

/**
 * The fingerprint registry's own module, with the schema-admin and accreditation-admin roles given
 * straight to `admin`: these tests are about the registry. In the whole system those roles belong to
 * the committee and the IssuerRegistry (test/governance covers that wiring).
 */
async function deployCrossproof() {
  const [admin, issuer, otherIssuer, stranger] = await ethers.getSigners();
  const { accessManager, schemaRegistry, fingerprintRegistry } =
    await ignition.deploy(FingerprintRegistryModule);
  const schemas = await ethers.getContractAt("SchemaRegistry", await schemaRegistry.getAddress());
  const registry = await ethers.getContractAt("FingerprintRegistry", await fingerprintRegistry.getAddress());
  const manager = await ethers.getContractAt("AccessManager", await accessManager.getAddress());
  await (await manager.grantRole(roles.schemaAdmin, admin!.address, 0)).wait();
  await (await manager.grantRole(roles.accreditationAdmin, admin!.address, 0)).wait();
  await (await schemas.register(DEFINITION)).wait();
  const schemaId = await schemas.schemaIdOf(DEFINITION.name, DEFINITION.version);
  await (await registry.accredit(issuer!.address, schemaId)).wait();
  await (await registry.accredit(otherIssuer!.address, schemaId)).wait();
  return {
    admin: admin!,
    issuer: issuer!,
    otherIssuer: otherIssuer!,
    stranger: stranger!,
    schemas,
    registry,
    manager,
    schemaId,
  };
}

function documentFingerprint(text: string): Hex {
  return computeFingerprint({
    documentHash: hashDocument(new TextEncoder().encode(text)),
    salt: randomSalt(),
  });
}

describe("FingerprintRegistry (through its Ignition module)", function () {
  describe("deployment", function () {
    it("wires the registries to one AccessManager with the SDK's role ids", async function () {
      const { registry, schemas, manager, admin } = await networkHelpers.loadFixture(deployCrossproof);
      expect(await registry.authority()).to.equal(await manager.getAddress());
      expect(await schemas.authority()).to.equal(await manager.getAddress());
      expect(await registry.schemaRegistry()).to.equal(await schemas.getAddress());
      expect(ROLE_IDS.schemaAdmin).to.equal(roles.schemaAdmin);
      expect(ROLE_IDS.accreditationAdmin).to.equal(roles.accreditationAdmin);
      const [isSchemaAdmin] = await manager.hasRole(roles.schemaAdmin, admin.address);
      expect(isSchemaAdmin).to.equal(true);
      expect(await registry.version()).to.equal("0.1.0");
    });

    it("derives schema ids the same way as the SDK", async function () {
      const { schemaId } = await networkHelpers.loadFixture(deployCrossproof);
      expect(schemaId).to.equal(schemaIdOf(DEFINITION));
    });
  });

  describe("accredit", function () {
    it("reverts for an account without the accreditation-admin role", async function () {
      const { registry, stranger, schemaId } = await networkHelpers.loadFixture(deployCrossproof);
      await expect(registry.connect(stranger).accredit(stranger.address, schemaId))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(stranger.address);
    });
  });

  describe("anchor", function () {
    it("anchors an SDK fingerprint that then verifies valid with its issuer and schema", async function () {
      const { registry, issuer, schemaId } = await networkHelpers.loadFixture(deployCrossproof);
      const fingerprint = documentFingerprint("PCR test: negative");
      await expect(registry.connect(issuer).anchor(fingerprint, 1, 0))
        .to.emit(registry, "Anchored")
        .withArgs(fingerprint, issuer.address, 1, 0);
      const verification = await registry.verify(fingerprint);
      expect(verification.status).to.equal(Status.Valid);
      expect(verification.issuer).to.equal(issuer.address);
      expect(verification.schemaId).to.equal(schemaId);
    });

    it("never lets a second issuer take over an anchored fingerprint", async function () {
      const { registry, issuer, otherIssuer } = await networkHelpers.loadFixture(deployCrossproof);
      const fingerprint = documentFingerprint("discharge summary");
      await (await registry.connect(issuer).anchor(fingerprint, 1, 0)).wait();
      await expect(registry.connect(otherIssuer).anchor(fingerprint, 1, 0))
        .to.be.revertedWithCustomError(registry, "AlreadyAnchored")
        .withArgs(fingerprint, issuer.address);
      await expect(registry.connect(otherIssuer).revoke(fingerprint, 1, ethers.ZeroHash))
        .to.be.revertedWithCustomError(registry, "NotRecordIssuer")
        .withArgs(fingerprint, issuer.address, otherIssuer.address);
      expect((await registry.anchorOf(fingerprint)).issuer).to.equal(issuer.address);
    });

    it("reports expired from the expiry second on", async function () {
      const { registry, issuer } = await networkHelpers.loadFixture(deployCrossproof);
      const fingerprint = documentFingerprint("health code");
      const expiresAt = (await networkHelpers.time.latest()) + 3600;
      await (await registry.connect(issuer).anchor(fingerprint, 1, expiresAt)).wait();
      expect((await registry.verify(fingerprint)).status).to.equal(Status.Valid);
      await networkHelpers.time.increaseTo(expiresAt);
      expect((await registry.verify(fingerprint)).status).to.equal(Status.Expired);
    });

    it("reports expired through the SDK once the clock passes the expiry, though no block came since", async function () {
      const { registry, issuer } = await networkHelpers.loadFixture(deployCrossproof);
      const fingerprint = documentFingerprint("health code on an idle chain");
      const expiresAt = (await networkHelpers.time.latest()) + 3600;
      await (await registry.connect(issuer).anchor(fingerprint, 1, expiresAt)).wait();
      const client = await viem.getPublicClient();
      const fingerprintRegistry = (await registry.getAddress()) as Hex;
      const at = (now: number) => verifyFingerprint(client, { fingerprintRegistry, fingerprint, now });
      // The chain's latest block is older than the expiry: the contract alone would say valid.
      expect((await registry.verify(fingerprint)).status).to.equal(Status.Valid);
      expect((await at(expiresAt - 1)).status).to.equal("valid");
      const expired = await at(expiresAt);
      expect(expired.status).to.equal("expired");
      expect(expired.expiresAt).to.equal(expiresAt);
      // A revocation still outranks the expiry.
      await (await registry.connect(issuer).revoke(fingerprint, 1, ethers.ZeroHash)).wait();
      expect((await at(expiresAt + 10)).status).to.equal("revoked");
    });
  });

  describe("anchorBatch", function () {
    it("verifies SDK proofs of a 40,000-leaf batch built on worker threads, and rejects a wrong proof", async function () {
      const { registry, issuer } = await networkHelpers.loadFixture(deployCrossproof);
      // 40,000 leaves: above the builder's threshold, so the tree really is built by two workers.
      const fingerprints = Array.from({ length: 40_000 }, () => bytesToHex(randomBytes(32)));
      const flat = new Uint8Array(fingerprints.length * 32);
      fingerprints.forEach((fp, i) => {
        flat.set(hexToBytes(fp), i * 32);
      });
      const tree = await buildMerkleTreeFast({ fingerprints: flat, workers: 2 });
      const root = merkleRoot(tree);
      await expect(registry.connect(issuer).anchorBatch(root, fingerprints.length, 1, 0))
        .to.emit(registry, "BatchAnchored")
        .withArgs(root, issuer.address, 1, fingerprints.length, 0);
      for (const index of [0, 1, 20_001, 39_998, 39_999]) {
        const verification = await registry.verifyLeaf(root, fingerprints[index]!, merkleProof(tree, index));
        expect(verification.status, `leaf ${index}`).to.equal(Status.Valid);
      }
      const wrong = merkleProof(tree, 1);
      expect((await registry.verifyLeaf(root, fingerprints[0]!, wrong)).status).to.equal(Status.BadProof);
      const innerNode = bytesToHex(tree.levels[1]!.subarray(0, 32));
      expect((await registry.verifyLeaf(root, innerNode, merkleProof(tree, 0).slice(1))).status).to.equal(
        Status.BadProof,
      );
    });

    it("revokes one leaf without touching its neighbours", async function () {
      const { registry, issuer } = await networkHelpers.loadFixture(deployCrossproof);
      const fingerprints = Array.from({ length: 7 }, (_, i) => documentFingerprint(`record ${i}`));
      const flat = new Uint8Array(fingerprints.length * 32);
      fingerprints.forEach((fp, i) => {
        flat.set(hexToBytes(fp), i * 32);
      });
      const tree = await buildMerkleTreeFast({ fingerprints: flat });
      const root = merkleRoot(tree);
      await (await registry.connect(issuer).anchorBatch(root, 7, 1, 0)).wait();
      await expect(
        registry.connect(issuer).revokeLeaf(root, fingerprints[6]!, merkleProof(tree, 6), 3, ethers.ZeroHash),
      )
        .to.emit(registry, "Revoked")
        .withArgs(fingerprints[6]!, issuer.address, root, 3, ethers.ZeroHash);
      expect((await registry.verifyLeaf(root, fingerprints[6]!, merkleProof(tree, 6))).status).to.equal(
        Status.Revoked,
      );
      expect((await registry.verifyLeaf(root, fingerprints[5]!, merkleProof(tree, 5))).status).to.equal(
        Status.Valid,
      );
    });
  });

  describe("withdrawAccreditation", function () {
    it("blocks new anchors and marks records anchored after effectiveFrom unaccredited", async function () {
      const { registry, issuer, schemaId } = await networkHelpers.loadFixture(deployCrossproof);
      const before = documentFingerprint("before the compromise");
      await (await registry.connect(issuer).anchor(before, 1, 0)).wait();
      await networkHelpers.time.increase(100);
      const compromisedFrom = (await networkHelpers.time.latest()) + 1;
      await networkHelpers.time.increase(10);
      const during = documentFingerprint("anchored with a stolen key");
      await (await registry.connect(issuer).anchor(during, 1, 0)).wait();
      await (await registry.withdrawAccreditation(issuer.address, schemaId, compromisedFrom)).wait();
      expect((await registry.verify(before)).status).to.equal(Status.Valid);
      expect((await registry.verify(during)).status).to.equal(Status.Unaccredited);
      await expect(registry.connect(issuer).anchor(documentFingerprint("after"), 1, 0))
        .to.be.revertedWithCustomError(registry, "IssuerNotAccredited")
        .withArgs(issuer.address, 1);
    });
  });
});
