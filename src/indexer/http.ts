/**
 * The audit index's read-only HTTP API (JSON, and CSV for event exports) for the web app and for
 * auditors' own tools. Binds to 127.0.0.1 by default; every parameter is validated (filters.ts)
 * and a bad one answers 400 with `{ error: { code, message } }`. It answers only requests
 * addressed to the address it listens on and not made by pages of other origins (403 otherwise,
 * http-guard.ts), and sends no CORS headers: the web app reads it from its own origin.
 * `startAuditApi` serves it alone (`crossproof audit serve`); `createAuditApiHandler` gives the
 * handler that src/server/web.ts mounts beside the web app (`npm start`).
 *
 *   GET /api/status
 *   GET /api/events?contract&event&actor&subject&from&to&limit&cursor&order[&format=csv]
 *   GET /api/events.csv?contract&event&actor&subject&from&to&cursor&order   every matching event
 *   GET /api/orders/<order id>
 *   GET /api/consents/<owner address or DID>
 *   GET /api/issuers/<issuer address or DID>
 *   GET /api/fingerprints/<fingerprint or batch root>
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { BaseError, InvalidInputError } from "../sdk/errors.ts";
import type { AuditEvent } from "./catalogue.ts";
import { formatCursor, parseAddressOrDid, parseBytes32, parseEventQuery } from "./filters.ts";
import { checkHost, checkSameOrigin, isLoopback, urlHost, type AllowedHost } from "./http-guard.ts";
import {
  consentReport,
  csvLine,
  eventRow,
  fingerprintReport,
  issuerReport,
  orderReport,
  toCsv,
} from "./queries.ts";
import type { AuditStore, EventFilter } from "./store.ts";

export type AuditApi = {
  url: string;
  server: Server;
  /** Whether it listens on a loopback address (else anyone who reaches the machine may read it). */
  loopback: boolean;
  close(): Promise<void>;
};

/** The event as the API and CLI print it (without the index's internal key list). */
export function publicEvent(event: AuditEvent): Omit<AuditEvent, "keys"> {
  const { keys: _keys, ...rest } = event;
  return rest;
}

export type AuditApiOptions = {
  store: AuditStore;
  chainId: number;
  /**
   * The host the server serving the API listens on (default 127.0.0.1): requests addressed to it
   * are answered, besides 127.0.0.1, localhost and [::1] (http-guard.ts `checkHost`).
   */
  host?: string;
  /**
   * Names answered as well (a reverse proxy's public name): http-guard.ts `parseAllowedHosts`.
   * Given (even empty) only by `crossproof audit serve`, which takes `--allowed-host`.
   */
  allowedHosts?: readonly AllowedHost[];
  log?: (line: string) => void;
};

/** Events per page read while `/api/events.csv` is written (each page also bounded in bytes). */
const EXPORT_PAGE = 1_000;

const CSV_HEADERS = {
  "Content-Type": "text/csv; charset=utf-8",
  "Content-Disposition": 'attachment; filename="crossproof-audit-events.csv"',
};

/** A request listener for `/api/*` (404 elsewhere), to compose into another server (src/server/web.ts). */
export type AuditRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The audit API as a request handler; it never rejects (failures answer 500 and are logged; a
 * failure in the middle of a CSV export breaks the connection, so the file cannot pass for whole).
 */
export function createAuditApiHandler(options: AuditApiOptions): AuditRequestHandler {
  const { store, chainId } = options;
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`audit api: ${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent)
        send(response, 500, {
          error: { code: "internal", message: "The audit index could not answer; see the server log." },
        });
      else response.destroy();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = checkHost(request, options.host, options.allowedHosts) ?? checkSameOrigin(request);
    if (refusal) {
      send(response, refusal.status, { error: { code: refusal.code, message: refusal.message } });
      return;
    }
    if (request.method === "OPTIONS") {
      response.writeHead(204, { Allow: "GET, HEAD, OPTIONS" });
      response.end();
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      send(
        response,
        405,
        { error: { code: "method-not-allowed", message: "The audit API is read-only: use GET." } },
        { Allow: "GET, HEAD, OPTIONS" },
      );
      return;
    }
    const url = new URL(request.url ?? "/", "http://localhost");
    try {
      const parts = url.pathname
        .replace(/\/+$/, "")
        .split("/")
        .slice(1)
        .map((part) => {
          try {
            return decodeURIComponent(part);
          } catch {
            throw new InvalidInputError(`The path ${url.pathname} is not validly percent-encoded.`);
          }
        });
      if (parts[0] !== "api") {
        notFound(response, url.pathname);
        return;
      }
      const [, resource, id, ...extra] = parts;
      if (extra.length > 0) {
        notFound(response, url.pathname);
        return;
      }
      if (resource === "status" && id === undefined) {
        const cursor = await store.cursor(chainId);
        send(response, 200, { chainId, cursor: cursor ?? null, events: await store.countEvents(chainId) });
      } else if (resource === "events" && id === undefined) {
        const query = queryOf(url);
        const format = query.format ?? "json";
        delete query.format;
        if (format !== "json" && format !== "csv")
          throw new InvalidInputError(`format "${format}" must be json or csv.`);
        const page = await store.events(parseEventQuery(query, chainId));
        const next = page.next ? formatCursor(page.next) : null;
        if (format === "csv") {
          response.writeHead(200, { ...CSV_HEADERS, ...(next ? { "X-Next-Cursor": next } : {}) });
          response.end(toCsv(page.events.map(eventRow), CSV_COLUMNS));
        } else send(response, 200, { events: page.events.map(publicEvent), next });
      } else if (resource === "events.csv" && id === undefined) {
        const query = queryOf(url);
        for (const name of ["limit", "format"])
          if (name in query)
            throw new InvalidInputError(
              `${name} does not apply to /api/events.csv, which holds every matching event in one CSV file; for a page of events, use /api/events.`,
            );
        await exportCsv(request, response, parseEventQuery(query, chainId));
      } else if (resource === "orders" && id !== undefined) {
        const report = await orderReport(store, chainId, parseBytes32(id, "order id"));
        if (!report.order) {
          notFound(response, url.pathname, `No order ${id} in the index.`);
          return;
        }
        send(response, 200, { ...report, timeline: report.timeline.map(publicEvent) });
      } else if (resource === "consents" && id !== undefined) {
        const report = await consentReport(store, chainId, parseAddressOrDid(id, "owner", chainId));
        send(response, 200, { ...report, timeline: report.timeline.map(publicEvent) });
      } else if (resource === "issuers" && id !== undefined) {
        const report = await issuerReport(store, chainId, parseAddressOrDid(id, "issuer", chainId));
        send(response, 200, {
          ...report,
          history: report.history.map(publicEvent),
          acts: report.acts.map(publicEvent),
        });
      } else if (resource === "fingerprints" && id !== undefined) {
        const report = await fingerprintReport(store, chainId, parseBytes32(id, "fingerprint"));
        send(response, 200, { ...report, timeline: report.timeline.map(publicEvent) });
      } else notFound(response, url.pathname);
    } catch (error) {
      // A refusal found once the export had started cannot be an answer of its own any more.
      if (response.headersSent) throw error;
      if (error instanceof BaseError && error.code === "invalid-input") {
        send(response, 400, { error: { code: error.code, message: error.message } });
        return;
      }
      throw error;
    }
  }

  /**
   * Streams every event of `filter` as one CSV file (UTF-8 with a byte-order mark, for Excel),
   * page by page: only one page is in memory at a time, and the next is read once the client has
   * taken the last. The file holds the events indexed when it was asked for (up to the cursor's
   * block), not those indexed while it is written. A client that goes away stops it.
   */
  async function exportCsv(
    request: IncomingMessage,
    response: ServerResponse,
    filter: EventFilter,
  ): Promise<void> {
    const cursor = await store.cursor(chainId);
    if (cursor) filter.toBlock = Math.min(filter.toBlock ?? cursor.blockNumber, cursor.blockNumber);
    response.writeHead(200, { ...CSV_HEADERS, "Cache-Control": "no-store" });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const gone = new AbortController();
    response.once("close", () => {
      gone.abort();
    });
    let more = response.write(`\uFEFF${csvLine(CSV_COLUMNS)}`);
    let after = filter.after;
    for (;;) {
      // A client gone before the wait: drained() returns at once (its 'close' has come and gone).
      if (!more) await drained(response);
      if (gone.signal.aborted || response.destroyed) return;
      const page = await store.events({ ...filter, limit: EXPORT_PAGE, after });
      const rows = page.events.map(eventRow);
      more = response.write(rows.map((row) => csvLine(CSV_COLUMNS.map((column) => row[column]))).join(""));
      if (!page.next) break;
      after = page.next;
    }
    response.end();
  }
}

/** The URL's query parameters, each given at most once. */
function queryOf(url: URL): Record<string, string> {
  const repeated = [...new Set([...url.searchParams.keys()])].filter(
    (name) => url.searchParams.getAll(name).length > 1,
  );
  if (repeated.length > 0)
    throw new InvalidInputError(`Query parameter(s) given more than once: ${repeated.join(", ")}.`);
  return Object.fromEntries(url.searchParams);
}

/** Resolves once `response` can take more, or at once when it is closed already ('close' came and went). */
function drained(response: ServerResponse): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** Serves the audit API alone (`crossproof audit serve`). */
export async function startAuditApi(
  options: AuditApiOptions & { host?: string; port?: number },
): Promise<AuditApi> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(createAuditApiHandler({ ...options, host }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${address.port}`,
    server,
    loopback: isLoopback(address.address),
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

export const CSV_COLUMNS = [
  "block",
  "log",
  "time",
  "contract",
  "event",
  "actor",
  "subject",
  "transaction",
  "args",
];

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    ...headers,
  });
  response.end(`${JSON.stringify(body)}\n`);
}

function notFound(response: ServerResponse, path: string, message?: string): void {
  send(response, 404, {
    error: {
      code: "not-found",
      message:
        message ??
        `No such resource: ${path}. Resources: /api/status, /api/events, /api/events.csv, /api/orders/<id>, /api/consents/<owner>, /api/issuers/<issuer>, /api/fingerprints/<fingerprint>.`,
    },
  });
}
