/**
 * `crossproof audit`: the regulator's and auditor's tools over the audit index (src/indexer).
 * `sync` fills the index from the chain, `check` proves it against the chain, the queries read it
 * without touching the chain, and `serve` offers the same queries over HTTP.
 */
import { closeSync, existsSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";

import type { AuditEvent } from "../../indexer/catalogue.ts";
import { checkIndex } from "../../indexer/check.ts";
import {
  formatCursor,
  parseAddressOrDid,
  parseBound,
  parseBytes32,
  parseEventQuery,
} from "../../indexer/filters.ts";
import { parseAllowedHosts } from "../../indexer/http-guard.ts";
import { CSV_COLUMNS, publicEvent, startAuditApi } from "../../indexer/http.ts";
import { AuditIndexer, DEFAULT_MAX_REORG } from "../../indexer/indexer.ts";
import {
  DEFAULT_SQLITE_PATH,
  LOCAL_CHAIN_SQLITE_PATH,
  openAuditStore,
  resolveStoreLocation,
} from "../../indexer/open.ts";
import type { StateRow } from "../../indexer/projections.ts";
import {
  consentReport,
  eventRow,
  fingerprintReport,
  issuerReport,
  MAX_REPORT_BYTES,
  MAX_ROWS,
  orderReport,
  toCsv,
} from "../../indexer/queries.ts";
import type { AuditStore } from "../../indexer/store.ts";
import { InvalidInputError } from "../../sdk/errors.ts";
import { connect, type GlobalOptions } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import type { Command } from "../main.ts";
import { printable, printJson, printLine } from "../output.ts";

type Values = Record<string, string | boolean | undefined>;

const ACTIONS = [
  "sync",
  "events",
  "order",
  "consent",
  "issuer",
  "fingerprint",
  "check",
  "serve",
  "status",
] as const;

export const auditCommand: Command = {
  summary:
    "Index every Crossproof event and query the trail: who anchored, revoked, consented, ordered, when.",
  usage: `audit sync [--follow] [--confirmations <n>] [--max-reorg <blocks>] [--range <blocks>]
       crossproof audit events [--contract <name>] [--event <name>] [--actor <address|did>] [--subject <address|id|did>]
                               [--from <block|date>] [--to <block|date>] [--format table|json|csv] [--limit <n>] [--cursor <c>] [--order asc|desc]
       crossproof audit order <order-id>
       crossproof audit consent <owner address|did>
       crossproof audit issuer <issuer address|did>
       crossproof audit fingerprint <fingerprint|batch root>
       crossproof audit check [--from <block>] [--to <block>] [--range <blocks>]
       crossproof audit serve [--port <n>] [--host 127.0.0.1] [--allowed-host <name>[,<name>…]] [--follow [--confirmations <n>] [--max-reorg <blocks>]]
       crossproof audit status

The index is an SQLite file (--db <file>, env CROSSPROOF_AUDIT_DB, default .crossproof/audit.sqlite)
or PostgreSQL (--database-url, env DATABASE_URL). sync, check and serve --follow read the chain
(--rpc); the queries read only the index (--chain-id when it holds several chains), and only sync and
serve --follow write it: the rest open it read-only.

An index holds one deployment per chain, and refuses another deployment's manifest, a node that does
not hold the chain it was built from, and a reorganisation deeper than --max-reorg (64 blocks by
default; 0 rolls nothing back): index those into a new database.`,
  options: {
    db: { type: "string" },
    "database-url": { type: "string" },
    "chain-id": { type: "string" },
    follow: { type: "boolean", default: false },
    confirmations: { type: "string" },
    "max-reorg": { type: "string" },
    range: { type: "string" },
    contract: { type: "string" },
    event: { type: "string" },
    actor: { type: "string" },
    subject: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    format: { type: "string" },
    limit: { type: "string" },
    cursor: { type: "string" },
    order: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    "allowed-host": { type: "string" },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(
        `${action ? `Unknown audit action "${action}"` : "An audit action is required"}: ${ACTIONS.join(", ")}. See \`crossproof audit --help\`.`,
      );
    }
    const takesId = ["order", "consent", "issuer", "fingerprint"].includes(action);
    if (takesId && rest.length !== 1)
      throw new UsageError(`audit ${action} takes exactly one argument; see \`crossproof audit --help\`.`);
    if (!takesId && rest.length > 0)
      throw new UsageError(`audit ${action} takes no positional argument (got "${rest.join(" ")}").`);
    if (values.db !== undefined && values["database-url"] !== undefined)
      throw new UsageError(
        "Give the index as --db <file> (SQLite) or --database-url (PostgreSQL), not both.",
      );
    // Only sync (and serve --follow, which syncs) write the index, and may start a new one; the
    // rest open it read-only (a role with only SELECT, a file this user may not write).
    const writes = action === "sync" || (action === "serve" && values.follow === true);
    checkSqliteIndex(values, writes);
    const store = await openAuditStore(
      {
        sqlitePath: values.db as string | undefined,
        databaseUrl: values["database-url"] as string | undefined,
      },
      { readOnly: !writes },
    );
    try {
      switch (action) {
        case "sync":
          return await sync(store, values, global);
        case "check":
          return await check(store, values, global);
        case "serve":
          return await serve(store, values, global);
        default:
          return await query(action, rest[0], store, values, global);
      }
    } finally {
      await store.close();
    }
  },
};

function wholeNumber(value: string | boolean | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "string" ||
    !/^\d+$/.test(value) ||
    Number(value) < min ||
    !Number.isSafeInteger(Number(value))
  )
    throw new UsageError(
      `--${flag} ${String(value)} must be a whole number${min > 0 ? ` of at least ${min}` : ""}.`,
    );
  return Number(value);
}

/** SQLite files start with this header. */
const SQLITE_HEADER = "SQLite format 3\0";

/**
 * Refuses, as bad input, an SQLite index path that is a directory or a file of another kind, and
 * (unless `mayCreate`) one that does not exist: a query must not leave an empty database behind.
 */
function checkSqliteIndex(values: Values, mayCreate: boolean): void {
  const { sqlitePath } = resolveStoreLocation({
    sqlitePath: values.db as string | undefined,
    databaseUrl: values["database-url"] as string | undefined,
  });
  if (!sqlitePath || sqlitePath === ":memory:") return;
  let stats: Stats;
  try {
    stats = statSync(sqlitePath);
  } catch {
    if (mayCreate) return;
    // Beside the project `npm start` runs from, its index is the one people mean.
    const local = sqlitePath === DEFAULT_SQLITE_PATH && existsSync(LOCAL_CHAIN_SQLITE_PATH);
    throw new UsageError(
      local
        ? `There is no audit index at ${sqlitePath}. \`npm start\` keeps the index of its local chain at ${LOCAL_CHAIN_SQLITE_PATH}: add --db ${LOCAL_CHAIN_SQLITE_PATH} (or set CROSSPROOF_AUDIT_DB).`
        : `There is no audit index at ${sqlitePath}; create it with \`crossproof audit sync --db ${sqlitePath}\` (with --rpc for your chain), or give the index with --db.`,
    );
  }
  if (stats.isDirectory())
    throw new UsageError(
      `${sqlitePath} is a directory; give the index file itself, e.g. --db ${join(sqlitePath, "audit.sqlite")}.`,
    );
  if (stats.size === 0) return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let read = 0;
  try {
    const fd = openSync(sqlitePath, "r");
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new UsageError(`Cannot read the audit index ${sqlitePath}: ${(error as Error).message}.`);
  }
  if (read < header.length || header.toString("latin1") !== SQLITE_HEADER)
    throw new UsageError(
      `${sqlitePath} is not an SQLite database, so not an audit index; give the index file with --db (a new path for \`crossproof audit sync\` to create).`,
    );
}

function storeName(values: Values): string {
  const location = resolveStoreLocation({
    sqlitePath: values.db as string | undefined,
    databaseUrl: values["database-url"] as string | undefined,
  });
  return location.databaseUrl ? "the PostgreSQL index" : location.sqlitePath!;
}

async function indexerFor(store: AuditStore, values: Values, global: GlobalOptions) {
  const context = await connect(global);
  const indexer = new AuditIndexer({
    client: context.publicClient,
    store,
    manifest: context.manifest,
    confirmations: wholeNumber(values.confirmations, "confirmations", 0),
    maxReorg: wholeNumber(values["max-reorg"], "max-reorg", DEFAULT_MAX_REORG),
    rangeSize: wholeNumber(values.range, "range", 2_000, 1),
    log: (line) => process.stderr.write(`${printable(line)}\n`),
  });
  return { context, indexer };
}

async function sync(store: AuditStore, values: Values, global: GlobalOptions): Promise<number> {
  const { context, indexer } = await indexerFor(store, values, global);
  if (values.follow) {
    const stop = () => {
      indexer.stop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    process.stderr.write(`Following chain ${context.chainId} into ${storeName(values)}; Ctrl-C stops.\n`);
    await indexer.follow();
    process.stderr.write("Stopped.\n");
    return ExitCode.ok;
  }
  const started = performance.now();
  const result = await indexer.syncOnce();
  const seconds = (performance.now() - started) / 1000;
  const total = await store.countEvents(context.chainId);
  if (global.json) printJson({ chainId: context.chainId, ...result, indexedEvents: total, seconds });
  else if (result.toBlock < result.fromBlock)
    printLine(
      `The index of chain ${context.chainId} is up to date at block ${result.toBlock}: no new blocks` +
        `${result.rolledBack ? `, ${result.rolledBack} event(s) rolled back after a reorg` : ""}; ${total} event(s) in ${storeName(values)}.`,
    );
  else
    printLine(
      `Indexed blocks ${result.fromBlock}–${result.toBlock} of chain ${context.chainId}: ${result.events} new event(s) in ${seconds.toFixed(2)} s` +
        `${result.rolledBack ? `, ${result.rolledBack} rolled back after a reorg` : ""}; ${total} in ${storeName(values)}.`,
    );
  return ExitCode.ok;
}

async function check(store: AuditStore, values: Values, global: GlobalOptions): Promise<number> {
  const context = await connect(global);
  const cursor = await store.cursor(context.chainId);
  if (!cursor)
    throw new UsageError(
      `${storeName(values)} holds nothing for chain ${context.chainId}; run \`crossproof audit sync\` first.`,
    );
  const block = (value: string | boolean | undefined, flag: string, fallback: number) => {
    if (value === undefined) return fallback;
    const bound = parseBound(String(value), `--${flag}`, flag === "to");
    if (!("block" in bound))
      throw new UsageError(`--${flag} of audit check is a block number (dates are for queries).`);
    return bound.block;
  };
  const fromBlock = block(values.from, "from", context.manifest.startBlock);
  const toBlock = block(values.to, "to", cursor.blockNumber);
  if (fromBlock > toBlock) throw new UsageError(`--from ${fromBlock} is after --to ${toBlock}.`);
  if (toBlock > cursor.blockNumber)
    throw new UsageError(
      `--to ${toBlock} is beyond the index, which reaches block ${cursor.blockNumber}; check up to there, or run \`crossproof audit sync\` first.`,
    );
  const report = await checkIndex({
    client: context.publicClient,
    store,
    manifest: context.manifest,
    fromBlock,
    toBlock,
    rangeSize: wholeNumber(values.range, "range", 2_000, 1),
    log: (line) => process.stderr.write(`${printable(line)}\n`),
  });
  if (global.json) {
    const { first } = report;
    printJson({
      ...report,
      first: first && {
        ...first,
        chain: first.chain && publicEvent(first.chain),
        index: first.index && publicEvent(first.index),
      },
    });
  } else {
    printLine(
      `Blocks ${fromBlock}–${toBlock} of chain ${context.chainId}: ${report.chainEvents} event(s) on chain, ${report.indexedEvents} in the index.`,
    );
    if (report.differences === 0) printLine("The index matches the chain, event by event (keys included).");
    else {
      const first = report.first!;
      printLine(
        `${report.differences} difference(s). First at block ${first.position.blockNumber}, log ${first.position.logIndex}: ${first.kind}${first.field ? ` (${first.field})` : ""}.`,
      );
      if (first.chain) printLine(`  chain: ${describe(first.chain)}`);
      if (first.index) printLine(`  index: ${describe(first.index)}`);
    }
    if (!report.stateChecked)
      printLine(
        "State tables not compared: that needs the whole index (no --from/--to, or --from at the start block and --to at its end).",
      );
    else if (report.stateDifferences === 0)
      printLine(`The ${report.stateRows} state rows match the state folded from the chain's events.`);
    else {
      const state = report.firstState!;
      printLine(
        `${report.stateDifferences} state row difference(s). First: state_${state.table} ${state.key}: ${state.kind}${state.column ? ` (${state.column}: chain ${String(state.chain)}, index ${String(state.index)})` : ""}.`,
      );
    }
  }
  return report.differences === 0 && report.stateDifferences === 0 ? ExitCode.ok : ExitCode.failed;
}

async function serve(store: AuditStore, values: Values, global: GlobalOptions): Promise<number> {
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  const port = wholeNumber(values.port, "port", 8600);
  if (port > 65_535) throw new UsageError(`--port ${port} is not a TCP port (0–65535).`);
  const allowedHosts =
    values["allowed-host"] === undefined ? [] : parseAllowedHosts(values["allowed-host"] as string);
  let indexer: AuditIndexer | undefined;
  let chainId: number;
  if (values.follow) {
    const made = await indexerFor(store, values, global);
    indexer = made.indexer;
    chainId = made.context.chainId;
  } else chainId = await chainOf(store, values);
  let api;
  try {
    api = await startAuditApi({
      store,
      chainId,
      host,
      port,
      allowedHosts,
      log: (line) => process.stderr.write(`${printable(line)}\n`),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE")
      throw new UsageError(`Port ${port} on ${host} is taken; pick another with --port.`);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EADDRNOTAVAIL" || code === "EINVAL")
      throw new UsageError(
        `--host ${host} is not an address of this machine (${code}): give one of its IP addresses or a name that resolves to one, such as 127.0.0.1 (the default).`,
      );
    throw error;
  }
  if (!api.loopback)
    process.stderr.write(
      `Warning: --host ${host} is not a loopback address: anyone who can reach this machine on port ${new URL(api.url).port} can read the whole index (every consent, order and issuer), which is for the consortium's members and the regulator only. Keep the default 127.0.0.1 unless a firewall or an authenticating proxy stands in front.\n`,
    );
  // Before the line that says the server is ready (its last).
  if (allowedHosts.length > 0)
    process.stderr.write(
      `It also answers requests addressed to ${allowedHosts.map((allowed) => (allowed.port === undefined ? `${allowed.name} (any port)` : `${allowed.name}:${allowed.port}`)).join(", ")}: the name of the proxy in front of it.\n`,
    );
  process.stderr.write(
    `Audit API for chain ${chainId} at ${api.url}/api (reading ${storeName(values)}); Ctrl-C stops.\n`,
  );
  // A follower that stops on a refusal (another deployment, a reset chain, a reorg too deep) ends
  // the server with that error, so the exit code and the one-line message are main's, as for sync.
  let failure: Error | undefined;
  await new Promise<void>((resolve) => {
    const stop = () => {
      indexer?.stop();
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (indexer)
      indexer.follow().catch((error: unknown) => {
        failure = error instanceof Error ? error : new Error(String(error));
        resolve();
      });
  });
  await api.close();
  if (failure !== undefined) throw failure;
  return ExitCode.ok;
}

/** The chain the query is about: --chain-id, or the only chain in the index. */
async function chainOf(store: AuditStore, values: Values): Promise<number> {
  const chains = await store.chains();
  if (values["chain-id"] !== undefined) {
    const chainId = wholeNumber(values["chain-id"], "chain-id", 0, 1);
    if (!chains.includes(chainId))
      throw new UsageError(
        `${storeName(values)} holds no events of chain ${chainId}${chains.length ? ` (it holds chain ${chains.join(", ")})` : ""}; run \`crossproof audit sync\` against it first.`,
      );
    return chainId;
  }
  if (chains.length === 0)
    throw new UsageError(
      `${storeName(values)} is empty; run \`crossproof audit sync\` first (with --rpc for your chain).`,
    );
  if (chains.length > 1)
    throw new UsageError(
      `${storeName(values)} holds chains ${chains.join(", ")}; say which with --chain-id.`,
    );
  return chains[0]!;
}

async function query(
  action: string,
  id: string | undefined,
  store: AuditStore,
  values: Values,
  global: GlobalOptions,
): Promise<number> {
  const chainId = await chainOf(store, values);
  switch (action) {
    case "status": {
      const cursor = await store.cursor(chainId);
      const events = await store.countEvents(chainId);
      if (global.json) printJson({ chainId, cursor, events, store: storeName(values) });
      else
        printLine(
          `${storeName(values)}: chain ${chainId}, ${events} event(s) up to block ${cursor?.blockNumber ?? "—"} (last written ${cursor ? new Date(cursor.updatedAt * 1000).toISOString() : "never"}).`,
        );
      return ExitCode.ok;
    }
    case "events":
      return events(store, chainId, values, global);
    case "order": {
      const orderId = parseBytes32(id!, "Order id");
      const report = await orderReport(store, chainId, orderId);
      if (!report.order)
        throw new InvalidInputError(
          `No order ${id} in the index of chain ${chainId}. Is it synced (\`crossproof audit sync\`)?`,
        );
      if (global.json) return json({ ...report, timeline: report.timeline.map(publicEvent) });
      printState(`Order ${orderId}`, report.order);
      if (report.consent) printState(`Consent ${String(report.order.consent_id)}`, report.consent);
      printLine(`Timeline (${report.timeline.length} event(s)):`);
      printTimeline(report.timeline);
      if (report.truncated)
        printMore(
          report.timeline,
          `crossproof audit events --subject ${orderId} --contract CreditOrderBook`,
          "of the order book's events",
        );
      return ExitCode.ok;
    }
    case "consent": {
      const owner = parseAddressOrDid(id!, "Owner", chainId);
      const report = await consentReport(store, chainId, owner);
      if (global.json) return json({ ...report, timeline: report.timeline.map(publicEvent) });
      printLine(`${report.consents.length} consent(s) given by ${owner}.`);
      for (const consent of report.consents) printState(`Consent ${String(consent.key)}`, consent);
      printLine(`Grants, uses and revocations (${report.timeline.length}):`);
      printTimeline(report.timeline);
      if (report.truncated)
        printMore(
          report.timeline,
          `crossproof audit events --subject ${owner} --contract ConsentRegistry`,
          "of consents or events",
        );
      return ExitCode.ok;
    }
    case "issuer": {
      const address = parseAddressOrDid(id!, "Issuer", chainId);
      const report = await issuerReport(store, chainId, address);
      const known =
        report.issuer !== undefined ||
        report.accreditations.length > 0 ||
        report.history.length > 0 ||
        report.acts.length > 0;
      if (global.json) {
        json({
          ...report,
          issuer: report.issuer ?? null,
          history: report.history.map(publicEvent),
          acts: report.acts.map(publicEvent),
        });
        return known ? ExitCode.ok : ExitCode.failed;
      }
      if (!known) {
        printLine(`${address} never applied to the issuer registry, nor anchored anything, in the index.`);
        return ExitCode.failed;
      }
      if (report.issuer) printState(`Issuer ${address}`, report.issuer);
      else printLine(`${address} never applied to the issuer registry.`);
      for (const accreditation of report.accreditations) printState("Accreditation", accreditation);
      printLine("Registry and accreditation history:");
      printTimeline(report.history);
      printLine(`Anchored, revoked or reinstated (${report.acts.length}):`);
      printTimeline(report.acts);
      if (report.truncated)
        printMore(
          report.acts,
          // The issuer's own account: a DID may lead to an issuer that applied from another one.
          `crossproof audit events --actor ${typeof report.issuer?.key === "string" ? report.issuer.key : address} --contract FingerprintRegistry`,
          "of events in a list",
        );
      return ExitCode.ok;
    }
    case "fingerprint": {
      const key = parseBytes32(id!, "Fingerprint");
      const report = await fingerprintReport(store, chainId, key);
      // Nothing known is the answer "no", as for verify: exit 1, in JSON too.
      const known = report.fingerprint || report.batch || report.timeline.length > 0;
      if (global.json) {
        json({
          ...report,
          fingerprint: report.fingerprint ?? null,
          batch: report.batch ?? null,
          timeline: report.timeline.map(publicEvent),
        });
        return known ? ExitCode.ok : ExitCode.failed;
      }
      if (!known) {
        printLine(
          `${key} is not anchored, revoked or reinstated in the index. (A document of a batch is known by the batch's root, in its package.)`,
        );
        return ExitCode.failed;
      }
      if (report.fingerprint) printState(`Fingerprint ${key}`, report.fingerprint);
      if (report.batch) printState(`Batch ${key}`, report.batch);
      for (const revocation of report.revocations) printState("Revocation", revocation);
      printLine(`Timeline (${report.timeline.length} event(s)):`);
      printTimeline(report.timeline);
      if (report.truncated)
        printMore(
          report.timeline,
          `crossproof audit events --subject ${key} --contract FingerprintRegistry`,
          "of events",
        );
      return ExitCode.ok;
    }
  }
  return ExitCode.badInput;
}

async function events(
  store: AuditStore,
  chainId: number,
  values: Values,
  global: GlobalOptions,
): Promise<number> {
  const format = (values.format as string | undefined) ?? (global.json ? "json" : "table");
  if (!["table", "json", "csv"].includes(format))
    throw new UsageError(`--format ${format} must be table, json or csv.`);
  const raw: Record<string, string> = {};
  for (const name of ["contract", "event", "actor", "subject", "from", "to", "limit", "cursor", "order"])
    if (typeof values[name] === "string") raw[name] = values[name];
  const filter = parseEventQuery(raw, chainId, { flags: true });
  const page = await store.events(filter);
  const next = page.next ? formatCursor(page.next) : null;
  if (format === "json") return json({ events: page.events.map(publicEvent), next });
  if (format === "csv") {
    process.stdout.write(toCsv(page.events.map(eventRow), CSV_COLUMNS));
    if (next) process.stderr.write(`More events: add --cursor ${next}\n`);
    return ExitCode.ok;
  }
  if (page.events.length === 0) printLine("No events match.");
  printTimeline(page.events);
  if (next) printLine(`More events (showing ${page.events.length}): add --cursor ${next}`);
  return ExitCode.ok;
}

function json(value: unknown): number {
  printJson(value);
  return ExitCode.ok;
}

function printState(title: string, row: StateRow): void {
  printLine(`${title}:`);
  for (const [column, value] of Object.entries(row)) {
    if (column === "key" || column === "chain_id" || value === null) continue;
    const shown =
      /(_at|_since)$/.test(column) && typeof value === "number" && value > 0
        ? `${value} (${new Date(value * 1000).toISOString()})`
        : String(value);
    printLine(`  ${column.padEnd(22)} ${shown}`);
  }
}

/**
 * A report's list stopped at its bound ({@link MAX_ROWS} entries or {@link MAX_REPORT_BYTES} of
 * events): the query that reads on from its last event.
 */
function printMore(shown: AuditEvent[], query: string, what: string): void {
  const last = shown.at(-1);
  const cursor = last ? ` --cursor ${last.blockNumber}.${last.logIndex}` : "";
  printLine(
    `There is more: a report stops at ${MAX_ROWS.toLocaleString("en-US")} ${what}, or ${MAX_REPORT_BYTES / 1024 / 1024} MiB of events. Read on with \`${query}${cursor}\` (and the --cursor each page gives).`,
  );
}

function printTimeline(events: AuditEvent[]): void {
  for (const event of events) printLine(`  ${describe(event)}`);
}

function describe(event: AuditEvent): string {
  const time = new Date(event.blockTime * 1000).toISOString().replace(".000Z", "Z");
  const who = event.actor ? ` by ${event.actor}` : "";
  return `${time}  block ${event.blockNumber}  ${event.contract}.${event.event}${who}  ${summarize(event.args)}  tx ${event.transactionHash}`;
}

function summarize(args: AuditEvent["args"]): string {
  const text = Object.entries(args)
    .map(([name, value]) => `${name}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" ");
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
