/**
 * The auditor's questions (src/indexer/queries.ts) on event sequences the shared audit history does
 * not produce: an institution that applied from one account with the DID of another identity, and
 * an issuer whose anchors take more bytes than one report holds, an order whose id others name in
 * large events.
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { allEvents, issuerReport, MAX_REPORT_BYTES, orderReport } from "../../src/indexer/queries.ts";
import { EVENT_BYTES_BESIDES_ARGS, type AuditStore } from "../../src/indexer/store.ts";
import {
  SYNTHETIC_CHAIN_ID as CHAIN_ID,
  syntheticEvent as event,
  syntheticStore,
  word,
} from "./synthetic.ts";

const ISSUER_REGISTRY: Hex = "0x1111111111111111111111111111111111111111";
const FINGERPRINT_REGISTRY: Hex = "0x2222222222222222222222222222222222222222";
/** The account that applied and anchors. */
const ACCOUNT: Hex = "0x3333333333333333333333333333333333333333";
/** The identity whose DID it applied with (it acts as that identity's delegate). */
const IDENTITY: Hex = "0x4444444444444444444444444444444444444444";
const SCHEMA_ID: Hex = `0x${"cd".repeat(32)}`;

describe("src/indexer/queries.ts: issuerReport", function () {
  let store: AuditStore;
  let close = async () => {};

  before(async function () {
    const events = [
      event(1, "IssuerRegistry", ISSUER_REGISTRY, "IssuerApplied", {
        issuer: ACCOUNT,
        did: IDENTITY,
        issuerType: 1,
        name: "Macao Public Health Laboratory",
        jurisdiction: "MO",
      }),
      event(2, "IssuerRegistry", ISSUER_REGISTRY, "IssuerRecognized", { issuer: ACCOUNT }),
      event(3, "IssuerRegistry", ISSUER_REGISTRY, "SchemaGranted", { issuer: ACCOUNT, schemaId: SCHEMA_ID }),
      event(4, "FingerprintRegistry", FINGERPRINT_REGISTRY, "Anchored", {
        fingerprint: word(99),
        issuer: ACCOUNT,
        schemaIndex: 0,
        expiresAt: "0",
      }),
    ];
    ({ store, close } = await syntheticStore("audit-queries", events));
  });

  after(async function () {
    await close();
  });

  it("finds an issuer by the DID it applied with, as by its account", async function () {
    const byAccount = await issuerReport(store, CHAIN_ID, ACCOUNT);
    expect(byAccount.issuer).to.include({
      key: ACCOUNT.toLowerCase(),
      did: IDENTITY.toLowerCase(),
      status: "recognized",
    });
    expect(byAccount.history.map((e) => e.event)).to.deep.equal([
      "IssuerApplied",
      "IssuerRecognized",
      "SchemaGranted",
    ]);
    expect(byAccount.acts.map((e) => e.event)).to.deep.equal(["Anchored"]);
    const byDid = await issuerReport(store, CHAIN_ID, IDENTITY);
    expect(byDid).to.deep.equal(byAccount);
  });

  it("knows nothing of an address that is neither an issuer's account nor its DID", async function () {
    const nobody = await issuerReport(store, CHAIN_ID, "0x000000000000000000000000000000000000dEaD");
    expect(nobody.issuer).to.equal(undefined);
    expect([nobody.history, nobody.acts, nobody.accreditations]).to.deep.equal([[], [], []]);
  });
});

describe("src/indexer/queries.ts: reports bounded in bytes", function () {
  let store: AuditStore;
  let close = async () => {};
  /** AnchoredMany events of 500 fingerprints (about 33 KB of arguments each), about 10 MB in all. */
  const ANCHORS = 300;

  before(async function () {
    const events = Array.from({ length: ANCHORS }, (_, i) =>
      event(i + 1, "FingerprintRegistry", FINGERPRINT_REGISTRY, "AnchoredMany", {
        issuer: ACCOUNT,
        schemaIndex: 0,
        expiresAt: "0",
        fingerprints: Array.from({ length: 500 }, (_, j) => word(i * 1_000 + j)),
      }),
    );
    ({ store, close } = await syntheticStore("audit-report-bytes", events));
  });

  after(async function () {
    await close();
  });

  it("stops an issuer's acts at about MAX_REPORT_BYTES, the first events in chain order, and says so", async function () {
    const report = await issuerReport(store, CHAIN_ID, ACCOUNT);
    expect(report.truncated).to.equal(true);
    expect(report.acts.length).to.be.greaterThan(100).and.lessThan(ANCHORS);
    expect(report.acts.map((e) => e.blockNumber)).to.deep.equal(
      Array.from({ length: report.acts.length }, (_, i) => i + 1),
    );
    const bytes = report.acts.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.args)), 0);
    const largest = Buffer.byteLength(JSON.stringify(report.acts[0]!.args)) + EVENT_BYTES_BESIDES_ARGS;
    expect(bytes).to.be.at.most(MAX_REPORT_BYTES + largest);
    expect(bytes + report.acts.length * EVENT_BYTES_BESIDES_ARGS).to.be.at.least(MAX_REPORT_BYTES);
  });

  it("reads everything, untruncated, within the bounds", async function () {
    const { events, truncated } = await allEvents(
      store,
      { chainId: CHAIN_ID, actor: ACCOUNT },
      1_000,
      64 << 20,
    );
    expect(truncated).to.equal(false);
    expect(events).to.have.length(ANCHORS);
    const counted = await allEvents(store, { chainId: CHAIN_ID, actor: ACCOUNT }, 7, 64 << 20);
    expect([counted.events.length, counted.truncated]).to.deep.equal([7, true]);
  });
});

describe("src/indexer/queries.ts: an order's timeline", function () {
  const ORDER_BOOK: Hex = "0x5555555555555555555555555555555555555555";
  const DID_REGISTRY: Hex = "0x6666666666666666666666666666666666666666";
  const BANK: Hex = "0x7777777777777777777777777777777777777777";
  const ORDER = word(0xabc);
  /** DID attributes named by the order's id, of 400 KB each: anyone may write them. */
  const ATTRIBUTES = 30;
  let store: AuditStore;
  let close = async () => {};

  before(async function () {
    const requested = event(1, "CreditOrderBook", ORDER_BOOK, "OrderRequested", {
      orderId: ORDER,
      requester: BANK,
      provider: ACCOUNT,
      subject: IDENTITY,
      productCode: SCHEMA_ID,
      consentId: word(0xc0),
      requestHash: word(0xd0),
      responseDeadline: "1900000000",
    });
    const noise = Array.from({ length: ATTRIBUTES }, (_, i) =>
      event(i + 2, "DIDRegistry", DID_REGISTRY, "DIDAttributeChanged", {
        identity: BANK,
        name: ORDER,
        value: `0x${"ab".repeat(400_000)}`,
        validTo: "1900000000",
        previousChange: "0",
      }),
    );
    const accepted = event(ATTRIBUTES + 2, "CreditOrderBook", ORDER_BOOK, "OrderStateChanged", {
      orderId: ORDER,
      state: 2,
      actor: ACCOUNT,
      detail: word(0),
    });
    ({ store, close } = await syntheticStore("audit-order-timeline", [requested, ...noise, accepted]));
  });

  after(async function () {
    await close();
  });

  it("holds the order book's events, not the 12 MB of DID attributes named by the order's id", async function () {
    const report = await orderReport(store, CHAIN_ID, ORDER);
    expect(report.truncated).to.equal(false);
    expect(report.timeline.map((e) => e.event)).to.deep.equal(["OrderRequested", "OrderStateChanged"]);
    expect(report.order).to.include({ key: ORDER, requester: BANK });
    // The attributes do name the order: a subject query finds them, bounded and saying so.
    const named = await allEvents(store, { chainId: CHAIN_ID, subject: ORDER });
    expect(named.truncated).to.equal(true);
    expect(named.events.map((e) => e.event)).not.to.include("OrderStateChanged");
  });
});
