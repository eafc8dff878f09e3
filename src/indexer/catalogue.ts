/**
 * What the audit index reads: every event of every Crossproof contract named in a deployment
 * manifest, decoded with the generated ABIs into one portable shape ({@link AuditEvent}).
 *
 * Arguments are normalised to JSON (integers wider than 48 bits and every `uint256` become decimal
 * strings, bytes stay 0x-hex, tuples become objects), so the index stores, compares and exports
 * exactly what the chain says, whatever the database.
 */
import { decodeEventLog, toEventSelector, type Abi, type AbiEvent, type Hex } from "viem";

import { contractAbis, contractEventNames, contractNames, type ContractName } from "../sdk/contracts.ts";
import type { AuditEventRecord, EventArgs, JsonValue } from "../sdk/audit.ts";
import type { DeploymentManifest } from "../sdk/deployments.ts";
import { fastDecoder, type FastDecoder } from "./decode.ts";

export type { ContractName };

/** The contracts the index reads, by their manifest names (src/sdk/contracts.ts). */
export const CONTRACTS = contractAbis;
export const CONTRACT_NAMES = contractNames;

/** Event names per contract, for validating filters. */
export const EVENT_NAMES = Object.fromEntries(
  CONTRACT_NAMES.map((name) => [name, contractEventNames(name)]),
) as Record<ContractName, string[]>;

export const ALL_EVENT_NAMES = contractEventNames();

export type { EventArgs, JsonValue };

/** One decoded log, as the index stores it, with the keys it is found by (lowercase). */
export type AuditEvent = AuditEventRecord & {
  /** Every address and bytes32 the event names, plus the keys of the state rows it changes. */
  keys: string[];
};

const ZERO_WORD = `0x${"0".repeat(64)}`;
const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

/** A log as viem's getLogs returns it (quantities as bigint or number) or as the node sends it (hex). */
export type LogInput = {
  address: Hex;
  topics: readonly Hex[];
  data: Hex;
  blockNumber: bigint | number | Hex | null;
  blockHash: Hex | null;
  transactionHash: Hex | null;
  transactionIndex: bigint | number | Hex | null;
  logIndex: bigint | number | Hex | null;
};

/** Addresses of the manifest's contracts, and the decoder for each. */
export type Catalogue = {
  addresses: Hex[];
  decode(log: LogInput, blockTime: number, chainId: number): AuditEvent;
};

export function catalogueFor(manifest: DeploymentManifest): Catalogue {
  const byAddress = new Map<string, ContractName>();
  for (const name of CONTRACT_NAMES) byAddress.set(manifest.contracts[name].toLowerCase(), name);
  const events = new Map<ContractName, Map<string, { item: AbiEvent; fast: FastDecoder | undefined }>>();
  for (const name of CONTRACT_NAMES) {
    const map = new Map<string, { item: AbiEvent; fast: FastDecoder | undefined }>();
    for (const item of CONTRACTS[name] as Abi) {
      if (item.type !== "event") continue;
      const selector = toEventSelector(item);
      map.set(selector, { item, fast: fastDecoder(item) });
    }
    events.set(name, map);
  }
  return {
    addresses: CONTRACT_NAMES.map((name) => manifest.contracts[name] as Hex),
    decode(log, blockTime, chainId) {
      const contract = byAddress.get(log.address.toLowerCase());
      if (!contract) throw new Error(`log from ${log.address} is not from a Crossproof contract`);
      const topic0 = log.topics[0];
      const known = topic0 ? events.get(contract)!.get(topic0) : undefined;
      let event: string;
      let args: EventArgs;
      if (known) {
        event = known.item.name;
        // decode.ts gives viem's values faster; what it leaves undecided, viem decodes.
        const fast = known.fast?.(log.topics, log.data);
        if (fast) args = fast;
        else {
          const decoded = decodeEventLog({
            abi: [known.item],
            data: log.data,
            topics: log.topics as [Hex, ...Hex[]],
            strict: true,
          });
          event = decoded.eventName;
          args = toJsonArgs(decoded.args);
        }
      } else {
        event = `unknown:${topic0 ?? "anonymous"}`;
        args = { topics: [...log.topics], data: log.data };
      }
      return finish({
        chainId,
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash!,
        blockTime,
        transactionHash: log.transactionHash!,
        transactionIndex: Number(log.transactionIndex),
        logIndex: Number(log.logIndex),
        contract,
        address: log.address.toLowerCase() as Hex,
        event,
        args,
      });
    },
  };
}

/** A JSON value as text: strings as they are, structures as JSON. */
export function jsonText(value: JsonValue | undefined): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/** Converts decoded viem args to JSON: bigint → decimal string, recursively. */
export function toJsonArgs(args: Record<string, unknown>): EventArgs {
  return toJson(args) as EventArgs;
}

function toJson(value: unknown): JsonValue {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value as JsonValue;
}

/** Fills actor, subject and keys from the decoded arguments. */
export function finish(event: Omit<AuditEvent, "actor" | "subject" | "keys">): AuditEvent {
  const { actor, subject } = roles(event);
  const keys = new Set<string>();
  collectKeys(event.args, keys);
  if (event.event.startsWith("unknown:")) keys.clear();
  for (const target of stateTargets(event)) keys.add(target.key);
  if (subject) keys.add(subject);
  return { ...event, actor, subject, keys: [...keys] };
}

function collectKeys(value: JsonValue, into: Set<string>): void {
  if (typeof value === "string") {
    if (/^0x[0-9a-fA-F]{40}$/.test(value) || /^0x[0-9a-fA-F]{64}$/.test(value)) {
      const key = value.toLowerCase();
      if (key !== ZERO_ADDRESS && key !== ZERO_WORD) into.add(key);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) collectKeys(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) collectKeys(item, into);
  }
}

const lower = (value: JsonValue | undefined): string | null =>
  typeof value === "string" && value !== ZERO_ADDRESS && value !== ZERO_WORD ? value.toLowerCase() : null;

/** The event's actor and main subject, per the event catalogue (docs/events.md). */
function roles(event: Pick<AuditEvent, "contract" | "event" | "args" | "address">): {
  actor: string | null;
  subject: string | null;
} {
  const a = event.args;
  switch (event.event) {
    case "SchemaRegistered":
      return { actor: lower(a.registrar), subject: lower(a.schemaId) };
    case "IssuerAccredited":
    case "AccreditationWithdrawn":
      return { actor: null, subject: lower(a.issuer) };
    case "Anchored":
    case "Revoked":
    case "Reinstated":
      return { actor: lower(a.issuer), subject: lower(a.fingerprint) };
    case "AnchoredMany":
      return { actor: lower(a.issuer), subject: null };
    case "BatchAnchored":
      return { actor: lower(a.issuer), subject: lower(a.root) };
    case "BatchURI":
      return { actor: null, subject: lower(a.root) };
    case "DIDOwnerChanged":
    case "DIDDelegateChanged":
    case "DIDAttributeChanged":
      return { actor: null, subject: lower(a.identity) };
    case "IssuerApplied":
      return { actor: lower(a.issuer), subject: lower(a.issuer) };
    case "IssuerRecognized":
    case "IssuerSuspended":
    case "IssuerReinstated":
    case "IssuerRemoved":
    case "SchemaGranted":
    case "SchemaRevoked":
      return { actor: null, subject: lower(a.issuer) };
    case "ProposalSubmitted":
      return { actor: lower(a.proposer), subject: lower(a.proposalId) };
    case "ApproveHash":
      return { actor: lower(a.owner), subject: lower(a.approvedHash) };
    case "ExecutionSuccess":
    case "ExecutionFailure":
      return { actor: null, subject: lower(a.txHash) };
    case "SafeMultiSigTransaction":
      return { actor: executorOf(a.additionalInfo), subject: lower(a.to) };
    case "ConsentGranted":
    case "ConsentRevoked":
      return { actor: lower(a.owner), subject: lower(a.consentId) };
    case "ConsentConsumed":
      return { actor: lower(a.consumer), subject: lower(a.consentId) };
    case "TrustedConsumerSet":
      return { actor: null, subject: lower(a.consumer) };
    case "OrderRequested":
      return { actor: lower(a.requester), subject: lower(a.orderId) };
    case "OrderStateChanged":
      return { actor: lower(a.actor), subject: lower(a.orderId) };
    case "RoleGranted":
    case "RoleRevoked":
      return { actor: null, subject: lower(a.account) };
    case "Paused":
    case "Unpaused":
      // Pausable's account is the caller: the committee Safe, executing a proposal.
      return { actor: lower(a.account), subject: event.address.toLowerCase() };
    default:
      return { actor: null, subject: null };
  }
}

/** `additionalInfo` of SafeMultiSigTransaction is `abi.encode(nonce, executor, threshold)`. */
function executorOf(additionalInfo: JsonValue | undefined): string | null {
  if (typeof additionalInfo !== "string" || additionalInfo.length < 2 + 64 * 2) return null;
  return `0x${additionalInfo.slice(2 + 64 + 24, 2 + 128)}`.toLowerCase();
}

/** A current-state row an event changes: table and key. */
export type StateTarget = { table: StateTableName; key: string };

export type StateTableName =
  | "schemas"
  | "accreditations"
  | "fingerprints"
  | "batches"
  | "revocations"
  | "dids"
  | "issuers"
  | "consents"
  | "orders"
  | "proposals"
  | "committees"
  | "roles";

/** Which state rows an event changes (see projections.ts for how). */
export function stateTargets(event: Pick<AuditEvent, "event" | "args" | "address">): StateTarget[] {
  const a = event.args;
  const key = (value: JsonValue | undefined) => jsonText(value).toLowerCase();
  switch (event.event) {
    case "SchemaRegistered":
      return [{ table: "schemas", key: key(a.schemaId) }];
    case "IssuerAccredited":
    case "AccreditationWithdrawn":
      return [{ table: "accreditations", key: `${key(a.issuer)}:${key(a.schemaId)}` }];
    case "Anchored":
      return [{ table: "fingerprints", key: key(a.fingerprint) }];
    case "AnchoredMany":
      return (a.fingerprints as string[]).map((fp) => ({ table: "fingerprints", key: key(fp) }));
    case "BatchAnchored":
    case "BatchURI":
      return [{ table: "batches", key: key(a.root) }];
    case "Revoked":
    case "Reinstated": {
      const root = key(a.batchRoot);
      const targets: StateTarget[] = [{ table: "revocations", key: `${key(a.fingerprint)}:${root}` }];
      targets.push(
        root === ZERO_WORD
          ? { table: "fingerprints", key: key(a.fingerprint) }
          : { table: "batches", key: root },
      );
      return targets;
    }
    case "DIDOwnerChanged":
    case "DIDDelegateChanged":
    case "DIDAttributeChanged":
      return [{ table: "dids", key: key(a.identity) }];
    case "IssuerApplied":
    case "IssuerRecognized":
    case "IssuerSuspended":
    case "IssuerReinstated":
    case "IssuerRemoved":
    case "SchemaGranted":
    case "SchemaRevoked":
      return [{ table: "issuers", key: key(a.issuer) }];
    // A proposal is the committee's (CommitteeProposals files it under committee and id): a contract
    // posing as a Safe may submit a proposal with a real one's id, and gets a row of its own.
    case "ProposalSubmitted":
      return [{ table: "proposals", key: `${key(a.committee)}:${key(a.proposalId)}` }];
    case "ApproveHash":
      return [{ table: "proposals", key: `${event.address.toLowerCase()}:${key(a.approvedHash)}` }];
    case "ExecutionSuccess":
    case "ExecutionFailure":
      return [
        { table: "proposals", key: `${event.address.toLowerCase()}:${key(a.txHash)}` },
        { table: "committees", key: event.address.toLowerCase() },
      ];
    case "SafeSetup":
    case "AddedOwner":
    case "RemovedOwner":
    case "ChangedThreshold":
      return [{ table: "committees", key: event.address.toLowerCase() }];
    case "ConsentGranted":
    case "ConsentRevoked":
    case "ConsentConsumed":
      return [{ table: "consents", key: key(a.consentId) }];
    case "OrderRequested":
    case "OrderStateChanged":
      return [{ table: "orders", key: key(a.orderId) }];
    case "RoleGranted":
    case "RoleRevoked":
      return [{ table: "roles", key: `${jsonText(a.roleId)}:${key(a.account)}` }];
    default:
      return [];
  }
}
