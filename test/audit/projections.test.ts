/**
 * State folds (src/indexer/projections.ts, routed by catalogue.ts's stateTargets) on event
 * sequences the shared audit history does not produce: a contract posing as a Safe that submits a
 * proposal under a real proposal's id, and an issuer removed while it still holds schemas.
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { finish, stateTargets, type AuditEvent } from "../../src/indexer/catalogue.ts";
import { applyEvent, type StateRow } from "../../src/indexer/projections.ts";
import type { ContractName } from "../../src/sdk/contracts.ts";

const COMMITTEE: Hex = "0x1111111111111111111111111111111111111111";
const FAKE_SAFE: Hex = "0x2222222222222222222222222222222222222222";
const AGENDA: Hex = "0x3333333333333333333333333333333333333333";
const REGISTRY: Hex = "0x4444444444444444444444444444444444444444";
const MEMBER: Hex = "0x5555555555555555555555555555555555555555";
const ISSUER: Hex = "0x6666666666666666666666666666666666666666";
const PROPOSAL_ID: Hex = `0x${"ab".repeat(32)}`;
const SCHEMA_ID: Hex = `0x${"cd".repeat(32)}`;

let logIndex = 0;
function event(contract: ContractName, address: Hex, name: string, args: AuditEvent["args"]): AuditEvent {
  logIndex += 1;
  return finish({
    chainId: 31_337,
    blockNumber: logIndex,
    blockHash: `0x${logIndex.toString(16).padStart(64, "0")}`,
    blockTime: 1_800_000_000 + logIndex,
    transactionHash: `0x${(logIndex + 1_000).toString(16).padStart(64, "0")}`,
    transactionIndex: 0,
    logIndex,
    contract,
    address,
    event: name,
    args,
  });
}

/** Folds the events into state rows, as the indexer does: `table/key` → row. */
function fold(events: AuditEvent[]): Map<string, StateRow> {
  const rows = new Map<string, StateRow>();
  for (const item of events) {
    for (const { table, key } of stateTargets(item)) {
      const id = `${table}/${key}`;
      rows.set(id, applyEvent(table, rows.get(id), item));
    }
  }
  return rows;
}

function submitted(committee: Hex, description: string): AuditEvent {
  return event("CommitteeProposals", AGENDA, "ProposalSubmitted", {
    proposalId: PROPOSAL_ID,
    committee,
    proposer: MEMBER,
    to: REGISTRY,
    value: "0",
    nonce: "0",
    data: "0x1234",
    description,
  });
}

describe("audit state folds (src/indexer/projections.ts)", function () {
  it("files a proposal under its committee: a fake Safe reusing its id gets a row of its own", function () {
    const genuine = [
      submitted(COMMITTEE, "Register health.test-report@1.0"),
      event("Committee", COMMITTEE, "ApproveHash", { approvedHash: PROPOSAL_ID, owner: MEMBER }),
      event("Committee", COMMITTEE, "ExecutionSuccess", { txHash: PROPOSAL_ID, payment: "0" }),
    ];
    const before = fold(genuine);
    const row = before.get(`proposals/${COMMITTEE}:${PROPOSAL_ID}`);
    expect(row).to.include({
      committee: COMMITTEE,
      description: "Register health.test-report@1.0",
      executed: 1,
      approvals: JSON.stringify([MEMBER]),
    });

    const after = fold([...genuine, submitted(FAKE_SAFE, "Routine schema registration")]);
    expect(after.get(`proposals/${COMMITTEE}:${PROPOSAL_ID}`)).to.deep.equal(row);
    expect(after.get(`proposals/${FAKE_SAFE}:${PROPOSAL_ID}`)).to.include({
      committee: FAKE_SAFE,
      description: "Routine schema registration",
      executed: 0,
      approvals: "[]",
    });
  });

  it("never counts a batch's revoked leaves below none (a voided reinstatement, then the genuine one)", function () {
    const root: Hex = `0x${"ef".repeat(32)}`;
    const leaf: Hex = `0x${"12".repeat(32)}`;
    const leafEvent = (name: string, args: AuditEvent["args"] = {}) =>
      event("FingerprintRegistry", REGISTRY, name, {
        fingerprint: leaf,
        issuer: ISSUER,
        batchRoot: root,
        ...args,
      });
    const rows = fold([
      event("FingerprintRegistry", REGISTRY, "BatchAnchored", {
        root,
        issuer: ISSUER,
        schemaIndex: 1,
        leafCount: 4,
        expiresAt: "0",
      }),
      leafEvent("Revoked", { reason: 3, supersededBy: `0x${"0".repeat(64)}` }),
      leafEvent("Reinstated"), // a stolen key's, voided later by a backdated withdrawal
      leafEvent("Reinstated"), // the issuer's own, once accredited again
    ]);
    expect(rows.get(`batches/${root}`)).to.include({ revoked_leaves: 0 });
  });

  it("keeps a suspended issuer's schemas and clears a removed one's, as IssuerRegistry does", function () {
    const history = [
      event("IssuerRegistry", REGISTRY, "IssuerRecognized", { issuer: ISSUER }),
      event("IssuerRegistry", REGISTRY, "SchemaGranted", { issuer: ISSUER, schemaId: SCHEMA_ID }),
      event("IssuerRegistry", REGISTRY, "IssuerSuspended", { issuer: ISSUER, effectiveFrom: "1800000000" }),
    ];
    const suspended = fold(history).get(`issuers/${ISSUER}`);
    expect(suspended).to.include({ status: "suspended", schemas: JSON.stringify([SCHEMA_ID]) });
    const removed = fold([
      ...history,
      event("IssuerRegistry", REGISTRY, "IssuerRemoved", { issuer: ISSUER, effectiveFrom: "1800000000" }),
    ]).get(`issuers/${ISSUER}`);
    expect(removed).to.include({ status: "removed", schemas: "[]" });
  });
});
