/**
 * The Consent and Orders pages in Chromium with the injected test wallet, through scenario 3 of
 * the seed: the enterprise signs a consent in the wallet (readable EIP-712 typed data) and
 * downloads it; the bank relays the file; the bank orders the enterprise's credit report; the
 * credit agency accepts and delivers a report from the browser (anchored, package downloaded); the
 * bank verifies report and package on Verify and confirms; the bank cancels one order and disputes
 * another, and an order past its deadline is recorded as expired; the consent shows each use; the
 * owner submits and revokes a consent of its own. And the refusals in words: a declined signature and
 * transaction, bad input, a wrong party (another bank), an invalid transition (a stale page), a
 * tampered report.
 */
import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

import { expect } from "chai";
import type { Download, Page } from "playwright-core";
import { getAddress, keccak256, stringToHex, verifyTypedData, zeroHash, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { setUpIssuer } from "../../scripts/lib/committee.ts";
import { devKey, rpc } from "../../scripts/lib/local-chain.ts";
import { consortium, demoCommittee, DEV_MNEMONIC } from "../../src/demo/consortium.ts";
import {
  codeOf,
  consentDomain,
  consentTypes,
  getConsent,
  grantConsent,
  listConsents,
  listConsentUses,
  parseSignedConsent,
  type SignedConsent,
} from "../../src/sdk/consent/consent.ts";
import {
  acceptOrder,
  deliverOrder,
  getOrder,
  listOrders,
  requestOrder,
} from "../../src/sdk/credit/orders.ts";
import {
  anchorFingerprint,
  getSchemaIndex,
  isRegistryPaused,
  registryPauseCalls,
} from "../../src/sdk/fingerprints/actions.ts";
import { parseDataPackage } from "../../src/sdk/fingerprints/package.ts";
import { REGISTRY_PAUSED } from "../../src/sdk/fingerprints/pause.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import { committeeDecision } from "../../src/sdk/governance/committee.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";
import { PHONE, startWebFixture, type WebFixture } from "./fixture.ts";

/** Unique to this file. */
const CHAIN_ID = 31_411;
const { bank, creditAgency, enterprise } = consortium;
const BANK = bank.account.address;
const AGENCY = creditAgency.account.address;
const ENTERPRISE = enterprise.account.address;
/** A second bank the committee recognises in `prepare`: the wrong party for the first bank's orders. */
const OTHER_BANK_INDEX = 13;
const OTHER_BANK = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: OTHER_BANK_INDEX });
const CREDIT_REPORT = schemaIdOf({ name: "credit.report", version: "1.0" });
const MEDICAL_RECORD = schemaIdOf({ name: "medical.record", version: "1.0" });

describe("web app: Consent and Orders (Chromium)", function () {
  this.timeout(180_000);

  let fixture: WebFixture;
  let page: Page;
  let consentRegistry: Hex;
  let creditOrderBook: Hex;
  /** The consent the enterprise signs and the bank relays (three uses). */
  let consentId: Hex;
  let signedFile: string;
  /** The bank's orders, in the order placed. */
  const orderIds: Hex[] = [];
  let report: string;
  let proof: string;

  before(async function () {
    fixture = await startWebFixture({
      chainId: CHAIN_ID,
      walletKey: devKey(9), // the enterprise
      async prepare(chain) {
        await setUpIssuer({
          chain: chain.context.chain,
          rpcUrl: chain.chain.rpcUrl,
          manifest: chain.manifest,
          issuer: OTHER_BANK,
          type: "bank",
          definition: {
            name: "bank.statement",
            version: "1.0",
            definitionURI: "https://schemas.crossproof.example/bank.statement/1.0.json",
            definitionHash: zeroHash,
            revocable: true,
            reinstatable: false,
          },
        });
      },
    });
    page = fixture.page;
    consentRegistry = fixture.history.manifest.contracts.ConsentRegistry as Hex;
    creditOrderBook = fixture.history.manifest.contracts.CreditOrderBook as Hex;
  });

  after(async function () {
    await fixture.close();
  });

  /** Opens `path` afresh with the wallet connected as development account `index`. */
  async function openAs(path: string, index: number) {
    await fixture.freshPage(path);
    await fixture.wallet.switchAccount(devKey(index));
    await fixture.connectWallet();
  }

  async function saved(click: () => Promise<unknown>): Promise<Download> {
    const download = page.waitForEvent("download");
    await click();
    return download;
  }

  /** The page fits a 375 px phone: nothing wider than the viewport. */
  async function fitsPhone(): Promise<void> {
    await page.setViewportSize(PHONE);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(width, "page width at 375 px").to.be.at.most(PHONE.width);
  }

  /**
   * A consent of the enterprise (granted and paid by itself) for the bank's credit reports, valid
   * 30 days from the chain's time, for `maxUses` orders; and that time.
   */
  async function grantEnterpriseConsent(maxUses: number): Promise<{ consentId: Hex; now: bigint }> {
    const chain = fixture.history;
    const now = (await chain.publicClient.getBlock()).timestamp;
    const { consentId } = await grantConsent(chain.wallet(enterprise), {
      consentRegistry,
      terms: {
        grantee: BANK,
        purpose: codeOf("credit-report"),
        scope: [CREDIT_REPORT],
        validFrom: now,
        validUntil: now + 30n * 86_400n,
        maxUses,
      },
    });
    return { consentId, now };
  }

  async function fillTerms(terms: { purpose: string; scope: string[]; maxUses: string }) {
    await page.getByLabel("Purpose code").fill(terms.purpose);
    for (const schema of terms.scope) await page.getByLabel(schema).check();
    await page.getByLabel("Maximum uses").fill(terms.maxUses);
  }

  describe("Consent", function () {
    it("names what is wrong with the terms before anything reaches the wallet", async function () {
      await openAs("/consent", 9);
      await page.getByRole("heading", { name: "Give a consent" }).waitFor();
      await page.getByLabel("Purpose code").fill("Credit Report");
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.equal(
        'failed: Signing the consent failed: The purpose "Credit Report" must be 1–32 characters of lowercase letters, digits and . : _ - (e.g. credit-report).',
      );
      await page.getByLabel("Purpose code").fill("credit-report");
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.equal(
        "failed: Signing the consent failed: Choose at least one document kind for the scope.",
      );
      await page.getByLabel("Grantee", { exact: true }).selectOption("other");
      await page.getByLabel("Grantee address").fill("0x1234");
      await page.getByLabel("credit.report@1.0").check();
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.equal(
        'failed: Signing the consent failed: The grantee "0x1234" is not an address (0x followed by 40 hexadecimal digits).',
      );
      expect(fixture.wallet.calls).not.to.include("eth_signTypedData_v4");
    });

    it("shows a declined signature as one sentence", async function () {
      await openAs("/consent", 9);
      await fillTerms({ purpose: "credit-report", scope: ["credit.report@1.0"], maxUses: "3" });
      fixture.wallet.rejecting.add("eth_signTypedData_v4");
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.equal(
        "failed: Signing the consent failed: You declined the request in your wallet.",
      );
      expect(await page.getByTestId("signed-consent").count()).to.equal(0);
      // The wallet moves to another account: the previous one's failure is not this one's.
      fixture.wallet.rejecting.clear();
      await fixture.switchTo(devKey(6));
      await page.getByTestId("sign-status").waitFor({ state: "detached" });
    });

    it("signs the consent as readable typed data in the wallet and downloads it", async function () {
      await openAs("/consent", 9);
      const grantee = page.getByLabel("Grantee", { exact: true });
      expect(await grantee.locator("option").allTextContents()).to.deep.equal([
        `${bank.name} (CN-GD), bank`,
        `Test issuer ${OTHER_BANK.address.slice(0, 10)} (MO), bank`,
        "Another address…",
      ]);
      expect(await grantee.inputValue()).to.equal(BANK);
      await fillTerms({ purpose: "credit-report", scope: ["credit.report@1.0"], maxUses: "3" });
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.match(
        /^done: Signed\. Submit it now .* Guangzhou Commercial Bank/,
      );

      // What the wallet showed: the Grant struct by name, field by field, in the registry's domain.
      expect(fixture.wallet.signedTypedData).to.have.length(1);
      const typed = fixture.wallet.signedTypedData[0]! as unknown as {
        primaryType: string;
        domain: Record<string, unknown>;
        types: Record<string, { name: string; type: string }[]>;
        message: Record<string, unknown>;
      };
      expect(typed.primaryType).to.equal("Grant");
      expect(typed.domain).to.deep.include({
        name: "Crossproof ConsentRegistry",
        version: "1",
        chainId: CHAIN_ID,
      });
      expect(getAddress(String(typed.domain.verifyingContract))).to.equal(getAddress(consentRegistry));
      expect(typed.types.Grant).to.deep.equal(consentTypes.Grant.map((entry) => ({ ...entry })));
      expect(typed.types.Grant!.map((entry) => entry.name)).to.deep.equal([
        "owner",
        "grantee",
        "purpose",
        "scope",
        "validFrom",
        "validUntil",
        "maxUses",
        "nonce",
        "deadline",
      ]);
      expect(getAddress(String(typed.message.owner))).to.equal(ENTERPRISE);
      expect(getAddress(String(typed.message.grantee))).to.equal(BANK);
      expect(typed.message).to.deep.include({ purpose: codeOf("credit-report"), scope: [CREDIT_REPORT] });
      expect(String(typed.message.maxUses)).to.equal("3");

      const terms = page.getByTestId("signed-terms");
      expect(await terms.textContent())
        .to.contain(ENTERPRISE)
        .and.contain(`${bank.name} (CN-GD)`)
        .and.contain("credit-report")
        .and.contain("credit.report@1.0");
      await fixture.screenshots("consent-signed");

      const download = await saved(() => page.getByRole("link", { name: "Download signed consent" }).click());
      signedFile = join(fixture.workDir, download.suggestedFilename());
      await download.saveAs(signedFile);
      expect(basename(signedFile)).to.equal(`consent-${ENTERPRISE.slice(2, 10).toLowerCase()}-0.json`);
      // The CLI's format: parseSignedConsent reads it, and the signature is the owner's over the terms.
      const signed: SignedConsent = parseSignedConsent(JSON.parse(await readFile(signedFile, "utf8")));
      expect(signed).to.deep.include({ chainId: CHAIN_ID, owner: ENTERPRISE, nonce: "0" });
      expect(signed.terms).to.deep.include({ grantee: BANK, maxUses: 3, scope: [CREDIT_REPORT] });
      expect(
        await verifyTypedData({
          address: ENTERPRISE,
          domain: consentDomain({ chainId: CHAIN_ID, consentRegistry }),
          types: consentTypes,
          primaryType: "Grant",
          message: {
            owner: ENTERPRISE,
            grantee: BANK,
            purpose: signed.terms.purpose as Hex,
            scope: signed.terms.scope as Hex[],
            validFrom: BigInt(signed.terms.validFrom),
            validUntil: BigInt(signed.terms.validUntil),
            maxUses: signed.terms.maxUses,
            nonce: 0n,
            deadline: BigInt(signed.deadline),
          },
          signature: signed.signature as Hex,
        }),
      ).to.equal(true);
      // Signing is free and records nothing.
      expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
      expect(
        await listConsents(fixture.history.publicClient, { consentRegistry, owner: ENTERPRISE }),
      ).to.deep.equal([]);
    });

    it("refuses a file that is not a signed consent, naming the field", async function () {
      await openAs("/consent", 6);
      const bad = join(fixture.workDir, "not-a-consent.json");
      await writeFile(bad, JSON.stringify({ type: "crossproof.data-package" }));
      await page.getByLabel("Signed consent (.json)").setInputFiles(bad);
      expect(await page.getByTestId("upload-error").textContent()).to.equal(
        'not-a-consent.json is not a signed Crossproof consent: field "type" Invalid input: expected "crossproof.signed-consent".',
      );
      expect(await page.getByRole("button", { name: "Submit signed consent" }).isDisabled()).to.equal(true);
    });

    it("lets the bank relay the signed consent file (the bank pays)", async function () {
      await openAs("/consent", 6);
      await page.getByLabel("Signed consent (.json)").setInputFiles(signedFile);
      expect(await page.getByTestId("signed-grantee").textContent()).to.contain(bank.name);
      await page.getByRole("button", { name: "Submit signed consent" }).click();
      const result = await fixture.outcome("relay-status");
      const id = /Consent (0x[0-9a-f]{64}) is granted/.exec(result)?.[1];
      expect(result).to.match(
        /^done: Consent 0x[0-9a-f]{64} is granted: Guangzhou Commercial Bank \(CN-GD\) may use it/,
      );
      consentId = id as Hex;
      const consent = await getConsent(fixture.history.publicClient, { consentRegistry, consentId });
      expect(consent.owner).to.equal(ENTERPRISE);
      expect(consent.terms).to.deep.include({ grantee: BANK, maxUses: 3 });

      const row = page.getByTestId("consents-received").locator(`[data-consent="${consentId}"]`);
      await row.waitFor();
      expect(await row.getByTestId("consent-state").textContent()).to.equal("in force");
      expect(await row.getByTestId("consent-uses").textContent()).to.equal("0 of 3");
      expect(await row.textContent()).to.contain(enterprise.account.address);
    });
  });

  describe("Orders", function () {
    it("says plainly when the account is neither a bank nor a credit agency", async function () {
      await openAs("/orders", 9);
      const role = page.getByTestId("orders-role");
      await role.and(page.locator('[data-role="other"]')).waitFor();
      expect(await role.textContent()).to.contain(
        `Your account ${ENTERPRISE} is neither a recognised bank nor a recognised credit agency`,
      );
      expect(await page.getByRole("heading", { name: "Place an order" }).count()).to.equal(0);
      await page.getByTestId("no-orders").waitFor();
    });

    it("lets the bank place an order with the consent it received", async function () {
      await openAs("/orders", 6);
      await page.getByTestId("orders-role").and(page.locator('[data-role="bank"]')).waitFor();
      expect(await page.getByTestId("orders-role").textContent()).to.contain(
        `Connected as ${bank.name} (CN-GD), a bank`,
      );
      const provider = page.getByLabel("Credit agency");
      expect(await provider.locator("option:checked").textContent()).to.equal(`${creditAgency.name} (CN-GD)`);
      const consent = page.getByLabel("Subject's consent");
      await consent.locator(`option[value="${consentId}"]`).waitFor({ state: "attached" });
      await consent.selectOption(consentId);
      expect(await page.getByLabel("Subject (the enterprise)").inputValue()).to.equal(ENTERPRISE);
      await page.getByLabel("Product code").fill("Enterprise Basic");
      await page.getByRole("button", { name: "Place order" }).click();
      expect(await fixture.outcome("place-status")).to.equal(
        'failed: Placing the order failed: The product code "Enterprise Basic" must be 1–32 characters of lowercase letters, digits and . : _ - (e.g. credit-report).',
      );
      await page.getByLabel("Product code").fill("enterprise-credit-basic");
      await page.getByRole("button", { name: "Place order" }).click();
      expect(await fixture.outcome("place-status")).to.match(
        /^done: Placed order 0x[0-9a-f]{64} with Pearl River Delta Credit Agency \(CN-GD\); the subject's consent was used once\. Transaction 0x[0-9a-f]{64}\.$/,
      );
      const [placed] = await listOrders(fixture.history.publicClient, { creditOrderBook, requester: BANK });
      expect(placed).to.deep.include({ state: "requested" });
      expect(placed!.request).to.deep.include({ provider: AGENCY, subject: ENTERPRISE, consentId });
      orderIds.push(placed!.id);

      const row = page.getByTestId("orders").locator(`[data-order="${placed!.id}"]`);
      await row.waitFor();
      expect(await row.getByTestId("order-state").textContent()).to.equal("requested");
      expect(await page.getByTestId("panel-state").textContent()).to.equal("requested");
      await fixture.screenshots("orders-bank");
      await fitsPhone();
    });

    it("shows another bank's cancel refused with the contract's notice", async function () {
      await openAs("/orders", OTHER_BANK_INDEX);
      await page.getByTestId("orders-role").and(page.locator('[data-role="bank"]')).waitFor();
      await page.getByLabel("Order id").fill("0x1234");
      await page.getByRole("button", { name: "Open order" }).click();
      expect(await page.getByTestId("open-error").textContent()).to.equal(
        "An order id is 0x followed by 64 hexadecimal digits.",
      );
      await page.getByLabel("Order id").fill(orderIds[0]!);
      await page.getByRole("button", { name: "Open order" }).click();
      await page.getByTestId("not-party").waitFor();
      await page.getByRole("button", { name: "Cancel order" }).click();
      expect(await fixture.outcome("order-action-status")).to.equal(
        `failed: Cancelling the order failed: The contract refused: Only ${BANK} may do this to the order (order id ${orderIds[0]!}, caller ${OTHER_BANK.address}).`,
      );
      // Refused in the simulation: nothing reached the wallet.
      expect(fixture.wallet.calls).not.to.include("eth_sendTransaction");
    });

    it("lets the credit agency accept, then deliver a report from the browser and download its package", async function () {
      await openAs("/orders", 7);
      await page.getByTestId("orders-role").and(page.locator('[data-role="agency"]')).waitFor();
      const row = page.getByTestId("orders").locator(`[data-order="${orderIds[0]!}"]`);
      await row.getByRole("button", { name: "Open" }).click();
      await page.getByRole("button", { name: "Accept order" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Order 0x[0-9a-f]{64} is accepted\./,
      );
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^accepted$/ })
        .waitFor();

      report = join(fixture.workDir, "credit-report-zhongshan.txt");
      await writeFile(
        report,
        `Pearl River Delta Credit Agency\nCredit report\nSubject: ${enterprise.name}\nRating: A-\nOverdue loans: none\n`,
      );
      await page.getByLabel("Report file").setInputFiles(report);
      await fixture.screenshots("orders-agency");
      await page.getByRole("button", { name: "Anchor and deliver report" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Delivered: the report's fingerprint 0x[0-9a-f]{64} is anchored and delivered\./,
      );
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^delivered$/ })
        .waitFor();

      const download = await saved(() => page.getByTestId("package-download").click());
      expect(download.suggestedFilename()).to.equal("credit-report-zhongshan.txt.proof.json");
      proof = `${report}.proof.json`;
      await download.saveAs(proof);
      const dataPackage = parseDataPackage(JSON.parse(await readFile(proof, "utf8")), proof);
      const order = await getOrder(fixture.history.publicClient, { creditOrderBook, orderId: orderIds[0]! });
      expect(order.state).to.equal("delivered");
      expect(dataPackage).to.deep.include({
        chainId: CHAIN_ID,
        issuer: AGENCY,
        schemaId: CREDIT_REPORT,
        fingerprint: order.reportFingerprint,
      });
      expect(
        computeFingerprint({ documentHash: hashDocument(await readFile(report)), salt: dataPackage.salt }),
      ).to.equal(order.reportFingerprint);
      expect(await page.getByTestId("report-fingerprint").textContent()).to.equal(order.reportFingerprint);
    });

    it("lets the bank verify report and package on Verify (valid; a tampered copy: mismatch) and confirm", async function () {
      await openAs("/", 6);
      await page.getByLabel("Document", { exact: true }).setInputFiles(report);
      await page.getByLabel("Data package (.proof.json)").setInputFiles(proof);
      await page.getByRole("button", { name: "Verify document" }).click();
      await page.getByTestId("verdict").waitFor();
      expect(await page.getByTestId("verdict").getAttribute("data-status")).to.equal("valid");
      expect(await page.getByTestId("issuer").textContent()).to.contain(creditAgency.name);
      expect(await page.getByTestId("schema").textContent()).to.equal("credit.report@1.0");

      const tampered = join(fixture.workDir, "credit-report-tampered.txt");
      await writeFile(tampered, (await readFile(report, "utf8")).replace("Rating: A-", "Rating: AAA"));
      await page.getByLabel("Document", { exact: true }).setInputFiles(tampered);
      await page.getByRole("button", { name: "Verify document" }).click();
      await page.getByTestId("verdict").and(page.locator('[data-status="mismatch"]')).waitFor();

      await fixture.goTo("Orders");
      const row = page.getByTestId("orders").locator(`[data-order="${orderIds[0]!}"]`);
      await row.getByRole("button", { name: "Open" }).click();
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^delivered$/ })
        .waitFor();
      await page.getByRole("button", { name: "Confirm report" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Order 0x[0-9a-f]{64} is confirmed\./,
      );
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^confirmed$/ })
        .waitFor();
      await page.getByTestId("timeline-row").filter({ hasText: "confirmed" }).waitFor();
      expect(
        await page
          .getByTestId("timeline-row")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-step"))),
      ).to.deep.equal(["consent granted", "requested", "consent used", "accepted", "delivered", "confirmed"]);
      // Times read as everywhere else on the pages, the request's deadline included.
      const requested = page.getByTestId("timeline-row").and(page.locator('[data-step="requested"]'));
      expect(await requested.textContent()).to.match(/deadline \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
      expect(await requested.textContent()).not.to.match(/\d{2}T\d{2}:/);
      const delivered = page.getByTestId("timeline-row").and(page.locator('[data-step="delivered"]'));
      expect(await delivered.textContent())
        .to.contain(creditAgency.name)
        .and.contain(
          `report ${(await getOrder(fixture.history.publicClient, { creditOrderBook, orderId: orderIds[0]! })).reportFingerprint}`,
        );
      await fixture.screenshots("orders-timeline");
    });

    it("shows a transition the order no longer allows with the contract's notice (a stale page)", async function () {
      await openAs("/orders", 6);
      await page.getByTestId("orders-role").and(page.locator('[data-role="bank"]')).waitFor();
      await page
        .getByLabel("Subject's consent")
        .locator(`option[value="${consentId}"]`)
        .waitFor({ state: "attached" });
      await page.getByLabel("Subject's consent").selectOption(consentId);
      await page.getByRole("button", { name: "Place order" }).click();
      expect(await fixture.outcome("place-status")).to.match(/^done: Placed order/);
      const placed = await listOrders(fixture.history.publicClient, { creditOrderBook, requester: BANK });
      orderIds.push(placed[1]!.id);
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^requested$/ })
        .waitFor();

      // Meanwhile the agency accepts it (elsewhere); the bank's page still offers Cancel.
      await acceptOrder(fixture.history.wallet(creditAgency), { creditOrderBook, orderId: orderIds[1]! });
      await page.getByRole("button", { name: "Cancel order" }).click();
      expect(await fixture.outcome("order-action-status")).to.equal(
        `failed: Cancelling the order failed: The contract refused: The order is accepted, which does not allow this transition (order id ${orderIds[1]!}).`,
      );
      // The page reads the order again: it shows the real state, and no Cancel any more.
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^accepted$/ })
        .waitFor();
      expect(await page.getByRole("button", { name: "Cancel order" }).count()).to.equal(0);
    });

    it("lets the credit agency reject an order, with a reason code it requires", async function () {
      await openAs("/orders", 6);
      await page
        .getByLabel("Subject's consent")
        .locator(`option[value="${consentId}"]`)
        .waitFor({ state: "attached" });
      await page.getByLabel("Subject's consent").selectOption(consentId);
      await page.getByRole("button", { name: "Place order" }).click();
      expect(await fixture.outcome("place-status")).to.match(/^done: Placed order/);
      const placed = await listOrders(fixture.history.publicClient, { creditOrderBook, requester: BANK });
      orderIds.push(placed[2]!.id);
      // The consent's three uses are spent: the form has no usable consent left.
      await page
        .getByLabel("Subject's consent")
        .locator("option")
        .filter({ hasText: "No usable consent" })
        .waitFor({
          state: "attached",
        });

      await fixture.switchTo(devKey(7));
      await page.getByTestId("orders-role").and(page.locator('[data-role="agency"]')).waitFor();
      await page
        .getByTestId("orders")
        .locator(`[data-order="${orderIds[2]!}"]`)
        .getByRole("button", { name: "Open" })
        .click();
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^requested$/ })
        .waitFor();
      await page.getByRole("button", { name: "Reject order" }).click();
      expect(await fixture.outcome("order-action-status")).to.equal(
        "failed: Rejecting the order failed: Give a reason code, e.g. subject-unknown or report-mismatch.",
      );
      await page.getByLabel("Reason code (to reject)").fill("subject-unknown");
      await page.getByRole("button", { name: "Reject order" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Order 0x[0-9a-f]{64} is rejected \(reason subject-unknown\)\. That is final\./,
      );
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^rejected$/ })
        .waitFor();
      const order = await getOrder(fixture.history.publicClient, { creditOrderBook, orderId: orderIds[2]! });
      expect(order.state).to.equal("rejected");
      expect(order.reasonCode).to.equal(codeOf("subject-unknown"));
    });

    it("shows the enterprise the orders about it", async function () {
      await openAs("/orders", 9);
      const rows = page.getByTestId("orders").getByTestId("order-row");
      await rows.nth(2).waitFor();
      expect(await rows.getByTestId("order-state").allTextContents()).to.deep.equal([
        "rejected",
        "accepted",
        "confirmed",
      ]);
    });
    it("lets the bank cancel and dispute, and anyone record an expiry once the deadline passed", async function () {
      // A fresh consent of the enterprise for three more orders (granted and paid by itself); the
      // orders placed with it stay out of `orderIds`, the orders of the first consent.
      const laterOrders: Hex[] = [];
      const chain = fixture.history;
      const { consentId: fresh } = await grantEnterpriseConsent(3);
      const placeWithFreshConsent = async () => {
        const consent = page.getByLabel("Subject's consent");
        await consent.locator(`option[value="${fresh}"]`).waitFor({ state: "attached" });
        await consent.selectOption(fresh);
        await page.getByRole("button", { name: "Place order" }).click();
        expect(await fixture.outcome("place-status")).to.match(/^done: Placed order/);
        const orders = await listOrders(chain.publicClient, { creditOrderBook, requester: BANK });
        const placed = orders.find(
          (order) => !orderIds.includes(order.id) && !laterOrders.includes(order.id),
        )!;
        laterOrders.push(placed.id);
        await page
          .getByTestId("panel-state")
          .filter({ hasText: /^requested$/ })
          .waitFor();
        return placed.id;
      };

      // Cancel: the bank changes its mind while the order is still requested.
      await openAs("/orders", 6);
      const cancelled = await placeWithFreshConsent();
      await page.getByRole("button", { name: "Cancel order" }).click();
      expect(await fixture.outcome("order-action-status")).to.equal(
        `done: Order ${cancelled} is cancelled. That is final. Transaction ${await fixture.history.publicClient
          .getBlock({ includeTransactions: true })
          .then((block) => block.transactions[0]!.hash)}.`,
      );
      expect((await getOrder(chain.publicClient, { creditOrderBook, orderId: cancelled })).state).to.equal(
        "cancelled",
      );

      // Dispute: the agency accepts and delivers (elsewhere); the bank disputes with a reason.
      const disputed = await placeWithFreshConsent();
      await acceptOrder(chain.wallet(creditAgency), { creditOrderBook, orderId: disputed });
      const reportFingerprint = keccak256(stringToHex(`a report that does not check out ${disputed}`));
      await anchorFingerprint(chain.wallet(creditAgency), {
        fingerprintRegistry: chain.manifest.contracts.FingerprintRegistry as Hex,
        fingerprint: reportFingerprint,
        schemaIndex: await getSchemaIndex(chain.publicClient, {
          schemaRegistry: chain.manifest.contracts.SchemaRegistry as Hex,
          schemaId: CREDIT_REPORT,
        }),
      });
      await deliverOrder(chain.wallet(creditAgency), {
        creditOrderBook,
        orderId: disputed,
        reportFingerprint,
      });
      await page.getByLabel("Order id").fill(disputed);
      await page.getByRole("button", { name: "Open order" }).click();
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^delivered$/ })
        .waitFor();
      await page.getByLabel("Reason code (to dispute)").fill("report-mismatch");
      await page.getByRole("button", { name: "Dispute report" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Order 0x[0-9a-f]{64} is disputed \(reason report-mismatch\)\. That is final\./,
      );
      const after = await getOrder(chain.publicClient, { creditOrderBook, orderId: disputed });
      expect(after.state).to.equal("disputed");
      expect(after.reasonCode).to.equal(codeOf("report-mismatch"));

      // Expiry: an order whose response deadline passed unanswered; any account may record it.
      const { timestamp } = await chain.publicClient.getBlock();
      const { orderId: lapsed } = await requestOrder(chain.wallet(bank), {
        creditOrderBook,
        order: {
          provider: AGENCY,
          subject: ENTERPRISE,
          productCode: codeOf("enterprise-credit-basic"),
          consentId: fresh,
          requestHash: zeroHash,
          responseDeadline: timestamp + 60n,
        },
      });
      laterOrders.push(lapsed);
      await rpc(chain.chain.rpcUrl, "evm_increaseTime", [120]);
      await rpc(chain.chain.rpcUrl, "evm_mine", []);
      await openAs("/orders", 9); // the enterprise: neither party, and still allowed to record it
      await page.getByLabel("Order id").fill(lapsed);
      await page.getByRole("button", { name: "Open order" }).click();
      await page.getByRole("button", { name: "Record the expiry" }).click();
      expect(await fixture.outcome("order-action-status")).to.match(
        /^done: Order 0x[0-9a-f]{64} is recorded as expired\. That is final\./,
      );
      expect((await getOrder(chain.publicClient, { creditOrderBook, orderId: lapsed })).state).to.equal(
        "expired",
      );
    });
    it("while the committee has paused the registry, delivers only an earlier attempt's anchor: nothing else is sent", async function () {
      const chain = fixture.history;
      const fingerprintRegistry = chain.manifest.contracts.FingerprintRegistry as Hex;
      /** The committee (members 1 and 2 of the demo committee) pauses or unpauses, from Node. */
      const decide = (call: { to: Hex; data: Hex }, description: string) =>
        committeeDecision({
          committee: chain.manifest.contracts.Committee as Hex,
          committeeProposals: chain.manifest.contracts.CommitteeProposals as Hex,
          ...call,
          description,
          members: [chain.wallet(demoCommittee[0]!), chain.wallet(demoCommittee[1]!)],
        });
      const sent = () => fixture.wallet.calls.filter((call) => call === "eth_sendTransaction").length;
      const storageKey = (orderId: Hex) => `crossproof.delivery.${CHAIN_ID}.${orderId.toLowerCase()}`;
      const stored = (orderId: Hex) => page.evaluate((key) => localStorage.getItem(key), storageKey(orderId));
      const deliverButton = page.getByRole("button", { name: "Anchor and deliver report" });
      const hint = page.getByTestId("registry-paused-hint");

      // An order the agency accepted (from Node, with a fresh consent of the enterprise), and a
      // report it anchored for the order before the pause without its page saving the package (the
      // tab closed): the anchor is on the chain, this browser only knows the salt.
      const { consentId: consent, now } = await grantEnterpriseConsent(1);
      const { orderId } = await requestOrder(chain.wallet(bank), {
        creditOrderBook,
        order: {
          provider: AGENCY,
          subject: ENTERPRISE,
          productCode: codeOf("enterprise-credit-basic"),
          consentId: consent,
          requestHash: zeroHash,
          responseDeadline: now + 7n * 86_400n,
        },
      });
      await acceptOrder(chain.wallet(creditAgency), { creditOrderBook, orderId });
      const anchoredReport = join(fixture.workDir, "credit-report-before-the-pause.txt");
      await writeFile(anchoredReport, `Credit report\nSubject: ${enterprise.name}\nRating: B+\n`);
      const salt = randomSalt();
      const documentHash = hashDocument(await readFile(anchoredReport));
      const fingerprint = computeFingerprint({ documentHash, salt });
      await anchorFingerprint(chain.wallet(creditAgency), {
        fingerprintRegistry,
        fingerprint,
        schemaIndex: await getSchemaIndex(chain.publicClient, {
          schemaRegistry: chain.manifest.contracts.SchemaRegistry as Hex,
          schemaId: CREDIT_REPORT,
        }),
      });
      const otherReport = join(fixture.workDir, "credit-report-during-the-pause.txt");
      await writeFile(otherReport, `Credit report\nSubject: ${enterprise.name}\nRating: C\n`);

      try {
        // The agency opens the order while the registry runs; the committee pauses it meanwhile.
        await openAs("/orders", 7);
        await page.getByTestId("orders-role").and(page.locator('[data-role="agency"]')).waitFor();
        await page.getByLabel("Order id").fill(orderId);
        await page.getByRole("button", { name: "Open order" }).click();
        await page
          .getByTestId("panel-state")
          .filter({ hasText: /^accepted$/ })
          .waitFor();
        expect(await page.getByTestId("registry-paused").count()).to.equal(0);
        await decide(registryPauseCalls.pause(fingerprintRegistry), "Pause the fingerprint registry");

        // A report with no earlier attempt in this browser needs a new anchor: refused before it
        // is hashed, nothing reaches the wallet and nothing is saved.
        const newAnchor =
          "Delivering a report needs a new anchor, which must wait until the registry is unpaused.";
        await page.getByLabel("Report file").setInputFiles(otherReport);
        const before = sent();
        await deliverButton.click();
        expect(await fixture.outcome("order-action-status")).to.equal(
          `failed: Delivering the report failed: ${REGISTRY_PAUSED} ${newAnchor} Nothing was sent.`,
        );
        expect(sent()).to.equal(before);
        expect(await stored(orderId)).to.equal(null);
        // The refusal made the page read the registry again: the notice, and the button disabled.
        const notice = page.getByTestId("registry-paused");
        await notice.waitFor();
        expect(await notice.textContent()).to.equal(REGISTRY_PAUSED);
        expect(await deliverButton.isDisabled()).to.equal(true);
        expect(await deliverButton.getAttribute("aria-describedby")).to.equal(
          await notice.getAttribute("id"),
        );
        expect(await hint.textContent()).to.equal(newAnchor);

        // This browser's record of the earlier attempt (salt and fingerprint, no package), as the
        // page saves it before sending the anchor: the button is enabled for that report only.
        const record = JSON.stringify({
          version: 1,
          orderId,
          agency: AGENCY,
          reportName: basename(anchoredReport),
          documentHash,
          salt,
          fingerprint,
        });
        await page.evaluate(
          ({ key, value }) => {
            localStorage.setItem(key, value);
          },
          { key: storageKey(orderId), value: record },
        );
        await page.reload();
        await page.getByTestId("orders-role").and(page.locator('[data-role="agency"]')).waitFor();
        await page.getByLabel("Order id").fill(orderId);
        await page.getByRole("button", { name: "Open order" }).click();
        await hint.waitFor();
        expect(await hint.textContent()).to.equal(
          "This browser began delivering credit-report-before-the-pause.txt for this order before the pause: choose that same file to deliver its earlier anchor, if that anchor is on the chain; for any other report, a new anchor must wait until the registry is unpaused.",
        );
        expect(await deliverButton.isDisabled()).to.equal(false);
        await fixture.screenshots("orders-agency-paused");

        // Another report still needs a new anchor: refused once hashed, the record kept as it was.
        await page.getByLabel("Report file").setInputFiles(otherReport);
        await deliverButton.click();
        expect(await fixture.outcome("order-action-status")).to.equal(
          `failed: Delivering the report failed: ${REGISTRY_PAUSED} This file is not credit-report-before-the-pause.txt, the report this browser began delivering for this order before the pause, and a new anchor must wait until the registry is unpaused. Nothing was sent.`,
        );
        expect(sent()).to.equal(before);
        expect(await stored(orderId)).to.equal(record);

        // The same report: its anchor is found on the chain and delivered, with no new anchor.
        await page.getByLabel("Report file").setInputFiles(anchoredReport);
        await deliverButton.click();
        expect(await fixture.outcome("order-action-status")).to.match(
          /^done: Delivered: the report's fingerprint 0x[0-9a-f]{64} is anchored \(the anchor of the earlier attempt\) and delivered\./,
        );
        expect(sent(), "only the delivery was sent").to.equal(before + 1);
        const order = await getOrder(chain.publicClient, { creditOrderBook, orderId });
        expect(order).to.deep.include({ state: "delivered", reportFingerprint: fingerprint });
        expect(await isRegistryPaused(chain.publicClient, { fingerprintRegistry })).to.equal(true);
      } finally {
        if (await isRegistryPaused(chain.publicClient, { fingerprintRegistry }))
          await decide(registryPauseCalls.unpause(fingerprintRegistry), "Unpause the fingerprint registry");
      }
    });
  });

  describe("Consent uses and revocation", function () {
    it("shows each recorded use of the consent, with the order it was for", async function () {
      await openAs("/consent", 9);
      const row = page.getByTestId("consents-given").locator(`[data-consent="${consentId}"]`);
      await row.waitFor();
      expect(await row.getByTestId("consent-state").textContent()).to.equal("exhausted");
      expect(await row.getByTestId("consent-uses").textContent()).to.equal("3 of 3");
      await row.getByRole("button", { name: "Show uses" }).click();
      await page.getByTestId("consent-use").nth(2).waitFor();
      expect(await page.getByTestId("uses-count").textContent()).to.equal("Used 3 times of 3 allowed.");
      expect(await page.getByTestId("use-reference").allTextContents()).to.deep.equal(
        orderIds.map((orderId) => `credit order ${orderId}`),
      );
      expect(await page.getByTestId("consent-use").first().textContent())
        .to.contain("Credit order book")
        .and.contain(bank.name)
        .and.contain("credit.report@1.0");
      const uses = await listConsentUses(fixture.history.publicClient, { consentRegistry, consentId });
      expect(uses.map((use) => use.usageReference)).to.deep.equal(orderIds);
      await fixture.screenshots("consent-uses");
      await fitsPhone();

      // The link opens the order on the Orders page (the enterprise's read-only view).
      await page.getByTestId("use-reference").first().getByRole("link").click();
      await page
        .getByTestId("panel-state")
        .filter({ hasText: /^confirmed$/ })
        .waitFor();
    });

    it("lets the owner submit a consent itself, then revoke it (a declined transaction first)", async function () {
      await openAs("/consent", 9);
      await page.getByLabel("Grantee", { exact: true }).selectOption(getAddress(OTHER_BANK.address));
      await fillTerms({ purpose: "account-opening", scope: ["medical.record@1.0"], maxUses: "" });
      await page.getByRole("button", { name: "Sign in wallet" }).click();
      expect(await fixture.outcome("sign-status")).to.match(/^done: Signed\./);
      await page.getByRole("button", { name: "Submit it now" }).click();
      const result = await fixture.outcome("sign-status");
      expect(result).to.match(/^done: Consent 0x[0-9a-f]{64} is granted/);
      const ownId = /Consent (0x[0-9a-f]{64})/.exec(result)![1] as Hex;
      const consent = await getConsent(fixture.history.publicClient, { consentRegistry, consentId: ownId });
      expect(consent.terms).to.deep.include({
        grantee: getAddress(OTHER_BANK.address),
        maxUses: 0,
        scope: [MEDICAL_RECORD],
      });

      const row = page.getByTestId("consents-given").locator(`[data-consent="${ownId}"]`);
      await row.waitFor();
      expect(await row.getByTestId("consent-state").textContent()).to.equal("in force");
      expect(await row.getByTestId("consent-uses").textContent()).to.equal("0 (no limit)");

      fixture.wallet.rejecting.add("eth_sendTransaction");
      await row.getByRole("button", { name: "Revoke" }).click();
      expect(await fixture.outcome("revoke-status")).to.equal(
        `failed: Revoking consent ${ownId.slice(0, 10)}… failed: You declined the request in your wallet.`,
      );
      fixture.wallet.rejecting.clear();
      await row.getByRole("button", { name: "Revoke" }).click();
      expect(await fixture.outcome("revoke-status")).to.match(/^done: Consent 0x[0-9a-f]{64} is revoked/);
      await row
        .getByTestId("consent-state")
        .filter({ hasText: /^revoked/ })
        .waitFor();
      expect(await row.getByRole("button", { name: "Revoke" }).count()).to.equal(0);
      const revoked = await getConsent(fixture.history.publicClient, { consentRegistry, consentId: ownId });
      expect(revoked.revokedAt).to.be.instanceOf(Date);
    });

    it("logged no errors in the page and no failed requests", function () {
      expect(fixture.pageErrors).to.deep.equal([]);
      expect(fixture.failedRequests).to.deep.equal([]);
    });
  });
});
