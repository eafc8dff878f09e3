/**
 * Current-state tables, folded from the event table. Each row is a pure function of the events
 * that target it ({@link stateTargets}), applied in log order, so the index can rebuild any row
 * from its events — which is how a reorg rollback repairs the rows its orphaned events touched.
 *
 * Values the contracts keep as uint64 or wider (expiries, validity windows, effective-from times)
 * are stored as decimal text; block numbers and block times as integers.
 */
import { orderStates } from "../sdk/credit/orders.ts";
import { issuerTypes } from "../sdk/issuers/issuers.ts";
import { jsonText, type AuditEvent, type JsonValue, type StateTableName } from "./catalogue.ts";

export type ColumnType = "text" | "integer";
export type StateRow = Record<string, string | number | null>;

/** Column definitions of each state table (besides chain_id and key). */
export const STATE_TABLES: Record<StateTableName, Record<string, ColumnType>> = {
  schemas: {
    schema_index: "integer",
    name: "text",
    version: "text",
    definition_uri: "text",
    definition_hash: "text",
    revocable: "integer",
    reinstatable: "integer",
    registrar: "text",
    registered_block: "integer",
    registered_at: "integer",
  },
  accreditations: {
    issuer: "text",
    schema_id: "text",
    active: "integer",
    accredited_at: "integer",
    withdrawals: "integer",
    last_withdrawn_from: "text",
  },
  fingerprints: {
    issuer: "text",
    schema_index: "integer",
    expires_at: "text",
    anchored_block: "integer",
    anchored_at: "integer",
    transaction_hash: "text",
    method: "text",
    revoked: "integer",
    revocation_reason: "integer",
    superseded_by: "text",
    revoked_at: "integer",
  },
  batches: {
    issuer: "text",
    schema_index: "integer",
    leaf_count: "integer",
    expires_at: "text",
    anchored_block: "integer",
    anchored_at: "integer",
    transaction_hash: "text",
    uri: "text",
    revoked_leaves: "integer",
  },
  revocations: {
    fingerprint: "text",
    batch_root: "text",
    issuer: "text",
    revoked: "integer",
    reason: "integer",
    superseded_by: "text",
    revoked_at: "integer",
    reinstated_at: "integer",
    times_revoked: "integer",
  },
  dids: {
    owner: "text",
    deactivated: "integer",
    owner_changes: "integer",
    delegate_changes: "integer",
    attribute_changes: "integer",
    last_changed_block: "integer",
    last_changed_at: "integer",
  },
  issuers: {
    did: "text",
    issuer_type: "text",
    name: "text",
    jurisdiction: "text",
    status: "text",
    status_since: "integer",
    effective_from: "text",
    applied_at: "integer",
    schemas: "text",
  },
  consents: {
    owner: "text",
    grantee: "text",
    purpose: "text",
    scope: "text",
    valid_from: "text",
    valid_until: "text",
    max_uses: "integer",
    uses: "integer",
    relayer: "text",
    revoked: "integer",
    granted_block: "integer",
    granted_at: "integer",
    revoked_at: "integer",
    last_used_at: "integer",
  },
  orders: {
    requester: "text",
    provider: "text",
    subject: "text",
    product_code: "text",
    consent_id: "text",
    request_hash: "text",
    response_deadline: "text",
    state: "text",
    detail: "text",
    last_actor: "text",
    requested_block: "integer",
    requested_at: "integer",
    updated_at: "integer",
  },
  proposals: {
    committee: "text",
    proposer: "text",
    target: "text",
    value: "text",
    nonce: "text",
    data: "text",
    description: "text",
    submitted_at: "integer",
    approvals: "text",
    executed: "integer",
    executed_at: "integer",
    execution_transaction: "text",
  },
  committees: {
    members: "text",
    threshold: "integer",
    executions: "integer",
    failures: "integer",
    updated_at: "integer",
  },
  roles: {
    role_id: "text",
    account: "text",
    member: "integer",
    execution_delay: "integer",
    since: "integer",
    updated_at: "integer",
  },
};

export const STATE_TABLE_NAMES = Object.keys(STATE_TABLES) as StateTableName[];

const str = (value: JsonValue | undefined): string => jsonText(value);
const low = (value: JsonValue | undefined): string => jsonText(value).toLowerCase();
const num = (value: JsonValue | undefined): number => Number(value);
const ZERO_WORD = `0x${"0".repeat(64)}`;
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

function emptyRow(table: StateTableName): StateRow {
  return Object.fromEntries(Object.keys(STATE_TABLES[table]).map((column) => [column, null]));
}

function jsonList(value: string | number | null | undefined): string[] {
  return typeof value === "string" ? (JSON.parse(value) as string[]) : [];
}

/**
 * Applies one event to one state row (undefined when the row does not exist yet). Returns the new
 * row. Pure: the same events in the same order always give the same row.
 */
export function applyEvent(
  table: StateTableName,
  current: StateRow | undefined,
  event: AuditEvent,
): StateRow {
  const row: StateRow = { ...(current ?? emptyRow(table)) };
  const a = event.args;
  const t = event.blockTime;
  switch (`${table}.${event.event}`) {
    case "schemas.SchemaRegistered": {
      const d = a.definition as Record<string, JsonValue>;
      Object.assign(row, {
        schema_index: num(a.index),
        name: str(d.name),
        version: str(d.version),
        definition_uri: str(d.definitionURI),
        definition_hash: low(d.definitionHash),
        revocable: d.revocable ? 1 : 0,
        reinstatable: d.reinstatable ? 1 : 0,
        registrar: low(a.registrar),
        registered_block: event.blockNumber,
        registered_at: t,
      });
      break;
    }
    case "accreditations.IssuerAccredited":
      Object.assign(row, {
        issuer: low(a.issuer),
        schema_id: low(a.schemaId),
        active: 1,
        accredited_at: t,
        withdrawals: Number(row.withdrawals ?? 0),
      });
      break;
    case "accreditations.AccreditationWithdrawn":
      Object.assign(row, {
        issuer: low(a.issuer),
        schema_id: low(a.schemaId),
        active: 0,
        withdrawals: Number(row.withdrawals ?? 0) + 1,
        last_withdrawn_from: str(a.effectiveFrom),
      });
      break;
    case "fingerprints.Anchored":
    case "fingerprints.AnchoredMany":
      Object.assign(row, {
        issuer: low(a.issuer),
        schema_index: num(a.schemaIndex),
        expires_at: str(a.expiresAt),
        anchored_block: event.blockNumber,
        anchored_at: t,
        transaction_hash: event.transactionHash,
        method: event.event === "Anchored" ? "anchor" : "anchorMany",
        revoked: 0,
      });
      break;
    case "fingerprints.Revoked":
      Object.assign(row, {
        revoked: 1,
        revocation_reason: num(a.reason),
        superseded_by: lowOrNull(a.supersededBy),
        revoked_at: t,
      });
      break;
    case "fingerprints.Reinstated":
      Object.assign(row, { revoked: 0, revocation_reason: null, superseded_by: null, revoked_at: null });
      break;
    case "batches.BatchAnchored":
      Object.assign(row, {
        issuer: low(a.issuer),
        schema_index: num(a.schemaIndex),
        leaf_count: num(a.leafCount),
        expires_at: str(a.expiresAt),
        anchored_block: event.blockNumber,
        anchored_at: t,
        transaction_hash: event.transactionHash,
        revoked_leaves: Number(row.revoked_leaves ?? 0),
      });
      break;
    case "batches.BatchURI":
      row.uri = str(a.uri);
      break;
    case "batches.Revoked":
      row.revoked_leaves = Number(row.revoked_leaves ?? 0) + 1;
      break;
    case "batches.Reinstated":
      // A reinstatement voided by a backdated withdrawal is followed by the genuine issuer's own, with
      // no revocation between (the registry keeps the first one): never count below none.
      row.revoked_leaves = Math.max(0, Number(row.revoked_leaves ?? 0) - 1);
      break;
    case "revocations.Revoked":
      Object.assign(row, {
        fingerprint: low(a.fingerprint),
        batch_root: lowOrNull(a.batchRoot),
        issuer: low(a.issuer),
        revoked: 1,
        reason: num(a.reason),
        superseded_by: lowOrNull(a.supersededBy),
        revoked_at: t,
        reinstated_at: null,
        times_revoked: Number(row.times_revoked ?? 0) + 1,
      });
      break;
    case "revocations.Reinstated":
      Object.assign(row, {
        fingerprint: low(a.fingerprint),
        batch_root: lowOrNull(a.batchRoot),
        issuer: low(a.issuer),
        revoked: 0,
        reinstated_at: t,
      });
      break;
    case "dids.DIDOwnerChanged": {
      const owner = low(a.owner);
      Object.assign(row, {
        owner,
        deactivated: owner === ZERO_ADDRESS ? 1 : 0,
        owner_changes: Number(row.owner_changes ?? 0) + 1,
      });
      touchDid(row, event);
      break;
    }
    case "dids.DIDDelegateChanged":
      row.delegate_changes = Number(row.delegate_changes ?? 0) + 1;
      touchDid(row, event);
      break;
    case "dids.DIDAttributeChanged":
      row.attribute_changes = Number(row.attribute_changes ?? 0) + 1;
      touchDid(row, event);
      break;
    case "issuers.IssuerApplied":
      Object.assign(row, {
        did: low(a.did),
        issuer_type: issuerTypes[num(a.issuerType)] ?? str(a.issuerType),
        name: str(a.name),
        jurisdiction: str(a.jurisdiction),
        status: "applied",
        status_since: t,
        effective_from: null,
        applied_at: t,
        schemas: row.schemas ?? "[]",
      });
      break;
    case "issuers.IssuerRecognized":
    case "issuers.IssuerReinstated":
      Object.assign(row, {
        status: "recognized",
        status_since: t,
        effective_from: null,
        schemas: row.schemas ?? "[]",
      });
      break;
    case "issuers.IssuerSuspended":
    case "issuers.IssuerRemoved":
      Object.assign(row, {
        status: event.event === "IssuerSuspended" ? "suspended" : "removed",
        status_since: t,
        effective_from: str(a.effectiveFrom),
        // A suspension keeps the held schemas (a reinstatement re-accredits them); a removal clears them.
        schemas: event.event === "IssuerSuspended" ? (row.schemas ?? "[]") : "[]",
      });
      break;
    case "issuers.SchemaGranted": {
      const schemas = jsonList(row.schemas);
      const id = low(a.schemaId);
      if (!schemas.includes(id)) schemas.push(id);
      row.schemas = JSON.stringify(schemas);
      break;
    }
    case "issuers.SchemaRevoked":
      row.schemas = JSON.stringify(jsonList(row.schemas).filter((id) => id !== low(a.schemaId)));
      break;
    case "consents.ConsentGranted":
      Object.assign(row, {
        owner: low(a.owner),
        grantee: low(a.grantee),
        purpose: low(a.purpose),
        scope: JSON.stringify((a.scope as string[]).map((s) => s.toLowerCase())),
        valid_from: str(a.validFrom),
        valid_until: str(a.validUntil),
        max_uses: num(a.maxUses),
        uses: Number(row.uses ?? 0),
        relayer: lowOrNull(a.relayer),
        revoked: 0,
        granted_block: event.blockNumber,
        granted_at: t,
      });
      break;
    case "consents.ConsentRevoked":
      Object.assign(row, { revoked: 1, revoked_at: t });
      break;
    case "consents.ConsentConsumed":
      Object.assign(row, { uses: num(a.uses), last_used_at: t });
      break;
    case "orders.OrderRequested":
      Object.assign(row, {
        requester: low(a.requester),
        provider: low(a.provider),
        subject: low(a.subject),
        product_code: low(a.productCode),
        consent_id: low(a.consentId),
        request_hash: lowOrNull(a.requestHash),
        response_deadline: str(a.responseDeadline),
        state: "requested",
        detail: null,
        last_actor: low(a.requester),
        requested_block: event.blockNumber,
        requested_at: t,
        updated_at: t,
      });
      break;
    case "orders.OrderStateChanged":
      Object.assign(row, {
        state: orderStates[num(a.state)] ?? str(a.state),
        detail: lowOrNull(a.detail),
        last_actor: low(a.actor),
        updated_at: t,
      });
      break;
    case "proposals.ProposalSubmitted":
      Object.assign(row, {
        committee: low(a.committee),
        proposer: low(a.proposer),
        target: low(a.to),
        value: str(a.value),
        nonce: str(a.nonce),
        data: low(a.data),
        description: str(a.description),
        submitted_at: t,
        approvals: row.approvals ?? "[]",
        executed: row.executed ?? 0,
      });
      break;
    case "proposals.ApproveHash": {
      const approvals = jsonList(row.approvals);
      const owner = low(a.owner);
      if (!approvals.includes(owner)) approvals.push(owner);
      Object.assign(row, { approvals: JSON.stringify(approvals), executed: row.executed ?? 0 });
      break;
    }
    case "proposals.ExecutionSuccess":
      Object.assign(row, {
        approvals: row.approvals ?? "[]",
        executed: 1,
        executed_at: t,
        execution_transaction: event.transactionHash,
      });
      break;
    case "proposals.ExecutionFailure":
      Object.assign(row, { approvals: row.approvals ?? "[]", executed: row.executed ?? 0 });
      break;
    case "committees.SafeSetup":
      Object.assign(row, {
        members: JSON.stringify((a.owners as string[]).map((o) => o.toLowerCase())),
        threshold: num(a.threshold),
        executions: Number(row.executions ?? 0),
        failures: Number(row.failures ?? 0),
        updated_at: t,
      });
      break;
    case "committees.AddedOwner": {
      const members = jsonList(row.members);
      // Safe adds new owners at the head of its linked list.
      members.unshift(low(a.owner));
      Object.assign(row, { members: JSON.stringify(members), updated_at: t });
      break;
    }
    case "committees.RemovedOwner":
      Object.assign(row, {
        members: JSON.stringify(jsonList(row.members).filter((m) => m !== low(a.owner))),
        updated_at: t,
      });
      break;
    case "committees.ChangedThreshold":
      Object.assign(row, { threshold: num(a.threshold), updated_at: t });
      break;
    case "committees.ExecutionSuccess":
      Object.assign(row, { executions: Number(row.executions ?? 0) + 1, updated_at: t });
      break;
    case "committees.ExecutionFailure":
      Object.assign(row, { failures: Number(row.failures ?? 0) + 1, updated_at: t });
      break;
    case "roles.RoleGranted":
      Object.assign(row, {
        role_id: str(a.roleId),
        account: low(a.account),
        member: 1,
        execution_delay: num(a.delay),
        since: num(a.since),
        updated_at: t,
      });
      break;
    case "roles.RoleRevoked":
      Object.assign(row, {
        role_id: str(a.roleId),
        account: low(a.account),
        member: 0,
        execution_delay: null,
        since: null,
        updated_at: t,
      });
      break;
    default:
      throw new Error(`no projection of ${event.event} into ${table}`);
  }
  return row;
}

function lowOrNull(value: JsonValue | undefined): string | null {
  const v = low(value);
  return v === ZERO_WORD || v === ZERO_ADDRESS || v === "0x" ? null : v;
}

function touchDid(row: StateRow, event: AuditEvent): void {
  row.owner ??= low(event.args.identity);
  row.deactivated ??= 0;
  row.owner_changes ??= 0;
  row.delegate_changes ??= 0;
  row.attribute_changes ??= 0;
  row.last_changed_block = event.blockNumber;
  row.last_changed_at = event.blockTime;
}
