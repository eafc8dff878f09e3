/**
 * The auditor's questions (src/indexer/queries.ts) on event sequences the shared audit history does
 * not produce: an institution that applied from one account with the DID of another identity.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import type { Hex } from "viem";

import { finish, type AuditEvent } from "../../src/indexer/catalogue.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import { issuerReport } from "../../src/indexer/queries.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import type { ContractName } from "../../src/sdk/contracts.ts";

const CHAIN_ID = 31_337;
const ISSUER_REGISTRY: Hex = "0x1111111111111111111111111111111111111111";
const FINGERPRINT_REGISTRY: Hex = "0x2222222222222222222222222222222222222222";
/** The account that applied and anchors. */
const ACCOUNT: Hex = "0x3333333333333333333333333333333333333333";
/** The identity whose DID it applied with (it acts as that identity's delegate). */
const IDENTITY: Hex = "0x4444444444444444444444444444444444444444";
const SCHEMA_ID: Hex = `0x${"cd".repeat(32)}`;

const block = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
function event(
  n: number,
  contract: ContractName,
  address: Hex,
  name: string,
  args: AuditEvent["args"],
): AuditEvent {
  return finish({
    chainId: CHAIN_ID,
    blockNumber: n,
    blockHash: block(n),
    blockTime: 1_800_000_000 + n,
    transactionHash: block(n + 1_000),
    transactionIndex: 0,
    logIndex: 0,
    contract,
    address,
    event: name,
    args,
  });
}

describe("src/indexer/queries.ts: issuerReport", function () {
  let dir: string;
  let store: AuditStore;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "crossproof-audit-queries-"));
    store = await openAuditStore({ sqlitePath: join(dir, "audit.sqlite") });
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
        fingerprint: block(99),
        issuer: ACCOUNT,
        schemaIndex: 0,
        expiresAt: "0",
      }),
    ];
    await store.commitRange({
      chainId: CHAIN_ID,
      expectedPrevious: null,
      cursor: { blockNumber: 4, blockHash: block(4) },
      blocks: events.map((e) => ({ number: e.blockNumber, hash: e.blockHash, time: e.blockTime })),
      events,
    });
  });

  after(async function () {
    await (store as AuditStore | undefined)?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
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
