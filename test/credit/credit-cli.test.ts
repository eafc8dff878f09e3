/**
 * The credit chain through the real `crossproof` bin on a real local chain deployed by the real
 * deploy script: an enterprise consents, a bank orders its credit report from a credit agency, the
 * agency delivers an anchored report, the bank verifies and confirms it, and a regulator reads the
 * order's timeline from events. Then every way it should refuse, each in one line.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { consentIdOf } from "../../src/sdk/consent/consent.ts";
import { orderIdOf } from "../../src/sdk/credit/orders.ts";
import { hashDocument } from "../../src/sdk/fingerprints/spec.ts";
import { devKey, startDeployedChain, type DeployedChain } from "../../scripts/lib/local-chain.ts";
import { runCli, type CliResult } from "../utils/cli.ts";

/** Unique to this file (test/cli uses 31401-31402, test/start 31404, test/identity 31405). */
const CHAIN_ID = 31_406;
const SCHEMA = "credit.report@1.0";

type Result = CliResult;

const keys = {
  bank: devKey(6),
  agency: devKey(7),
  otherEnterprise: devKey(8),
  enterprise: devKey(9),
};
const address = (key: Hex): Address => privateKeyToAccount(key).address;
const BANK = address(keys.bank);
const AGENCY = address(keys.agency);
const ENTERPRISE = address(keys.enterprise);
const OTHER_ENTERPRISE = address(keys.otherEnterprise);
const NO_KEY = "";

describe("crossproof consent and order CLI (credit chain)", function () {
  let chain: DeployedChain | undefined;
  let dir: string;
  let env: Record<string, string>;
  let orderBook: Address;
  let bankOrders = 0;

  /** Runs the CLI as the holder of `key` (NO_KEY: a reader, e.g. the regulator). */
  const as = (key: Hex | typeof NO_KEY, ...args: string[]): Promise<Result> =>
    runCli(args, { ...env, CROSSPROOF_PRIVATE_KEY: key });

  function expectOk(result: Result): void {
    expect(result.code, result.stderr).to.equal(0);
  }

  /** A refusal: the exit code, one line on stderr naming what is wrong, no stack trace. */
  function expectRefused(result: Result, code: number, pattern: RegExp): void {
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(code);
    expect(result.stderr).to.match(pattern);
    expect(result.stderr.trim().split("\n")).to.have.length(1);
    expect(result.stderr).not.to.match(/\n\s+at /);
  }

  /** The enterprise grants the bank a credit-report consent directly; returns its id. */
  async function grantConsent(owner: Hex, ...extra: string[]): Promise<Hex> {
    const granted = await as(
      owner,
      "consent",
      "grant",
      "--grantee",
      BANK,
      "--purpose",
      "credit-report",
      "--scope",
      SCHEMA,
      "--for",
      "30d",
      ...extra,
      "--json",
    );
    expectOk(granted);
    return granted.json.consentId as Hex;
  }

  /** The bank orders the enterprise's report; returns the order id. */
  async function placeOrder(consentId: Hex, ...extra: string[]): Promise<Hex> {
    const created = await as(
      keys.bank,
      "order",
      "create",
      "--provider",
      AGENCY,
      "--subject",
      ENTERPRISE,
      "--consent",
      consentId,
      "--deadline",
      "14d",
      ...extra,
      "--json",
    );
    expectOk(created);
    const orderId = created.json.orderId as Hex;
    expect(orderId).to.equal(orderIdOf({ requester: BANK, index: BigInt(bankOrders++) }));
    return orderId;
  }

  before(async function () {
    chain = await startDeployedChain("anvil", CHAIN_ID);
    dir = await mkdtemp(join(tmpdir(), "crossproof-credit-"));
    env = { CROSSPROOF_RPC_URL: chain.rpcUrl, CROSSPROOF_DEPLOYMENTS_DIR: chain.deploymentsDir };
    const manifest = JSON.parse(await readFile(join(chain.deploymentsDir, `${CHAIN_ID}.json`), "utf8")) as {
      contracts: { CreditOrderBook: Address };
    };
    orderBook = manifest.contracts.CreditOrderBook;
    expectOk(
      await as(keys.bank, "issuer", "apply", "--type", "bank", "--name", "Test Bank", "--jurisdiction", "HK"),
    );
    expectOk(
      await as(
        keys.agency,
        "issuer",
        "apply",
        "--type",
        "credit-agency",
        "--name",
        "Test Credit Agency",
        "--jurisdiction",
        "CN-GD",
      ),
    );
    // The committee (2 of 3): one member proposes (and so approves), a second executes.
    const proposals = [
      [
        "schema-register",
        "--name",
        "credit.report",
        "--version",
        "1.0",
        "--uri",
        "https://schemas.example/credit-report.json",
        "--revocable",
      ],
      ["issuer-recognize", BANK],
      ["issuer-recognize", AGENCY],
      ["schema-grant", AGENCY, SCHEMA],
    ];
    for (const proposal of proposals) {
      const proposed = await as(devKey(10), "gov", "propose", ...proposal, "--json");
      expectOk(proposed);
      const executed = await as(devKey(11), "gov", "execute", String(proposed.json.proposalId), "--json");
      expectOk(executed);
      expect(executed.json.status).to.equal("executed");
    }
  });

  after(async function () {
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs one order end to end: signed consent, order, delivery, verification, confirmation, timeline", async function () {
    // The enterprise signs a consent offline (no gas); the bank submits it and pays.
    const consentFile = join(dir, "consent.json");
    const signed = await as(
      keys.enterprise,
      "consent",
      "sign",
      "--grantee",
      BANK,
      "--purpose",
      "credit-report",
      "--scope",
      SCHEMA,
      "--for",
      "30d",
      "--max-uses",
      "1",
      "--out",
      consentFile,
    );
    expectOk(signed);
    expect(signed.stdout).to.contain(`crossproof consent submit ${consentFile}`);
    const submitted = await as(keys.bank, "consent", "submit", consentFile, "--json");
    expectOk(submitted);
    const consentId = submitted.json.consentId as Hex;
    expect(consentId).to.equal(consentIdOf({ owner: ENTERPRISE, index: 0n }));
    expect(submitted.json.owner).to.equal(ENTERPRISE);
    expect(submitted.json.relayer).to.equal(BANK);

    const check = [
      "--owner",
      ENTERPRISE,
      "--grantee",
      BANK,
      "--purpose",
      "credit-report",
      "--schema",
      SCHEMA,
    ];
    const authorised = await as(keys.bank, "consent", "check", ...check);
    expectOk(authorised);
    expect(authorised.stdout).to.match(/^yes: /);
    expect(authorised.stdout).to.contain(consentId);
    const shown = await as(keys.bank, "consent", "show", consentId);
    expect(shown.stdout).to.contain("status      in force");
    expect(shown.stdout).to.contain(`credit.report@1.0`);
    expect(shown.stdout).to.contain("uses        0 of 1");

    // The bank orders; the order uses the consent's one use.
    const requestFile = join(dir, "request.json");
    await writeFile(requestFile, JSON.stringify({ subject: ENTERPRISE, scope: "basic" }));
    const orderId = await placeOrder(
      consentId,
      "--product",
      "enterprise-credit-basic",
      "--request",
      requestFile,
    );
    const exhausted = await as(keys.bank, "consent", "check", ...check, "--json");
    expect(exhausted.code).to.equal(1);
    expect(exhausted.json.authorized).to.equal(false);

    // The credit agency accepts and delivers the report, anchored under credit.report@1.0.
    expectOk(await as(keys.agency, "order", "accept", orderId));
    const report = join(dir, "credit-report.txt");
    await writeFile(report, "Enterprise credit report: rating A, no defaults.\n");
    const delivered = await as(keys.agency, "order", "deliver", orderId, report, "--json");
    expectOk(delivered);
    const dataPackage = JSON.parse(await readFile(`${report}.proof.json`, "utf8")) as Record<string, unknown>;
    expect(dataPackage.issuer).to.equal(AGENCY);
    expect(dataPackage.fingerprint).to.equal(delivered.json.reportFingerprint);

    // The bank checks the report it received, then confirms.
    const verified = await as(keys.bank, "verify", report, "--json");
    expectOk(verified);
    expect(verified.json.status).to.equal("valid");
    expect(verified.json.issuer).to.equal(AGENCY);
    expectOk(await as(keys.bank, "order", "confirm", orderId));

    const order = await as(keys.bank, "order", "show", orderId, "--json");
    expectOk(order);
    expect(order.json).to.include({
      state: "confirmed",
      effectiveState: "confirmed",
      requester: BANK,
      provider: AGENCY,
      subject: ENTERPRISE,
      consentId,
      productCode: "enterprise-credit-basic",
      requestHash: hashDocument(await readFile(requestFile)),
      reportFingerprint: dataPackage.fingerprint,
    });

    // The regulator's view: the order rebuilt from events alone, no key needed.
    const timeline = await as(NO_KEY, "order", "timeline", orderId, "--json");
    expectOk(timeline);
    const entries = timeline.json.entries as { step: string; actor: string; detail: string }[];
    expect(entries.map((entry) => entry.step)).to.deep.equal([
      "consent granted",
      "requested",
      "consent consumed",
      "accepted",
      "delivered",
      "confirmed",
    ]);
    expect(entries.map((entry) => entry.actor)).to.deep.equal([
      ENTERPRISE,
      BANK,
      orderBook,
      AGENCY,
      AGENCY,
      BANK,
    ]);
    expect(entries[0]!.detail).to.contain(`relayed by ${BANK}`);
    expect(entries[2]!.detail).to.contain(consentId).and.contain(ENTERPRISE).and.contain(BANK);
    expect(entries[4]!.detail).to.equal(`report ${String(dataPackage.fingerprint)}`);
    const human = await as(NO_KEY, "order", "timeline", orderId);
    expectOk(human);
    const lines = human.stdout.trim().split("\n").slice(1);
    expect(lines).to.have.length(6);
    expect(lines[0]).to.match(/consent granted\s+by 0x[0-9a-fA-F]{40} \(subject\)/);
    expect(lines[1]).to.match(/requested\s+by 0x[0-9a-fA-F]{40} \(bank\)/);
    expect(lines[2]).to.match(/consent consumed\s+by 0x[0-9a-fA-F]{40} \(order book, for the bank\)/);
    expect(lines[5]).to.match(/confirmed\s+by 0x[0-9a-fA-F]{40} \(bank\)/);

    const listed = await as(NO_KEY, "order", "list", "--subject", ENTERPRISE, "--json");
    expect((JSON.parse(listed.stdout) as { orderId: string }[]).map((o) => o.orderId)).to.include(orderId);
    const consents = await as(NO_KEY, "consent", "list", "--owner", ENTERPRISE, "--json");
    const [listedConsent] = JSON.parse(consents.stdout) as {
      consentId: string;
      status: string;
      uses: number;
    }[];
    expect(listedConsent).to.include({ consentId, status: "exhausted", uses: 1 });
  });

  it("refuses an order made with another subject's consent", async function () {
    const othersConsent = await grantConsent(keys.otherEnterprise);
    const result = await as(
      keys.bank,
      "order",
      "create",
      "--provider",
      AGENCY,
      "--subject",
      ENTERPRISE,
      "--consent",
      othersConsent,
      "--deadline",
      "7d",
    );
    expectRefused(result, 1, /was not granted by the subject .*ConsentSubjectMismatch/);
    expect(OTHER_ENTERPRISE).not.to.equal(ENTERPRISE);
  });

  it("refuses a second order once the consent's uses are exhausted", async function () {
    const consentId = await grantConsent(keys.enterprise, "--max-uses", "1");
    await placeOrder(consentId);
    const second = await as(
      keys.bank,
      "order",
      "create",
      "--provider",
      AGENCY,
      "--subject",
      ENTERPRISE,
      "--consent",
      consentId,
      "--deadline",
      "7d",
    );
    expectRefused(
      second,
      1,
      /is exhausted \(used 1 of 1 allowed time\)\. Ask the owner for a new consent\. \(ConsentExhausted\)/,
    );
  });

  it("refuses an order with a revoked consent", async function () {
    const consentId = await grantConsent(keys.enterprise);
    const stranger = await as(keys.bank, "consent", "revoke", consentId);
    expectRefused(stranger, 1, /Only the owner of consent .* may revoke it/);
    expectOk(await as(keys.enterprise, "consent", "revoke", consentId));
    const shown = await as(NO_KEY, "consent", "show", consentId, "--json");
    expect(shown.json).to.include({ status: "revoked", inForce: false });
    const result = await as(
      keys.bank,
      "order",
      "create",
      "--provider",
      AGENCY,
      "--subject",
      ENTERPRISE,
      "--consent",
      consentId,
      "--deadline",
      "7d",
    );
    expectRefused(
      result,
      1,
      /The owner revoked consent .* Ask the owner for a new consent\. \(ConsentWasRevoked\)/,
    );
  });

  it("lets only the bank confirm and only the credit agency deliver", async function () {
    const consentId = await grantConsent(keys.enterprise);
    const orderId = await placeOrder(consentId);
    const agencyConfirms = await as(keys.agency, "order", "confirm", orderId);
    expectRefused(agencyConfirms, 1, new RegExp(`Only ${BANK}, the bank that placed it, may confirm order`));

    expectOk(await as(keys.agency, "order", "accept", orderId));
    const report = join(dir, "bank-made-report.txt");
    await writeFile(report, "not from the agency");
    const bankDelivers = await as(keys.bank, "order", "deliver", orderId, report);
    expectRefused(
      bankDelivers,
      1,
      new RegExp(`Only ${AGENCY}, the credit agency it was sent to, may deliver order`),
    );
    expect(existsSync(`${report}.proof.json`), "nothing anchored for a refused delivery").to.equal(false);

    const early = await as(keys.bank, "order", "confirm", orderId);
    expectRefused(early, 1, /is accepted, so it cannot be confirmed: only delivered orders can be confirmed/);
  });

  it("delivers a report anchored earlier with `crossproof anchor`, and replaces a foreign package only with --force", async function () {
    const consentId = await grantConsent(keys.enterprise);
    const first = await placeOrder(consentId);
    expectOk(await as(keys.agency, "order", "accept", first));
    const report = join(dir, "anchored-before.txt");
    await writeFile(report, "report anchored before delivery");
    expectOk(await as(keys.agency, "anchor", report, "--schema", SCHEMA));
    const anchored = JSON.parse(await readFile(`${report}.proof.json`, "utf8")) as { fingerprint: string };
    const delivered = await as(keys.agency, "order", "deliver", first, report, "--json");
    expectOk(delivered);
    expect(delivered.json).to.include({ reusedPackage: true, reportFingerprint: anchored.fingerprint });

    const second = await placeOrder(consentId);
    expectOk(await as(keys.agency, "order", "accept", second));
    // The same report (and package) cannot answer a second order: refused before sending anything.
    expectRefused(
      await as(keys.agency, "order", "deliver", second, report),
      2,
      /anchored-before\.txt\.proof\.json exists but is not this report's anchor for order .* pass --force/,
    );
    const other = join(dir, "foreign-package.txt");
    await writeFile(other, "a report with somebody else's package beside it");
    await writeFile(`${other}.proof.json`, "{}");
    expectRefused(
      await as(keys.agency, "order", "deliver", second, other),
      2,
      /foreign-package\.txt\.proof\.json exists but is not this report's anchor .* pass --force/,
    );
    const forced = await as(keys.agency, "order", "deliver", second, other, "--force", "--json");
    expectOk(forced);
    expect(forced.json.reusedPackage).to.equal(false);
    expect((await as(keys.bank, "verify", other, "--json")).json.status).to.equal("valid");
  });

  it("cancels, rejects and disputes orders with reasons", async function () {
    const consentId = await grantConsent(keys.enterprise);
    const cancelled = await placeOrder(consentId);
    expectOk(await as(keys.bank, "order", "cancel", cancelled));
    const rejected = await placeOrder(consentId);
    expectOk(await as(keys.agency, "order", "reject", rejected, "--reason", "subject-unknown"));
    const disputed = await placeOrder(consentId);
    expectOk(await as(keys.agency, "order", "accept", disputed));
    const report = join(dir, "disputed-report.txt");
    await writeFile(report, "a report the bank disputes");
    expectOk(await as(keys.agency, "order", "deliver", disputed, report));
    expectOk(await as(keys.bank, "order", "dispute", disputed, "--reason", "wrong-entity"));

    const shown = await as(NO_KEY, "order", "show", rejected, "--json");
    expect(shown.json).to.include({ state: "rejected", reason: "subject-unknown" });
    const timeline = await as(NO_KEY, "order", "timeline", disputed);
    expect(timeline.stdout).to.match(/disputed\s+by .*reason wrong-entity/);
    const listed = await as(NO_KEY, "order", "list", "--state", "cancelled", "--json");
    expect((JSON.parse(listed.stdout) as { orderId: string }[]).map((o) => o.orderId)).to.deep.equal([
      cancelled,
    ]);
    const again = await as(keys.agency, "order", "accept", rejected);
    expectRefused(again, 1, /is rejected, so it cannot be accepted: .*that is final/);
  });

  it("says in one line, exit 2, what is wrong with the input, before sending anything", async function () {
    const consentId = consentIdOf({ owner: ENTERPRISE, index: 0n });
    const order = ["order", "create", "--subject", ENTERPRISE, "--consent", consentId];
    expectRefused(
      await as(keys.bank, ...order, "--provider", "0x1234", "--deadline", "7d"),
      2,
      /--provider 0x1234 is not an address/,
    );
    expectRefused(await as(keys.bank, ...order, "--provider", AGENCY), 2, /order create needs --deadline/);
    expectRefused(
      await as(keys.bank, ...order, "--provider", AGENCY, "--deadline", "next tuesday"),
      2,
      /--deadline next tuesday is neither a date nor a duration/,
    );
    expectRefused(
      await as(keys.bank, ...order, "--provider", AGENCY, "--deadline", "90d"),
      2,
      /is too far away: the order book allows at most 30 days/,
    );
    expectRefused(
      await as(
        keys.bank,
        "order",
        "create",
        "--provider",
        AGENCY,
        "--subject",
        ENTERPRISE,
        "--consent",
        `0x${"ab".repeat(32)}`,
        "--deadline",
        "7d",
      ),
      2,
      /No consent has the id 0xabab.*ConsentNotFound/,
    );
    expectRefused(await as(NO_KEY, "order", "list", "--state", "lost"), 2, /"lost" is not an order state/);
    expectRefused(
      await as(NO_KEY, "order", "list", "--state", "requested", "--subject", ENTERPRISE),
      2,
      /exactly one of/,
    );
    expectRefused(await as(NO_KEY, "order", "show", "0x1234"), 2, /is not an id/);
    expectRefused(
      await as(NO_KEY, "order", "show", `0x${"cd".repeat(32)}`),
      2,
      /No order has the id.*OrderNotFound/,
    );
    expectRefused(await as(keys.agency, "order", "reject", `0x${"cd".repeat(32)}`), 2, /needs --reason/);
    expectRefused(
      await as(keys.agency, "order", "reject", `0x${"cd".repeat(32)}`, "--reason", "Not A Code"),
      2,
      /--reason "Not A Code" must be 1–32 characters/,
    );
    expectRefused(
      await as(
        keys.enterprise,
        "consent",
        "grant",
        "--grantee",
        BANK,
        "--purpose",
        "credit-report",
        "--scope",
        SCHEMA,
      ),
      2,
      /--until <date> or --for <duration>/,
    );
    expectRefused(
      await as(
        keys.enterprise,
        "consent",
        "grant",
        "--grantee",
        BANK,
        "--purpose",
        "credit-report",
        "--scope",
        "credit.report@9",
        "--for",
        "1d",
      ),
      2,
      /--scope credit.report@9 is not a schema registered on this chain/,
    );
    expectRefused(
      await as(
        keys.enterprise,
        "consent",
        "grant",
        "--grantee",
        ENTERPRISE,
        "--purpose",
        "credit-report",
        "--scope",
        SCHEMA,
        "--for",
        "1d",
      ),
      2,
      /--grantee is the owner/,
    );
    expectRefused(await as(NO_KEY, "consent", "check", "--owner", ENTERPRISE), 2, /--grantee <address>/);
    expectRefused(await as(NO_KEY, "consent", "list"), 2, /--owner <address> or --grantee <address>/);
  });

  it("lets an order expire once its deadline passed, and refuses work on it", async function () {
    const consentId = await grantConsent(keys.enterprise);
    const orderId = await placeOrder(consentId);
    const tooEarly = await as(NO_KEY, "order", "expire", orderId);
    expect(tooEarly.code).to.equal(2, "no key: the signer is asked for before anything is sent");
    const notYet = await as(keys.agency, "order", "expire", orderId);
    expectRefused(notYet, 1, /can expire only after its response deadline.*OrderNotExpired/);
    await chain!.rpc("evm_increaseTime", [15 * 86_400]);
    await chain!.rpc("evm_mine", []);
    const shown = await as(NO_KEY, "order", "show", orderId, "--json");
    expect(shown.json).to.include({ state: "requested", effectiveState: "expired" });
    const late = await as(keys.agency, "order", "accept", orderId);
    expectRefused(late, 1, /response deadline .* has passed: it can only expire now.*OrderDeadlinePassed/);
    expectOk(await as(keys.agency, "order", "expire", orderId));
    const after = await as(NO_KEY, "order", "show", orderId, "--json");
    expect(after.json).to.include({ state: "expired", effectiveState: "expired" });
  });
});
