/**
 * Validation of audit queries, shared by `crossproof audit` and the HTTP API: every malformed
 * address, date, block, contract or event name is refused with a message that says what to give.
 */
import { getAddress } from "viem";
import { z } from "zod";

import { InvalidInputError } from "../sdk/errors.ts";
import { didOf, parseDid } from "../sdk/identity/did.ts";
import { isoSeconds } from "../sdk/time.ts";
import { ALL_EVENT_NAMES, CONTRACT_NAMES, EVENT_NAMES, type ContractName } from "./catalogue.ts";
import type { EventFilter } from "./store.ts";

/** Most events one page may hold; larger exports page with the cursor. */
export const MAX_PAGE = 10_000;
export const DEFAULT_PAGE = 50;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * An address (with a correct checksum when mixed-case), or a did:ethr DID of the index's chain
 * (`chainId`; any chain when omitted); its address, lowercase. Undefined when `value` is neither
 * an address nor a DID.
 */
function addressOrDid(value: string, what: string, chainId: number | undefined): string | undefined {
  if (value.startsWith("did:")) {
    const did = parseDid(value);
    if (chainId !== undefined && did.chainId !== chainId)
      throw new InvalidInputError(
        `${what} ${did.did} is a DID of chain ${did.chainId}, but this index is of chain ${chainId}; give the address, or its DID here: ${didOf({ chainId, address: did.address })}.`,
      );
    return did.address.toLowerCase();
  }
  if (!ADDRESS.test(value)) return undefined;
  const body = value.slice(2);
  if (body !== body.toLowerCase() && body !== body.toUpperCase() && getAddress(value) !== value)
    throw new InvalidInputError(
      `${what} ${value} has a wrong checksum; write it in lowercase or with the right checksum.`,
    );
  return value.toLowerCase();
}

/** An address, a 32-byte id, or a did:ethr DID (its address); lowercase. */
export function parseParty(value: string, what: string, chainId?: number): string {
  const trimmed = value.trim();
  const address = addressOrDid(trimmed, what, chainId);
  if (address) return address;
  if (BYTES32.test(trimmed)) return trimmed.toLowerCase();
  throw new InvalidInputError(
    `${what} "${value}" is not an address (0x + 40 hex digits), a 32-byte id (0x + 64 hex digits) or a did:ethr DID.`,
  );
}

/** An address or a did:ethr DID (its address); lowercase. */
export function parseAddressOrDid(value: string, what: string, chainId?: number): string {
  const address = addressOrDid(value.trim(), what, chainId);
  if (!address)
    throw new InvalidInputError(
      `${what} "${value}" is not an address (0x + 40 hex digits) or a did:ethr DID (did:ethr:0x<chain id in hex>:0x<address>).`,
    );
  return address;
}

export function parseBytes32(value: string, what: string): string {
  if (!BYTES32.test(value.trim()))
    throw new InvalidInputError(`${what} "${value}" is not a 32-byte id (0x followed by 64 hex digits).`);
  return value.trim().toLowerCase();
}

export function parseContract(value: string): ContractName {
  const found = CONTRACT_NAMES.find((name) => name.toLowerCase() === value.trim().toLowerCase());
  if (!found)
    throw new InvalidInputError(`Unknown contract "${value}". Contracts: ${CONTRACT_NAMES.join(", ")}.`);
  return found;
}

export function parseEventName(value: string, contract?: ContractName): string {
  const names = contract ? EVENT_NAMES[contract] : ALL_EVENT_NAMES;
  const found = names.find((name) => name.toLowerCase() === value.trim().toLowerCase());
  if (!found)
    throw new InvalidInputError(
      `Unknown event "${value}"${contract ? ` for ${contract}` : ""}. Events: ${names.join(", ")}.`,
    );
  return found;
}

/** A bound of `--from`/`--to`: a block number, or an ISO 8601 date or date-time (UTC unless it says). */
export type Bound = { block: number } | { time: number };

export function parseBound(value: string, what: string, end: boolean): Bound {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const block = Number(text);
    if (!Number.isSafeInteger(block)) throw new InvalidInputError(`${what} ${value} is not a block number.`);
    return { block };
  }
  const seconds = isoSeconds(text);
  if (seconds === undefined) {
    // In a URL query an unencoded "+" arrives as a space: 2026-11-26T08:30:00 08:00.
    const lostPlus = /\d \d{2}:?\d{2}$/.test(text) && isoSeconds(text.replace(/ (\d{2}:?\d{2})$/, "+$1"));
    throw new InvalidInputError(
      lostPlus
        ? `${what} "${value}" lost the "+" of its offset: in a URL write it as %2B (e.g. 2026-11-26T08:30:00%2B08:00).`
        : `${what} "${value}" is neither a block number nor a date; give e.g. 1200, 2026-11-26 or 2026-11-26T08:30:00Z.`,
    );
  }
  const dateOnly = !/[T ]/i.test(text);
  // Blocks carry whole seconds: a lower bound inside a second starts at the next one.
  const fraction = /\.\d*[1-9]/.test(text) && !end ? 1 : 0;
  // A bare date as an upper bound means the whole day.
  return { time: end && dateOnly ? seconds + 86_399 : seconds + fraction };
}

export type PagePosition = { blockNumber: number; logIndex: number };

export function formatCursor(position: PagePosition): string {
  return `${position.blockNumber}.${position.logIndex}`;
}

export function parseCursor(value: string): PagePosition {
  const match = /^(\d+)\.(\d+)$/.exec(value.trim());
  const position = match ? { blockNumber: Number(match[1]), logIndex: Number(match[2]) } : undefined;
  if (!position || !Number.isSafeInteger(position.blockNumber) || !Number.isSafeInteger(position.logIndex))
    throw new InvalidInputError(
      `Cursor "${value}" is not one this index gave out; use the "next" value of the previous page.`,
    );
  return position;
}

const text = z.string().trim().min(1).optional();

/** Raw query parameters (CLI flags or URL query), all optional strings. */
export const eventQuerySchema = z
  .object({
    contract: text,
    event: text,
    actor: text,
    subject: text,
    from: text,
    to: text,
    limit: text,
    cursor: text,
    order: text,
  })
  .strict();

export type EventQuery = z.input<typeof eventQuerySchema>;

/**
 * Turns raw, untrusted query parameters into a store filter, or explains what is wrong. `flags`:
 * name the parameters as the CLI's flags (`--limit`) in messages, not as URL parameters (`limit`).
 */
export function parseEventQuery(
  raw: Record<string, unknown>,
  chainId: number,
  options: { flags?: boolean } = {},
): EventFilter {
  const name = (parameter: string) => (options.flags ? `--${parameter}` : parameter);
  const parsed = eventQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join(".");
    throw new InvalidInputError(
      issue.code === "unrecognized_keys"
        ? `Unknown query parameter(s): ${issue.keys.join(", ")}. Parameters: ${Object.keys(eventQuerySchema.shape).join(", ")}.`
        : issue.code === "too_small"
          ? `${name(path)} is empty; give a value or leave it out.`
          : `${path ? name(path) : "The query"}: ${issue.message}.`,
    );
  }
  const q = parsed.data;
  const filter: EventFilter = { chainId, limit: DEFAULT_PAGE };
  if (q.contract) filter.contract = parseContract(q.contract);
  if (q.event) filter.event = parseEventName(q.event, filter.contract);
  if (q.actor) filter.actor = parseParty(q.actor, name("actor"), chainId);
  if (q.subject) filter.subject = parseParty(q.subject, name("subject"), chainId);
  if (q.from) {
    const bound = parseBound(q.from, name("from"), false);
    if ("block" in bound) filter.fromBlock = bound.block;
    else filter.fromTime = bound.time;
  }
  if (q.to) {
    const bound = parseBound(q.to, name("to"), true);
    if ("block" in bound) filter.toBlock = bound.block;
    else filter.toTime = bound.time;
  }
  if (filter.fromBlock !== undefined && filter.toBlock !== undefined && filter.fromBlock > filter.toBlock)
    throw new InvalidInputError(
      `${name("from")} block ${filter.fromBlock} is after ${name("to")} block ${filter.toBlock}.`,
    );
  if (filter.fromTime !== undefined && filter.toTime !== undefined && filter.fromTime > filter.toTime)
    throw new InvalidInputError(`${name("from")} ${q.from} is after ${name("to")} ${q.to}.`);
  if (q.limit) {
    const limit = /^\d+$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!(limit >= 1))
      throw new InvalidInputError(
        `${name("limit")} "${q.limit}" must be a whole number from 1 to ${MAX_PAGE.toLocaleString("en")}.`,
      );
    if (limit > MAX_PAGE)
      throw new InvalidInputError(
        `${name("limit")} ${q.limit} is more than ${MAX_PAGE.toLocaleString("en")} events per page; page through with the cursor instead.`,
      );
    filter.limit = limit;
  }
  if (q.cursor) filter.after = parseCursor(q.cursor);
  if (q.order) {
    const order = q.order.toLowerCase();
    if (order !== "asc" && order !== "desc")
      throw new InvalidInputError(
        `${name("order")} "${q.order}" must be asc (oldest first) or desc (newest first).`,
      );
    filter.order = order;
  }
  return filter;
}
