/**
 * The Issue page in Chromium with the injected test wallet as the Macao lab: one document anchored
 * with an expiry and its package downloaded, then verified on Verify; a folder anchored as one
 * Merkle batch with a progress bar and all its packages downloaded as a .zip (read back here, CRCs
 * checked) and a leaf verified; a leaf revoked with a reason and a replacement; the salts journal
 * that survives a closed tab (recovered from the chain's events, or found never sent); the
 * committee's pause of the registry (proposed, approved and executed on the Identity page by dev
 * accounts 10 and 11), which stops anchoring and revocation here but not Verify; and the refusals
 * in words: not connected, a document kind the lab is not accredited for, another issuer's
 * revocation, a rejected transaction.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { crc32 } from "node:zlib";

import { expect } from "chai";
import type { Download, Page, Route } from "playwright-core";
import type { Hex } from "viem";

import { devKey } from "../../scripts/lib/local-chain.ts";
import { consortium, demoCommittee, demoSchemas } from "../../src/demo/consortium.ts";
import {
  anchorFingerprint,
  getSchemaIndex,
  isRegistryPaused,
  registryPauseCalls,
} from "../../src/sdk/fingerprints/actions.ts";
import { parseDataPackage, type DataPackage } from "../../src/sdk/fingerprints/package.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import { committeeDecision, getCommittee } from "../../src/sdk/governance/committee.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";
import { startWebFixture, type WebFixture } from "./fixture.ts";

/** Unique to this file. */
const CHAIN_ID = 31_410;
const LAB = consortium.macaoLab;
const MEMBER_1 = demoCommittee[0]!;
const MEMBER_2 = demoCommittee[1]!;

/** The entries of a stored (uncompressed) ZIP, read from its local headers, each CRC checked. */
function unzipStored(bytes: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8);
    const crc = bytes.readUInt32LE(at + 14);
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const data = bytes.subarray(
      at + 30 + nameLength + extraLength,
      at + 30 + nameLength + extraLength + size,
    );
    expect(method, name).to.equal(0);
    expect(crc32(data), `${name} CRC`).to.equal(crc);
    entries.set(name, data.toString("utf8"));
    at += 30 + nameLength + extraLength + size;
  }
  expect(bytes.readUInt32LE(bytes.length - 22), "end of central directory").to.equal(0x06054b50);
  expect(bytes.readUInt16LE(bytes.length - 12), "entry count").to.equal(entries.size);
  return entries;
}

describe("web app: Issue (Chromium)", function () {
  this.timeout(120_000);

  let fixture: WebFixture;
  let page: Page;
  let documents: string;

  before(async function () {
    fixture = await startWebFixture({ chainId: CHAIN_ID, walletKey: devKey(1) });
    page = fixture.page;
    documents = join(fixture.workDir, "documents");
    await mkdir(join(documents, "batch", "week-48"), { recursive: true });
  });

  after(async function () {
    await fixture.close();
  });

  async function openIssue() {
    await fixture.freshPage("/issue");
    await page.getByRole("heading", { name: "Issue documents" }).waitFor();
  }

  async function connect() {
    await fixture.connectWallet();
    await page.getByTestId("issuer-summary").filter({ hasText: LAB.name }).waitFor();
  }

  /** Clicks, waits for the download it starts, and saves it into `directory`. */
  async function saved(
    download: Promise<Download>,
    directory: string,
    click: () => Promise<unknown>,
  ): Promise<string> {
    await click();
    const file = await download;
    const path = join(directory, file.suggestedFilename());
    await file.saveAs(path);
    return path;
  }

  async function verifyOnVerifyPage(document: string, proof: string): Promise<string> {
    await page.getByRole("link", { name: "Verify" }).click();
    await page.getByLabel("Document", { exact: true }).setInputFiles(document);
    await page.getByLabel("Data package (.proof.json)").setInputFiles(proof);
    await page.getByRole("button", { name: "Verify document" }).click();
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor();
    return (await verdict.getAttribute("data-status")) ?? "";
  }

  it("asks for a wallet before anything can be anchored", async function () {
    await openIssue();
    expect(await page.getByTestId("signer-problem").first().textContent()).to.equal(
      "Connect your wallet first (the Connect wallet button at the top).",
    );
    expect(await page.getByRole("button", { name: "Anchor document" }).count()).to.equal(0);
  });

  it("anchors one document with an expiry; its downloaded package verifies as valid", async function () {
    await openIssue();
    await connect();
    const file = join(documents, "covid-test-mo-0001.txt");
    await writeFile(file, "Macao Public Health Laboratory\nPCR test: negative\nSample 0001\n");
    await page.getByLabel("Documents", { exact: true }).setInputFiles(file);
    expect(await page.getByTestId("chosen-documents").textContent()).to.match(
      /^1 document chosen \(\d+ bytes\)\.$/,
    );
    const kind = page.getByLabel("Document kind");
    expect(await kind.locator("option:checked").textContent()).to.equal(
      "health.test-report@1.0 (accredited)",
    );
    await page.getByLabel("Expires on (optional)").fill("2099-12-31");
    await fixture.screenshots("issue");
    await page.getByRole("button", { name: "Anchor document" }).click();
    const result = await fixture.outcome("anchor-status");
    expect(result).to.match(
      /^done: Anchored covid-test-mo-0001\.txt in block \d+\. Transaction 0x[0-9a-f]{64}\.$/,
    );
    expect(fixture.wallet.calls).to.include("eth_sendTransaction");

    const packageLink = page.getByRole("button", { name: "covid-test-mo-0001.txt.proof.json" });
    const proof = await saved(page.waitForEvent("download"), documents, () => packageLink.click());
    expect(basename(proof)).to.equal("covid-test-mo-0001.txt.proof.json");
    const dataPackage = parseDataPackage(JSON.parse(await readFile(proof, "utf8")), proof);
    expect(dataPackage).to.include({
      chainId: CHAIN_ID,
      issuer: LAB.account.address,
      schemaId: schemaIdOf(demoSchemas[0]!.definition),
      expiresAt: Date.UTC(2099, 11, 31) / 1000,
    });
    expect(dataPackage.anchor.kind).to.equal("single");

    expect(await verifyOnVerifyPage(file, proof)).to.equal("valid");
    expect(await page.getByTestId("verify-details").textContent()).to.contain("2099-12-31 00:00:00 UTC");
  });

  it("anchors a folder as one Merkle batch and downloads every package in one .zip", async function () {
    const folder = join(documents, "batch");
    const names = [
      "week-48/sample-0101.txt",
      "week-48/sample-0102.txt",
      "sample-0103.txt",
      "sample-0104.txt",
    ];
    for (const name of names)
      await writeFile(join(folder, name), `PCR test ${name}: negative\n`.repeat(2000));
    await openIssue();
    await connect();
    // Files chosen first, then the folder: only the folder's selection stays on screen.
    const filesInput = page.getByLabel("Documents", { exact: true });
    await filesInput.setInputFiles(join(documents, "covid-test-mo-0001.txt"));
    await page.getByLabel("Or a folder").setInputFiles(folder);
    expect(await filesInput.evaluate((input: HTMLInputElement) => input.files?.length)).to.equal(0);
    expect(await page.getByTestId("chosen-documents").textContent()).to.match(
      /^4 documents chosen \([\d,]+ bytes\), anchored as one batch\.$/,
    );
    // The progress bar is there while the documents are hashed (gone by the end): watch for it.
    await page.evaluate(() => {
      const seen = window as unknown as { sawProgress?: string };
      new MutationObserver(() => {
        const bar = document.querySelector("progress");
        if (bar) seen.sawProgress = `${bar.labels[0]?.textContent ?? ""} max ${bar.max}`;
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    await page.getByRole("button", { name: "Anchor 4 documents" }).click();
    const result = await fixture.outcome("anchor-status");
    expect(await page.evaluate(() => (window as unknown as { sawProgress?: string }).sawProgress)).to.match(
      /^Hashing max \d+$/,
    );
    expect(result).to.match(
      /^done: Anchored 4 documents as one batch \(root 0x[0-9a-f]{64}\) in block \d+\./,
    );
    // The salts were journalled before sending, under the batch's root, and stay until the person
    // says the packages are saved.
    const root = /root (0x[0-9a-f]{64})/.exec(result)![1]!;
    const journalKey = `crossproof.anchor-journal.${CHAIN_ID}.${LAB.account.address.toLowerCase()}.${root}`;
    const journalled = () => page.evaluate((key) => localStorage.getItem(key), journalKey);
    expect(await journalled()).to.be.a("string");
    await fixture.screenshots("issue-batch");

    const archive = await saved(page.waitForEvent("download"), documents, () =>
      page.getByRole("button", { name: "Download all packages (.zip)" }).click(),
    );
    expect(archive).to.match(/packages-[0-9a-f]{8}\.zip$/);
    const entries = unzipStored(await readFile(archive));
    expect([...entries.keys()].sort()).to.deep.equal(names.map((name) => `batch/${name}.proof.json`).sort());
    // One package at a time: named with its folder path, as in the .zip, so that two documents of
    // one name in two folders never download under the same name.
    for (const name of ["week-48/sample-0102.txt", "sample-0103.txt"]) {
      const single = await saved(page.waitForEvent("download"), fixture.workDir, () =>
        page.getByRole("button", { name: `batch/${name}.proof.json` }).click(),
      );
      expect(basename(single)).to.equal(`batch_${name.replace("/", "_")}.proof.json`);
    }
    // A download may be blocked or its dialog cancelled: the salts stay until the person says so.
    expect(await journalled()).to.be.a("string");
    await page.getByRole("button", { name: "I have saved the packages" }).click();
    expect(await journalled()).to.equal(null);
    await page.getByTestId("packages").waitFor({ state: "detached" });

    const packages = [...entries.values()].map((text) => parseDataPackage(JSON.parse(text), "zip entry"));
    const roots = new Set(packages.map((p) => (p.anchor.kind === "batch" ? p.anchor.root : "single")));
    expect(roots.size).to.equal(1);
    expect(packages.map((p) => (p.anchor.kind === "batch" ? p.anchor.leafCount : 0))).to.deep.equal([
      4, 4, 4, 4,
    ]);

    const leaf = join(folder, "week-48", "sample-0102.txt");
    const leafProof = `${leaf}.proof.json`;
    await writeFile(leafProof, entries.get("batch/week-48/sample-0102.txt.proof.json")!);
    expect(await verifyOnVerifyPage(leaf, leafProof)).to.equal("valid");
  });

  it("revokes a leaf of the batch with a reason and its replacement; Verify then says revoked", async function () {
    const leaf = join(documents, "batch", "week-48", "sample-0102.txt");
    const replacement = `0x${"5e".repeat(32)}`;
    await openIssue();
    await connect();
    await page.getByLabel("Its data package (.proof.json)").setInputFiles(`${leaf}.proof.json`);
    await page.getByLabel("Reason").selectOption("superseded");
    await page.getByLabel("Superseded by (optional fingerprint)").fill(replacement);
    await page.getByRole("button", { name: "Revoke" }).click();
    expect(await fixture.outcome("revoke-status")).to.match(
      /^done: Revoked sample-0102\.txt \(superseded\) in block \d+\. Transaction 0x[0-9a-f]{64}\.$/,
    );
    expect(await verifyOnVerifyPage(leaf, `${leaf}.proof.json`)).to.equal("revoked");
    expect(await page.getByTestId("revoked").textContent())
      .to.contain("(superseded)")
      .and.contain(replacement);
  });

  it("refuses to revoke through a package of another registry, as Verify refuses to check it", async function () {
    const file = join(documents, "covid-test-mo-0001.txt");
    const dataPackage = JSON.parse(await readFile(`${file}.proof.json`, "utf8")) as DataPackage;
    const otherRegistry = `0x${"42".repeat(20)}`;
    const foreign = join(fixture.workDir, "other-registry.txt.proof.json");
    await writeFile(foreign, JSON.stringify({ ...dataPackage, registry: otherRegistry }));
    await openIssue();
    await connect();
    await page.getByLabel("Its data package (.proof.json)").setInputFiles(foreign);
    await page.getByRole("button", { name: "Revoke" }).click();
    expect(await fixture.outcome("revoke-status")).to.equal(
      `failed: Revoking failed: other-registry.txt.proof.json names registry ${otherRegistry}, which is not this chain's Crossproof registry (${fixture.history.manifest.contracts.FingerprintRegistry}); its document cannot be revoked here.`,
    );
    expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
  });

  it("sends a batch leaf's pasted fingerprint to its package, for revocation as for Verify", async function () {
    // A leaf of the batch anchored above (its package saved from the .zip).
    const leafProof = join(documents, "batch", "week-48", "sample-0102.txt.proof.json");
    const { fingerprint } = JSON.parse(await readFile(leafProof, "utf8")) as DataPackage;
    await openIssue();
    await connect();
    const field = page.getByLabel("Or its fingerprint (a document anchored alone)");
    await field.fill(fingerprint);
    await page.getByRole("button", { name: "Revoke" }).click();
    expect(await fixture.outcome("revoke-status")).to.equal(
      `failed: Revoking failed: No document was anchored alone with fingerprint ${fingerprint} on this chain. A document anchored in a batch has no record of its own: revoke it through its data package (.proof.json).`,
    );
    expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
  });

  it("says in words that the lab is not accredited for another document kind, and keeps no journal", async function () {
    const file = join(documents, "not-a-medical-record.txt");
    await writeFile(file, "not a medical record\n");
    await openIssue();
    await connect();
    // A folder chosen first, then a file: only the file's selection stays on screen.
    const folderInput = page.getByLabel("Or a folder");
    await folderInput.setInputFiles(join(documents, "batch"));
    await page.getByLabel("Documents", { exact: true }).setInputFiles(file);
    expect(await folderInput.evaluate((input: HTMLInputElement) => input.files?.length)).to.equal(0);
    await page.getByLabel("Document kind").selectOption({ label: "medical.record@1.0" });
    await page.getByRole("button", { name: "Anchor document" }).click();
    const result = await fixture.outcome("anchor-status");
    const medicalRecordIndex = await getSchemaIndex(fixture.history.publicClient, {
      schemaRegistry: fixture.history.manifest.contracts.SchemaRegistry as Hex,
      schemaId: schemaIdOf(demoSchemas[1]!.definition),
    });
    expect(result).to.equal(
      `failed: Anchoring 1 document failed: The contract refused: The caller is not accredited for the schema with this compact index: the consortium committee grants issuers their document kinds (issuer ${LAB.account.address}, schema index ${medicalRecordIndex}).`,
    );
    // Refused in the simulation: nothing was sent to the wallet, so there is nothing to recover.
    expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
    await expectNoJournal();
  });

  it("keeps no journal when the chain cannot be reached before the wallet is asked", async function () {
    const file = join(documents, "chain-unreachable.txt");
    await writeFile(file, "the chain stops answering before the wallet is asked\n");
    await openIssue();
    await connect();
    // The registry answers the page's check, then the gas estimate fails as with a node gone away.
    const node = new URL(fixture.history.chain.rpcUrl).origin;
    await page.route(
      (url) => url.origin === node,
      async (route: Route) => {
        const body = route.request().postDataJSON() as { method?: string } | null;
        if (body?.method === "eth_estimateGas") await route.abort("connectionfailed");
        else await route.continue();
      },
    );
    try {
      await page.getByLabel("Documents", { exact: true }).setInputFiles(file);
      await page.getByRole("button", { name: "Anchor document" }).click();
      expect(await fixture.outcome("anchor-status")).to.match(
        /^failed: Anchoring 1 document failed: The chain did not answer \(anchor\)/,
      );
    } finally {
      await page.unrouteAll();
    }
    expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
    await expectNoJournal();
  });

  /** After a reload, no anchoring is offered for recovery, and no journal is stored. */
  async function expectNoJournal() {
    await page.reload();
    await page.getByTestId("issuer-summary").filter({ hasText: LAB.name }).waitFor();
    expect(await page.getByTestId("pending-journal").count()).to.equal(0);
    const journals = await page.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith("crossproof.anchor-journal.")),
    );
    expect(journals).to.deep.equal([]);
  }

  it("refuses another issuer's revocation with the contract's reason", async function () {
    const file = join(documents, "covid-test-mo-0001.txt");
    await openIssue();
    await fixture.wallet.switchAccount(devKey(2)); // the Hong Kong hospital
    await fixture.connectWallet();
    await page.getByLabel("Its data package (.proof.json)").setInputFiles(`${file}.proof.json`);
    await page.getByRole("button", { name: "Revoke" }).click();
    const result = await fixture.outcome("revoke-status");
    expect(result)
      .to.match(
        /^failed: Revoking failed: The contract refused: Only the issuer that anchored a record may change it/,
      )
      .and.contain(consortium.hongKongHospital.account.address);
  });

  it("shows a rejected transaction as one sentence, and keeps its salts until told to forget them", async function () {
    const file = join(documents, "rejected.txt");
    await writeFile(file, "the user will decline this one\n");
    await openIssue();
    await connect();
    fixture.wallet.rejecting.add("eth_sendTransaction");
    await page.getByLabel("Documents", { exact: true }).setInputFiles(file);
    await page.getByRole("button", { name: "Anchor document" }).click();
    expect(await fixture.outcome("anchor-status")).to.equal(
      "failed: Anchoring 1 document failed: You declined the request in your wallet.",
    );
    // Back later: the page finds the journal and looks on chain. Nothing there may only mean "not
    // mined yet", so the salts stay until the person forgets them, after a confirmation.
    fixture.wallet.rejecting.clear();
    await page.reload();
    const pending = page.getByTestId("pending-journal");
    await pending.waitFor();
    expect(await pending.textContent()).to.contain("An anchoring of 1 document(s)");
    await pending.getByRole("button", { name: "Recover its packages" }).click();
    expect(await fixture.outcome("anchor-status")).to.match(
      /^done: No anchor of these 1 document\(s\) is on the chain yet\. If the transaction may still be pending, recover again later/,
    );
    expect(await pending.count()).to.equal(1);
    await pending.getByRole("button", { name: "Forget it" }).click();
    expect(await pending.textContent()).to.contain("Forget the salts of these 1 document(s) for good?");
    await pending.getByRole("button", { name: "Keep it" }).click();
    await pending.getByRole("button", { name: "Forget it" }).click();
    await pending.getByRole("button", { name: "Forget for good" }).click();
    await pending.waitFor({ state: "detached" });
    await page.reload();
    await page.getByTestId("issuer-summary").waitFor();
    expect(await page.getByTestId("pending-journal").count()).to.equal(0);
  });

  it("never lets a new anchoring overwrite the salts of one whose packages were not saved", async function () {
    await openIssue();
    await connect();
    const anchorOne = async (name: string) => {
      const file = join(documents, name);
      await writeFile(file, `${name}\n`);
      await page.getByLabel("Documents", { exact: true }).setInputFiles(file);
      await page.getByRole("button", { name: "Anchor document" }).click();
      expect(await fixture.outcome("anchor-status")).to.match(/^done: Anchored /);
    };
    await anchorOne("first-unsaved.txt");
    await anchorOne("second-unsaved.txt");
    // The first one's packages are offered again; the second is on screen.
    const pending = page.getByTestId("pending-journal");
    expect(await pending.count()).to.equal(1);
    await pending.getByRole("button", { name: "Recover its packages" }).click();
    expect(await fixture.outcome("anchor-status")).to.match(
      /^done: The earlier anchoring landed in block \d+/,
    );
    await page.getByRole("button", { name: "first-unsaved.txt.proof.json" }).waitFor();
    await page.reload();
    await page.getByTestId("issuer-summary").waitFor();
    expect(await page.getByTestId("pending-journal").count()).to.equal(2);
  });

  it("recovers the packages of an anchoring whose tab closed after sending", async function () {
    // What a closed tab leaves behind: the journal written before sending, and the transaction,
    // which landed (sent here from Node as the lab).
    const file = join(documents, "closed-tab.txt");
    const bytes = Buffer.from("anchored, but the tab closed before the package was saved\n");
    await writeFile(file, bytes);
    const salt = randomSalt();
    const fingerprint = computeFingerprint({ documentHash: hashDocument(bytes), salt });
    const registry = fixture.history.manifest.contracts.FingerprintRegistry as Hex;
    const schemaId = schemaIdOf(demoSchemas[0]!.definition);
    const journal = {
      version: 1,
      chainId: CHAIN_ID,
      registry,
      issuer: LAB.account.address,
      schemaId,
      expiresAt: 0,
      items: [{ name: "closed-tab.txt", salt, fingerprint }],
      startedAt: new Date().toISOString(),
    };
    const schemaIndex = await getSchemaIndex(fixture.history.publicClient, {
      schemaRegistry: fixture.history.manifest.contracts.SchemaRegistry as Hex,
      schemaId,
    });
    const { transactionHash } = await anchorFingerprint(fixture.history.wallet(LAB), {
      fingerprintRegistry: registry,
      fingerprint,
      schemaIndex,
    });
    await openIssue();
    await page.evaluate(
      ([key, value]) => {
        localStorage.setItem(key!, value!);
      },
      [
        `crossproof.anchor-journal.${CHAIN_ID}.${LAB.account.address.toLowerCase()}.${fingerprint}`,
        JSON.stringify(journal),
      ],
    );
    await page.reload();
    await connect();
    await page.getByTestId("pending-journal").getByRole("button", { name: "Recover its packages" }).click();
    expect(await fixture.outcome("anchor-status")).to.equal(
      `done: The earlier anchoring landed in block ${(await fixture.history.publicClient.getTransactionReceipt({ hash: transactionHash })).blockNumber}: its packages are below. Transaction ${transactionHash}.`,
    );
    const proof = await saved(page.waitForEvent("download"), documents, () =>
      page.getByRole("button", { name: "closed-tab.txt.proof.json" }).click(),
    );
    const recovered: DataPackage = parseDataPackage(JSON.parse(await readFile(proof, "utf8")), proof);
    expect(recovered.anchor).to.deep.include({ kind: "single", transactionHash });
    expect(await verifyOnVerifyPage(file, proof)).to.equal("valid");
  });

  /**
   * On the Identity page: member 1 proposes `change` (approving it as well), member 2 approves
   * and executes it. Resolves once the page shows the registry's new state.
   */
  async function committeeDecides(change: string, description: string, paused: boolean) {
    await fixture.goTo("Identity", "Identity and governance");
    await fixture.switchTo(devKey(10));
    await page.getByTestId("committee").filter({ hasText: "Your account is a member." }).waitFor();
    await page.locator(`[data-testid="registry-state"][data-paused="${!paused}"]`).waitFor();
    const { nonce } = await getCommittee(fixture.history.publicClient, {
      committee: fixture.history.manifest.contracts.Committee as Hex,
    });
    await page.getByLabel("Change", { exact: true }).selectOption({ label: change });
    expect(await page.getByTestId("proposal-preview").textContent()).to.equal(
      `This proposes: ${description}.`,
    );
    await page.getByRole("button", { name: "Propose", exact: true }).click();
    expect(await fixture.outcome("proposal-action"))
      .to.match(new RegExp(`^done: Proposed #${nonce}: `))
      .and.contain(`: ${description}, with your approval. Transaction 0x`);
    await fixture.switchTo(devKey(11));
    await page.getByRole("button", { name: `Approve proposal #${nonce}` }).click();
    expect(await fixture.outcome("proposal-action")).to.match(
      new RegExp(`^done: Approved proposal #${nonce}\\.`),
    );
    await page.getByRole("button", { name: `Execute proposal #${nonce}` }).click();
    expect(await fixture.outcome("proposal-action")).to.match(
      new RegExp(`^done: Executed proposal #${nonce}: .+\\. Transaction 0x[0-9a-f]{64}\\.$`),
    );
    // The page reads the registry again after the execution.
    await page.locator(`[data-testid="registry-state"][data-paused="${paused}"]`).waitFor();
  }

  const fingerprintRegistry = () => fixture.history.manifest.contracts.FingerprintRegistry as Hex;

  /** Unpauses the registry from Node if a test left it paused, so that the others find it running. */
  async function unpauseIfPaused() {
    const { history } = fixture;
    if (await isRegistryPaused(history.publicClient, { fingerprintRegistry: fingerprintRegistry() }))
      await committeeDecision({
        committee: history.manifest.contracts.Committee as Hex,
        committeeProposals: history.manifest.contracts.CommitteeProposals as Hex,
        ...registryPauseCalls.unpause(fingerprintRegistry()),
        description: "Unpause the fingerprint registry (test clean-up)",
        members: [history.wallet(MEMBER_1), history.wallet(MEMBER_2)],
      });
  }

  it("disables anchoring and revocation with a notice, keeps Verify working, and anchors again once unpaused", async function () {
    this.timeout(240_000);
    try {
      const earlier = join(documents, "before-the-pause.txt");
      await writeFile(
        earlier,
        "Macao Public Health Laboratory\nanchored before the committee paused the registry\n",
      );
      await openIssue();
      await connect();
      await page.getByLabel("Documents", { exact: true }).setInputFiles(earlier);
      await page.getByRole("button", { name: "Anchor document" }).click();
      expect(await fixture.outcome("anchor-status")).to.match(
        /^done: Anchored before-the-pause\.txt in block \d+\./,
      );
      const proof = await saved(page.waitForEvent("download"), documents, () =>
        page.getByRole("button", { name: "before-the-pause.txt.proof.json" }).click(),
      );
      await page.getByRole("button", { name: "I have saved the packages" }).click();
      expect(await page.getByTestId("registry-paused").count()).to.equal(0);

      await committeeDecides(
        "Pause the fingerprint registry",
        "Pause the fingerprint registry: no anchoring, revocation or reinstatement until it is unpaused; verification still works",
        true,
      );
      expect(await page.getByTestId("registry-state").textContent()).to.equal(
        "The fingerprint registry is paused by the consortium committee: no anchoring, revocation or reinstatement until it is unpaused; verification still works.",
      );
      await fixture.screenshots("identity-registry-paused");
      // Now the committee can only unpause it.
      expect(
        await page.getByLabel("Change", { exact: true }).locator("option").allTextContents(),
      ).to.deep.equal([
        "Recognise an applicant",
        "Grant a document kind",
        "Unpause the fingerprint registry",
      ]);
      expect(
        await isRegistryPaused(fixture.history.publicClient, { fingerprintRegistry: fingerprintRegistry() }),
      ).to.be.true;

      // The lab opens the Issue page: told before it hashes anything, and its actions are disabled.
      await fixture.switchTo(devKey(1));
      await fixture.goTo("Issue", "Issue documents");
      await page.getByTestId("issuer-summary").filter({ hasText: LAB.name }).waitFor();
      const notice = page.getByTestId("registry-paused");
      expect(await notice.textContent()).to.equal(
        "The fingerprint registry is paused by the consortium committee: no anchoring, revocation or reinstatement until it is unpaused; verification still works.",
      );
      const during = join(documents, "during-the-pause.txt");
      await writeFile(during, "not anchored while the registry is paused\n");
      await page.getByLabel("Documents", { exact: true }).setInputFiles(during);
      const anchorButton = page.getByRole("button", { name: "Anchor document" });
      expect(await anchorButton.isDisabled()).to.be.true;
      expect(await anchorButton.getAttribute("aria-describedby")).to.equal(await notice.getAttribute("id"));
      await page.getByLabel("Its data package (.proof.json)").setInputFiles(proof);
      expect(await page.getByRole("button", { name: "Revoke" }).isDisabled()).to.be.true;
      expect(await page.getByTestId("registry-paused-hint").allTextContents()).to.deep.equal([
        "Anchoring is stopped while the fingerprint registry is paused.",
        "Revocation is stopped while the fingerprint registry is paused.",
      ]);
      await fixture.screenshots("issue-paused");
      // The notice stays after a reload.
      await page.reload();
      await page.getByTestId("issuer-summary").filter({ hasText: LAB.name }).waitFor();
      await notice.waitFor();
      // The credit agency is told too on the Orders page, where it anchors its reports.
      await fixture.switchTo(devKey(7));
      await fixture.goTo("Orders", "Credit orders");
      await page.locator(`[data-testid="orders-role"][data-role="agency"]`).waitFor();
      expect(await notice.textContent()).to.equal(
        "The fingerprint registry is paused by the consortium committee: no anchoring, revocation or reinstatement until it is unpaused; verification still works.",
      );

      // Verification is not affected.
      expect(await verifyOnVerifyPage(earlier, proof)).to.equal("valid");

      await committeeDecides(
        "Unpause the fingerprint registry",
        "Unpause the fingerprint registry: anchoring, revocation and reinstatement resume",
        false,
      );
      expect(await page.getByTestId("registry-state").textContent()).to.match(
        /^The fingerprint registry is running: issuers anchor, revoke and reinstate\./,
      );

      await fixture.switchTo(devKey(1));
      await fixture.goTo("Issue", "Issue documents");
      await page.getByTestId("issuer-summary").filter({ hasText: LAB.name }).waitFor();
      await page.getByLabel("Documents", { exact: true }).setInputFiles(during);
      await page.getByRole("button", { name: "Anchor document" }).click();
      expect(await fixture.outcome("anchor-status")).to.match(
        /^done: Anchored during-the-pause\.txt in block \d+\./,
      );
      expect(await page.getByTestId("registry-paused").count()).to.equal(0);
    } finally {
      await unpauseIfPaused();
    }
  });

  it("logged no errors in the page and no failed requests", function () {
    expect(fixture.pageErrors).to.deep.equal([]);
    expect(fixture.failedRequests).to.deep.equal([]);
  });
});
