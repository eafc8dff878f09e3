/**
 * The Identity and governance page in Chromium with the injected test wallet: an institution's DID
 * resolved (its service, its key, the raw JSON downloaded), bad input named; a new account (dev
 * account 13) adds a service, a key and a delegate to its own DID and applies for recognition; the
 * committee (dev accounts 10 and 11 of the 2-of-3 Safe) proposes, approves and executes its
 * recognition and a document kind for it; and the refusals in words: a non-member's proposal and
 * approval (NotCommitteeMember), a rejected transaction.
 */
import { readFile } from "node:fs/promises";

import { expect } from "chai";
import type { Page } from "playwright-core";
import { getAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { devKey } from "../../scripts/lib/local-chain.ts";
import { consortium } from "../../src/demo/consortium.ts";
import { identityScenario } from "../../src/demo/scenarios.ts";
import { getCommittee } from "../../src/sdk/governance/committee.ts";
import { setDidAttribute } from "../../src/sdk/identity/actions.ts";
import { publicKeyAttribute, serviceAttribute } from "../../src/sdk/identity/attributes.ts";
import { didOf } from "../../src/sdk/identity/did.ts";
import type { HistoryChain } from "../audit/history.ts";
import { startWebFixture, type WebFixture } from "./fixture.ts";

/** Unique to this file. */
const CHAIN_ID = 31_412;
const NETWORK = `0x${CHAIN_ID.toString(16)}`;
const LAB = consortium.macaoLab;
const LAB_ENDPOINT = "https://lab.health.gov.mo.example/crossproof";
/** A new institution: dev account 13 (anvil funds the first 20), neither a member nor an issuer. */
const APPLICANT_KEY = devKey(13);
const APPLICANT = privateKeyToAccount(APPLICANT_KEY).address;
const APPLICANT_NAME = "Shenzhen Bay Laboratory";
const MEMBER_1_KEY = devKey(10);
const MEMBER_2_KEY = devKey(11);
const DELEGATE = privateKeyToAccount(devKey(14));

describe("web app: Identity and governance (Chromium)", function () {
  this.timeout(120_000);

  let fixture: WebFixture;
  let history: HistoryChain;
  let page: Page;

  before(async function () {
    fixture = await startWebFixture({
      chainId: CHAIN_ID,
      walletKey: APPLICANT_KEY,
      async prepare(chain) {
        await identityScenario(chain.context);
        // The lab publishes where it is reached and a signing key on its DID.
        const lab = chain.wallet(LAB);
        const didRegistry = chain.manifest.contracts.DIDRegistry as Hex;
        const identity = LAB.account.address;
        const validity = 365n * 86_400n;
        await setDidAttribute(lab, {
          didRegistry,
          identity,
          validity,
          ...serviceAttribute({ type: "LinkedDomains", endpoint: LAB_ENDPOINT }),
        });
        await setDidAttribute(lab, {
          didRegistry,
          identity,
          validity,
          ...publicKeyAttribute({
            algorithm: "Ed25519",
            purpose: "veriKey",
            encoding: "base58",
            publicKey: `0x${"5a".repeat(32)}`,
          }),
        });
      },
    });
    ({ history, page } = fixture);
  });

  after(async function () {
    await fixture.close();
  });

  async function openIdentity() {
    await fixture.freshPage("/identity");
    await page.getByRole("heading", { name: "Identity and governance" }).waitFor();
    await page.getByTestId("issuer-count").waitFor();
  }

  async function resolve(value: string): Promise<string> {
    await page.getByLabel("DID or address").fill(value);
    await page.getByRole("button", { name: "Resolve", exact: true }).click();
    const done = page.locator('[data-testid="did-resolved"], [data-testid="did-error"]');
    await done.waitFor();
    return (await done.textContent()) ?? "";
  }

  const rowText = async (testId: string, hasText: string) =>
    (await page.getByTestId(testId).locator("tbody tr").filter({ hasText }).textContent()) ?? "";

  const issuerRow = (account: string) =>
    page.getByTestId("issuers").locator(`tbody tr[data-account="${account.toLowerCase()}"]`);

  const proposalRow = (description: string) =>
    page
      .getByTestId("proposals")
      .locator("tbody tr")
      .filter({ has: page.getByTestId("proposal-description").getByText(description, { exact: true }) });

  describe("DIDs", function () {
    it("resolves an institution's DID: its owner, service and key, and the raw JSON to download", async function () {
      await openIdentity();
      const did = didOf({ chainId: CHAIN_ID, address: LAB.account.address });
      expect(await resolve(did)).to.equal(`Resolved ${did}.`);
      expect(await page.getByTestId("did-owner").textContent()).to.equal(LAB.account.address);
      expect(await page.getByTestId("did-deactivated").textContent()).to.equal("no");
      expect(await page.getByTestId("did-version").textContent()).to.match(
        /^block \d+, updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/,
      );
      expect(await rowText("did-services", LAB_ENDPOINT)).to.contain("LinkedDomains");
      const key = await rowText("did-keys", "Ed25519VerificationKey2018");
      expect(key).to.contain("signing (assertion)");
      const controller = await rowText("did-keys", "#controller");
      expect(controller).to.contain(`eip155:${CHAIN_ID}:${LAB.account.address}`);
      expect(controller).to.contain("authentication");

      await page.getByText("Raw DID document (JSON)").click();
      expect(await page.getByTestId("did-json").textContent()).to.contain(LAB_ENDPOINT);
      const download = page.waitForEvent("download");
      await page.getByRole("link", { name: "Download JSON" }).click();
      const file = await download;
      expect(file.suggestedFilename()).to.equal(`${LAB.account.address.toLowerCase()}.did.json`);
      const path = await file.path();
      const document = JSON.parse(await readFile(path, "utf8")) as { id: string; service: unknown[] };
      expect(document.id).to.equal(did);
      expect(JSON.stringify(document.service)).to.contain(LAB_ENDPOINT);
      await fixture.screenshots("identity-did");
    });

    it("resolves a DID from the issuer table, and a bare address", async function () {
      await openIdentity();
      const hospital = consortium.hongKongHospital.account.address;
      const did = didOf({ chainId: CHAIN_ID, address: hospital });
      await issuerRow(hospital)
        .getByRole("button", { name: `Resolve ${did}` })
        .click();
      await page.getByTestId("did-resolved").filter({ hasText: did }).waitFor();
      expect(await page.getByLabel("DID or address").inputValue()).to.equal(did);
      expect(await page.getByTestId("did-owner").textContent()).to.equal(hospital);

      // An address that never changed its DID still has one: the default document.
      const fresh = didOf({ chainId: CHAIN_ID, address: getAddress(DELEGATE.address) });
      expect(await resolve(DELEGATE.address)).to.equal(`Resolved ${fresh}.`);
      expect(await page.getByTestId("did-version").textContent()).to.equal(
        "never changed (the default document every address has)",
      );
      expect(await rowText("did-services", "")).to.equal("This DID lists no services.");
    });

    it("names what is wrong with a DID it cannot resolve", async function () {
      await openIdentity();
      expect(await resolve("")).to.equal(
        `Enter the DID: a DID (did:ethr:${NETWORK}:0x…) or an account address.`,
      );
      expect(await resolve("Macao lab")).to.equal(
        `"Macao lab" is neither a DID (did:ethr:${NETWORK}:0x…) nor an address (0x and 40 hexadecimal digits).`,
      );
      expect(await resolve("0x1234")).to.equal(
        `"0x1234" is not an address: an address is 0x and 40 hexadecimal digits.`,
      );
      const other = `did:ethr:0x1:${LAB.account.address.toLowerCase()}`;
      expect(await resolve(other)).to.equal(
        `${other} is a DID of chain 1 (0x1); this app works with chain ${CHAIN_ID}, whose DIDs start did:ethr:${NETWORK}:.`,
      );
      expect(await resolve(`did:web:${LAB.account.address}`)).to.contain(
        'uses the "web" DID method; Crossproof DIDs are did:ethr',
      );
    });

    it("lets the connected account add a service, a key and a delegate to its own DID", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await page.getByRole("button", { name: "My DID" }).click();
      const did = didOf({ chainId: CHAIN_ID, address: APPLICANT });
      await page.getByTestId("did-resolved").filter({ hasText: did }).waitFor();
      const manage = page.getByTestId("did-manage");
      await manage.waitFor();

      const service = page.getByRole("form", { name: "Add a service" });
      await service.getByLabel("Service type").fill("DIDCommMessaging");
      await service.getByLabel("Endpoint (URL)").fill("inbox at the lab");
      await service.getByRole("button", { name: "Add service" }).click();
      expect(await fixture.outcome("did-action")).to.equal(
        'failed: Adding a service failed: The service endpoint "inbox at the lab" is not an absolute URI (e.g. https://issuer.example/inbox).',
      );
      await service.getByLabel("Endpoint (URL)").fill("https://shenzhen-bay-lab.example/inbox");
      await service.getByLabel("Valid for (days)").fill("30");
      await service.getByRole("button", { name: "Add service" }).click();
      expect(await fixture.outcome("did-action")).to.match(
        /^done: Added the DIDCommMessaging service https:\/\/shenzhen-bay-lab\.example\/inbox to the DID, valid for 30 days\. Transaction 0x[0-9a-f]{64}\.$/,
      );
      // The document is resolved again and shows it.
      await page
        .getByTestId("did-services")
        .locator("tbody tr")
        .filter({ hasText: "https://shenzhen-bay-lab.example/inbox" })
        .waitFor();
      expect(await rowText("did-services", "shenzhen-bay-lab")).to.contain("DIDCommMessaging");

      const key = page.getByRole("form", { name: "Add a public key" });
      await key.getByLabel("Public key (hex)").fill("0x1234");
      await key.getByRole("button", { name: "Add public key" }).click();
      expect(await fixture.outcome("did-action")).to.equal(
        "failed: Adding a public key failed: A Secp256k1 public key is 33 or 65 bytes; this one is 2.",
      );
      await key.getByLabel("Purpose").selectOption("sigAuth");
      await key.getByLabel("Public key (hex)").fill(DELEGATE.publicKey);
      await key.getByRole("button", { name: "Add public key" }).click();
      expect(await fixture.outcome("did-action")).to.match(
        /^done: Added a Secp256k1 key for signing and authentication to the DID, valid for 365 days\. Transaction/,
      );
      await page
        .getByTestId("did-keys")
        .locator("tbody tr")
        .filter({ hasText: DELEGATE.publicKey.slice(2) })
        .waitFor();
      expect(await rowText("did-keys", DELEGATE.publicKey.slice(2))).to.contain(
        "authentication, signing (assertion)",
      );

      const delegate = page.getByRole("form", { name: "Add a delegate" });
      await delegate.getByLabel("Delegate address").fill(DELEGATE.address);
      await delegate.getByRole("button", { name: "Add delegate" }).click();
      expect(await fixture.outcome("did-action")).to.match(
        new RegExp(`^done: Added ${DELEGATE.address} as a veriKey delegate of the DID, valid for 30 days\\.`),
      );
      await page
        .getByTestId("did-keys")
        .locator("tbody tr")
        .filter({ hasText: `eip155:${CHAIN_ID}:${DELEGATE.address}` })
        .waitFor();
      await fixture.screenshots("identity-did-manage");
    });

    it("says when the user declines the transaction in the wallet", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await page.getByRole("button", { name: "My DID" }).click();
      const service = page.getByRole("form", { name: "Add a service" });
      await service.getByLabel("Endpoint (URL)").fill("https://shenzhen-bay-lab.example/declined");
      fixture.wallet.rejecting.add("eth_sendTransaction");
      try {
        await service.getByRole("button", { name: "Add service" }).click();
        expect(await fixture.outcome("did-action")).to.equal(
          "failed: Adding a service failed: You declined the request in your wallet.",
        );
      } finally {
        fixture.wallet.rejecting.clear();
      }
    });

    it("offers changes only to the DID's owner", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await resolve(LAB.account.address);
      expect(await page.getByTestId("did-manage").count()).to.equal(0);
      expect(await page.getByTestId("did-not-owner").textContent()).to.equal(
        `Only this DID's owner (${LAB.account.address}) can change it; your account is ${APPLICANT}.`,
      );
    });
  });

  describe("issuers and the committee", function () {
    it("lists the seeded issuers with their schemas, filtered by type and status", async function () {
      await openIdentity();
      expect(await page.getByTestId("issuer-count").textContent()).to.equal("8 issuers.");
      const lab = await issuerRow(LAB.account.address).textContent();
      expect(lab).to.contain(LAB.name).and.contain("laboratory").and.contain("MO");
      expect(lab).to.contain("recognized").and.contain("health.test-report@1.0");
      expect(lab).to.contain(didOf({ chainId: CHAIN_ID, address: LAB.account.address }));
      await page.getByLabel("Type", { exact: true }).selectOption("hospital");
      expect(await page.getByTestId("issuer-count").textContent()).to.equal("2 of 8 issuers match.");
      await page.getByLabel("Status", { exact: true }).selectOption("applied");
      expect(await page.getByTestId("issuer-count").textContent()).to.equal("0 of 8 issuers match.");
      expect(await page.getByTestId("issuers").count()).to.equal(0);
    });

    it("describes the seed's proposals by what they do", async function () {
      await openIdentity();
      const lab = `Macao Public Health Laboratory (${LAB.account.address})`;
      for (const description of [
        "Register schema health.test-report@1.0",
        `Recognise ${lab}`,
        `Grant health.test-report@1.0 to ${lab}`,
      ]) {
        const row = proposalRow(description);
        expect(await row.getAttribute("data-status"), description).to.equal("executed");
        expect(await row.getByTestId("proposal-approvals").textContent()).to.match(
          /^threshold met when executed \(recorded: 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\)$/,
        );
      }
    });

    it("takes an application for recognition; the page then shows the status applied", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await page.getByTestId("my-issuer-status").filter({ hasText: "has not applied" }).waitFor();
      const form = page.getByRole("form", { name: "Apply for recognition" });
      await form.getByLabel("Kind of institution").selectOption("laboratory");
      await form.getByLabel("Name").fill(APPLICANT_NAME);
      await form.getByLabel("Jurisdiction (ISO 3166)").fill("Guangdong");
      await form.getByRole("button", { name: "Apply for recognition" }).click();
      expect(await fixture.outcome("apply-action")).to.equal(
        "failed: Applying for recognition failed: The jurisdiction must be an ISO 3166 code such as HK, MO or CN-GD.",
      );
      await form.getByLabel("Jurisdiction (ISO 3166)").fill("cn-gd");
      await form.getByRole("button", { name: "Apply for recognition" }).click();
      expect(await fixture.outcome("apply-action")).to.match(
        new RegExp(
          `^done: ${APPLICANT_NAME} applied as laboratory \\(CN-GD\\); a committee member now proposes its recognition\\. Transaction 0x[0-9a-f]{64}\\.$`,
        ),
      );

      expect(await page.getByTestId("my-issuer-status").textContent()).to.equal(
        `Your account is applied as ${APPLICANT_NAME} (laboratory, CN-GD); the committee decides on its recognition.`,
      );
      expect(await issuerRow(APPLICANT).getByTestId("issuer-status").textContent()).to.match(
        /^applied since /,
      );
      expect(await page.getByRole("form", { name: "Apply for recognition" }).count()).to.equal(0);
    });

    it("recognises the applicant: member 1 proposes, a non-member is refused, member 2 approves and executes", async function () {
      await openIdentity();
      await fixture.connectWallet();
      const committee = history.manifest.contracts.Committee as Hex;
      const { nonce } = await getCommittee(history.publicClient, { committee });
      const recognise = `Recognise ${APPLICANT_NAME} (${APPLICANT})`;

      // The applicant, not a member, tries to propose its own recognition.
      await page.getByTestId("committee").filter({ hasText: "Your account is not a member" }).waitFor();
      expect(await page.getByTestId("proposal-preview").textContent()).to.equal(
        `This proposes: ${recognise}.`,
      );
      await page.getByRole("button", { name: "Propose", exact: true }).click();
      expect(await fixture.outcome("proposal-action")).to.equal(
        `failed: Proposing failed: The contract refused: ${APPLICANT} is not an owner of ${getAddress(committee)}.`,
      );

      await fixture.switchTo(MEMBER_1_KEY);
      await page.getByTestId("committee").filter({ hasText: "Your account is a member." }).waitFor();
      await page
        .getByLabel("Applicant")
        .selectOption({ label: `${APPLICANT_NAME} (${APPLICANT.slice(0, 6)}…${APPLICANT.slice(-4)})` });
      await page.getByRole("button", { name: "Propose", exact: true }).click();
      expect(await fixture.outcome("proposal-action")).to.match(
        new RegExp(
          `^done: Proposed #${nonce}: ${escape(recognise)}, with your approval\\. Transaction 0x[0-9a-f]{64}\\.$`,
        ),
      );
      const row = proposalRow(recognise);
      await row.waitFor();
      expect(await row.getByTestId("proposal-approvals").textContent()).to.match(/^1 of 2/);
      expect(await row.getByTestId("proposal-status").textContent()).to.equal("waiting for approvals");

      // A non-member's approval: the Safe refuses it, and the page says why.
      await fixture.switchTo(APPLICANT_KEY);
      await row.getByRole("button", { name: `Approve proposal #${nonce}` }).click();
      expect(await fixture.outcome("proposal-action")).to.equal(
        `failed: Approving proposal #${nonce} failed: The contract refused: ${APPLICANT} is not an owner of ${getAddress(committee)}.`,
      );

      await fixture.switchTo(MEMBER_2_KEY);
      await row.getByRole("button", { name: `Approve proposal #${nonce}` }).click();
      expect(await fixture.outcome("proposal-action")).to.match(
        new RegExp(`^done: Approved proposal #${nonce}\\.`),
      );
      await row.getByTestId("proposal-approvals").filter({ hasText: "2 of 2" }).waitFor();
      expect(await row.getByTestId("proposal-status").textContent()).to.equal("ready to execute");
      await fixture.screenshots("identity-proposal-ready");
      await row.getByRole("button", { name: `Execute proposal #${nonce}` }).click();
      expect(await fixture.outcome("proposal-action")).to.match(
        new RegExp(
          `^done: Executed proposal #${nonce}: ${escape(recognise)}\\. Transaction 0x[0-9a-f]{64}\\.$`,
        ),
      );
      await issuerRow(APPLICANT).getByTestId("issuer-status").filter({ hasText: "recognized" }).waitFor();
      expect(await row.getAttribute("data-status")).to.equal("executed");
      expect(await row.getByTestId("proposal-status").textContent()).to.equal("executed");
    });

    it("grants the new issuer a document kind through the committee", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await fixture.switchTo(MEMBER_2_KEY);
      const committee = history.manifest.contracts.Committee as Hex;
      const { nonce } = await getCommittee(history.publicClient, { committee });
      const grant = `Grant medical.record@1.0 to ${APPLICANT_NAME} (${APPLICANT})`;
      await page.getByLabel("Change", { exact: true }).selectOption("grant");
      await page
        .getByLabel("Issuer", { exact: true })
        .selectOption({ label: `${APPLICANT_NAME} (${APPLICANT.slice(0, 6)}…${APPLICANT.slice(-4)})` });
      await page.getByLabel("Document kind").selectOption({ label: "medical.record@1.0" });
      expect(await page.getByTestId("proposal-preview").textContent()).to.equal(`This proposes: ${grant}.`);
      await page.getByLabel("Approve it as well (a second transaction in your wallet)").uncheck();
      await page.getByRole("button", { name: "Propose", exact: true }).click();
      expect(await fixture.outcome("proposal-action")).to.match(
        new RegExp(`^done: Proposed #${nonce}: ${escape(grant)}\\. Transaction`),
      );
      const row = proposalRow(grant);
      expect(await row.getByTestId("proposal-approvals").textContent()).to.equal("0 of 2");

      // Member 1 approves; member 2's own approval counts when it executes.
      await fixture.switchTo(MEMBER_1_KEY);
      await row.getByRole("button", { name: `Approve proposal #${nonce}` }).click();
      expect(await fixture.outcome("proposal-action")).to.match(/^done: Approved/);
      await fixture.switchTo(MEMBER_2_KEY);
      await row.getByRole("button", { name: `Execute proposal #${nonce}` }).click();
      expect(await fixture.outcome("proposal-action")).to.match(/^done: Executed/);
      await issuerRow(APPLICANT).filter({ hasText: "medical.record@1.0" }).waitFor();
      await fixture.screenshots("identity-governance");
    });
  });

  describe("the page as a whole", function () {
    it("labels every field and fits a 375 px phone", async function () {
      await openIdentity();
      await fixture.connectWallet();
      await fixture.switchTo(MEMBER_1_KEY);
      await page.getByRole("button", { name: "My DID" }).click();
      await page.getByTestId("did-manage").waitFor();
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>("main input, main select"))
          .filter((element) => (element.labels?.length ?? 0) === 0)
          .map((element) => element.outerHTML),
      );
      expect(unlabelled).to.deep.equal([]);
      await page.setViewportSize({ width: 375, height: 812 });
      try {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, "page width at 375 px").to.be.at.most(375);
        // Each table's caption spans its table, not the width of its longest word.
        const captions = await page.evaluate(() =>
          Array.from(document.querySelectorAll("main caption")).map((caption) => ({
            caption: caption.textContent,
            width: Math.round(caption.getBoundingClientRect().width),
            table: Math.round(caption.closest("table")!.getBoundingClientRect().width),
          })),
        );
        expect(captions.map(({ caption }) => caption)).to.include.members([
          "Proposals, newest first",
          "Issuers, in order of application",
        ]);
        for (const { caption, width, table } of captions) expect(width, caption).to.equal(table);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });

    it("logged no page errors and no failed requests", function () {
      expect(fixture.pageErrors).to.deep.equal([]);
      expect(fixture.failedRequests).to.deep.equal([]);
    });
  });
});

/** A literal for a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
