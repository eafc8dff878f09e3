/**
 * The shape of an audit event as the audit index stores it and its API and CLI print it
 * (`docs/audit.md`), for any client of the audit API (the web app, auditors' tools).
 */
import type { Hex } from "viem";

import type { ContractName } from "./contracts.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Decoded event arguments: bigint as decimal strings, bytes as 0x-hex, tuples as objects. */
export type EventArgs = Record<string, JsonValue>;

/** One decoded log. Addresses and hashes in `actor` and `subject` are lowercase. */
export type AuditEventRecord = {
  chainId: number;
  blockNumber: number;
  blockHash: Hex;
  /** Block timestamp, seconds. */
  blockTime: number;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
  contract: ContractName;
  address: Hex;
  /** The event name, or `unknown:<topic0>` for a log this version cannot decode. */
  event: string;
  args: EventArgs;
  /** Who acted, when the event says so (issuer, owner, requester, consumer, proposer...). */
  actor: string | null;
  /** What the event is about first (fingerprint, root, consent, order, DID, issuer...). */
  subject: string | null;
};

/** One page of `GET /api/events`; `next` continues it. */
export type AuditEventPage = { events: AuditEventRecord[]; next: string | null };
