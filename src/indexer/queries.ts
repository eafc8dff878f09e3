/**
 * The auditor's questions, answered from the index: one order's timeline, one owner's consents,
 * one issuer's accreditation history and everything it anchored or revoked, one fingerprint's
 * life. Shared by `crossproof audit` and the HTTP API.
 */
import { jsonText, type AuditEvent, type EventArgs, type StateTableName } from "./catalogue.ts";
import type { StateRow } from "./projections.ts";
import { EVENT_BYTES_BESIDES_ARGS, type AuditStore, type EventFilter } from "./store.ts";

/** Most rows or events one report holds; `truncated` says when there were more. */
export const MAX_ROWS = 10_000;

/**
 * Most bytes one list of events in a report may take serialised; `truncated` says when there were
 * more. Anyone may write DID attributes of hundreds of kilobytes and an issuer's `AnchoredMany` of
 * 500 fingerprints takes 33 KB, so 10,000 events could otherwise be hundreds of megabytes, held in
 * memory and sent at once by `audit serve`.
 */
export const MAX_REPORT_BYTES = 8 * 1024 * 1024;

/** Reads every page of a filter, up to `max` events and about `maxBytes` (one event more at most). */
export async function allEvents(
  store: AuditStore,
  filter: Omit<EventFilter, "limit" | "after" | "maxBytes">,
  max = MAX_ROWS,
  maxBytes = MAX_REPORT_BYTES,
): Promise<{ events: AuditEvent[]; truncated: boolean }> {
  const events: AuditEvent[] = [];
  let bytes = 0;
  let after: EventFilter["after"];
  for (;;) {
    const page = await store.events({
      ...filter,
      limit: Math.min(1_000, max - events.length),
      after,
      maxBytes: maxBytes - bytes,
    });
    events.push(...page.events);
    for (const event of page.events)
      bytes += Buffer.byteLength(JSON.stringify(event.args)) + EVENT_BYTES_BESIDES_ARGS;
    if (!page.next) return { events, truncated: false };
    if (events.length >= max || bytes >= maxBytes) return { events, truncated: true };
    after = page.next;
  }
}

export type OrderReport = {
  order: StateRow | undefined;
  consent: StateRow | undefined;
  timeline: AuditEvent[];
  truncated: boolean;
};

/**
 * An order's current state and full timeline: its own events, the use its request made of the
 * consent, and the consent's grant and revocation — not the uses other orders made of the same
 * consent. The request's use is the ConsentConsumed the order book emitted in the request's own
 * transaction: a grantee may record a use of its consent itself with any usage reference, an
 * order's id included, and such a use is the consent's, not the order's.
 */
export async function orderReport(store: AuditStore, chainId: number, orderId: string): Promise<OrderReport> {
  const id = orderId.toLowerCase();
  const order = await store.stateRow("orders", chainId, id);
  // The order book's events about the order, and consent uses recorded under its id: not whatever
  // else names the id (anyone may write a DID attribute of that name, of hundreds of kilobytes).
  const [book, uses] = await Promise.all([
    allEvents(store, { chainId, subject: id, contract: "CreditOrderBook" }),
    allEvents(store, { chainId, subject: id, contract: "ConsentRegistry", event: "ConsentConsumed" }),
  ]);
  const own = mergeByPosition(book.events, uses.events);
  const request = own.find((event) => event.event === "OrderRequested");
  const isRequestsUse = (event: AuditEvent) =>
    request !== undefined &&
    event.transactionHash === request.transactionHash &&
    jsonText(event.args.consumer).toLowerCase() === request.address.toLowerCase() &&
    jsonText(event.args.usageReference).toLowerCase() === id;
  const events = own.filter((event) => event.event !== "ConsentConsumed" || isRequestsUse(event));
  const consentId = typeof order?.consent_id === "string" ? order.consent_id : undefined;
  const consent = consentId ? await store.stateRow("consents", chainId, consentId) : undefined;
  const consentEvents = consentId
    ? await allEvents(store, { chainId, subject: consentId, contract: "ConsentRegistry" })
    : { events: [], truncated: false };
  return {
    order,
    consent,
    timeline: mergeByPosition(
      events,
      consentEvents.events.filter((event) => event.event !== "ConsentConsumed" || isRequestsUse(event)),
    ),
    truncated: book.truncated || uses.truncated || consentEvents.truncated,
  };
}

export type ConsentReport = { consents: StateRow[]; timeline: AuditEvent[]; truncated: boolean };

/** An owner's consents (current state) and every grant, use and revocation, in order. */
export async function consentReport(
  store: AuditStore,
  chainId: number,
  owner: string,
): Promise<ConsentReport> {
  const consents = await store.stateRowsWhere(
    "consents",
    chainId,
    "owner",
    owner.toLowerCase(),
    MAX_ROWS + 1,
  );
  const events = await allEvents(store, { chainId, subject: owner, contract: "ConsentRegistry" }, MAX_ROWS);
  const timeline = events.events.filter(
    (event) => jsonText(event.args.owner).toLowerCase() === owner.toLowerCase(),
  );
  return {
    consents: consents.slice(0, MAX_ROWS),
    timeline,
    truncated: consents.length > MAX_ROWS || events.truncated,
  };
}

export type IssuerReport = {
  issuer: StateRow | undefined;
  accreditations: StateRow[];
  /** Registry and accreditation events about the issuer. */
  history: AuditEvent[];
  /** Everything it anchored, revoked or reinstated. */
  acts: AuditEvent[];
  truncated: boolean;
};

/**
 * An issuer by its account, or by the DID it applied with: an institution may apply from one
 * account with the DID of another identity (as that identity's delegate), and a regulator looking
 * it up by that DID means the issuer.
 */
export async function issuerReport(
  store: AuditStore,
  chainId: number,
  accountOrDid: string,
): Promise<IssuerReport> {
  let issuer = await store.stateRow("issuers", chainId, accountOrDid);
  if (!issuer) {
    const byDid = await store.stateRowsWhere("issuers", chainId, "did", accountOrDid.toLowerCase(), 1);
    issuer = byDid[0];
  }
  const address = typeof issuer?.key === "string" ? issuer.key : accountOrDid;
  const accreditations = await store.stateRowsWhere(
    "accreditations",
    chainId,
    "issuer",
    address.toLowerCase(),
  );
  const registry = await allEvents(store, { chainId, subject: address, contract: "IssuerRegistry" });
  const accreditation = (
    await allEvents(store, { chainId, subject: address, contract: "FingerprintRegistry" })
  ).events.filter((event) => event.event === "IssuerAccredited" || event.event === "AccreditationWithdrawn");
  const acts = await allEvents(store, { chainId, actor: address, contract: "FingerprintRegistry" });
  return {
    issuer,
    accreditations,
    history: mergeByPosition(registry.events, accreditation),
    acts: acts.events,
    truncated: registry.truncated || acts.truncated,
  };
}

export type FingerprintReport = {
  fingerprint: StateRow | undefined;
  batch: StateRow | undefined;
  revocations: StateRow[];
  timeline: AuditEvent[];
  truncated: boolean;
};

/** A fingerprint (or batch root): its anchor, its revocations and reinstatements, in order. */
export async function fingerprintReport(
  store: AuditStore,
  chainId: number,
  fingerprint: string,
): Promise<FingerprintReport> {
  const key = fingerprint.toLowerCase();
  const [single, batch, revocations, { events, truncated }] = await Promise.all([
    store.stateRow("fingerprints", chainId, key),
    store.stateRow("batches", chainId, key),
    store.stateRowsWhere("revocations", chainId, "fingerprint", key),
    allEvents(store, { chainId, subject: key, contract: "FingerprintRegistry" }),
  ]);
  return { fingerprint: single, batch, revocations, timeline: events, truncated };
}

function mergeByPosition(a: AuditEvent[], b: AuditEvent[]): AuditEvent[] {
  const seen = new Set<string>();
  return [...a, ...b]
    .filter((event) => {
      const id = `${event.blockNumber}:${event.logIndex}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
}

/** A state table's row count, for status output. */
export async function stateCount(store: AuditStore, table: StateTableName, chainId: number): Promise<number> {
  const rows = await store.db.query<{ n: unknown }>(
    `SELECT COUNT(*) AS n FROM state_${table} WHERE chain_id = ?`,
    [chainId],
  );
  return Number(rows[0]!.n);
}

/** Flat rows for CSV output: one line per event, arguments as compact JSON ({@link argsCell}). */
export function eventRow(event: AuditEvent): Record<string, string | number> {
  return {
    block: event.blockNumber,
    log: event.logIndex,
    time: new Date(event.blockTime * 1000).toISOString(),
    contract: event.contract,
    event: event.event,
    actor: event.actor ?? "",
    subject: event.subject ?? "",
    transaction: event.transactionHash,
    args: argsCell(event.args),
  };
}

/** Most characters Excel keeps in one cell (and LibreOffice Calc reads): longer ones are cut there. */
export const CSV_CELL_LIMIT = 32_767;

/** Characters of a string kept per step of {@link argsCell}: one 32-byte hex value. */
const STRING_STEP = 66;

/**
 * An event's arguments as compact JSON for one CSV cell of at most `limit` characters. Within it,
 * the JSON as it is. Over it (an `AnchoredMany` of 500 fingerprints, a DID attribute of a
 * megabyte), the JSON is shortened until it fits, and stays valid JSON: each array keeps its first
 * items and ends with a string such as `"… 80 more items: see the JSON output"`, and each long
 * string keeps its first characters and ends `… (1234 more characters: see the JSON output)`,
 * as many as fit. The JSON output (the CLI's `--format json`, the API's JSON) always has them all.
 */
export function argsCell(args: EventArgs, limit = CSV_CELL_LIMIT): string {
  const full = JSON.stringify(args);
  if (full.length <= limit) return full;
  // Keep `keep` items of every array and `keep` × 66 characters of every string: the largest
  // `keep` whose JSON fits (the length grows with `keep`; at `widest` nothing is cut).
  const fits = (keep: number) => {
    const text = JSON.stringify(shorten(args, keep));
    return text.length <= limit ? text : undefined;
  };
  let low = 0;
  let high = widest(args);
  let best = fits(0);
  if (best === undefined) {
    // Too many values even with every array and string cut: cut the text itself.
    const kept = limit - 80;
    return `${full.slice(0, kept)}… (${full.length - kept} more characters: see the JSON output)`;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const text = fits(middle);
    if (text === undefined) high = middle;
    else {
      low = middle;
      best = text;
    }
  }
  return best;
}

/** The largest `keep` {@link argsCell} may need to try: no array or string is cut at it. */
function widest(value: unknown): number {
  if (typeof value === "string") return Math.ceil(value.length / STRING_STEP) + 1;
  if (Array.isArray(value)) return Math.max(value.length, ...value.map(widest));
  if (typeof value === "object" && value !== null) return Math.max(1, ...Object.values(value).map(widest));
  return 1;
}

/** `value` with arrays cut to `keep` items and strings to `keep` × 66 characters, each with a note. */
function shorten(value: unknown, keep: number): unknown {
  if (typeof value === "string") {
    const length = keep * STRING_STEP;
    // A note takes about 50 characters: cut only what it shortens.
    return value.length > length + 64
      ? `${value.slice(0, length)}… (${value.length - length} more characters: see the JSON output)`
      : value;
  }
  if (Array.isArray(value)) {
    const kept = value.slice(0, keep).map((item) => shorten(item, keep));
    return value.length > keep ? [...kept, `… ${value.length - keep} more items: see the JSON output`] : kept;
  }
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shorten(item, keep)]));
  return value;
}

/** One RFC 4180 line (ending CRLF); cells a spreadsheet would run as a formula get an apostrophe. */
export function csvLine(values: (string | number | undefined)[]): string {
  const cell = (value: string | number | undefined): string => {
    let text = value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${values.map(cell).join(",")}\r\n`;
}

/** RFC 4180 CSV with a header line; cells a spreadsheet would run as a formula get an apostrophe. */
export function toCsv(rows: Record<string, string | number>[], columns?: string[]): string {
  const header = columns ?? Object.keys(rows[0] ?? {});
  return csvLine(header) + rows.map((row) => csvLine(header.map((c) => row[c]))).join("");
}
