/**
 * The audit index's read-only HTTP API (JSON, and CSV for event exports) for the web app and for
 * auditors' own tools. Binds to 127.0.0.1 by default; every parameter is validated (filters.ts)
 * and a bad one answers 400 with `{ error: { code, message } }`. `startAuditApi` serves it alone
 * (`crossproof audit serve`); `createAuditApiHandler` gives the handler that src/server/web.ts
 * mounts beside the web app (`npm start`).
 *
 *   GET /api/status
 *   GET /api/events?contract&event&actor&subject&from&to&limit&cursor&order[&format=csv]
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
import { consentReport, eventRow, fingerprintReport, issuerReport, orderReport, toCsv } from "./queries.ts";
import type { AuditStore } from "./store.ts";

export type AuditApi = { url: string; server: Server; close(): Promise<void> };

/** The event as the API and CLI print it (without the index's internal key list). */
export function publicEvent(event: AuditEvent): Omit<AuditEvent, "keys"> {
  const { keys: _keys, ...rest } = event;
  return rest;
}

export type AuditApiOptions = {
  store: AuditStore;
  chainId: number;
  log?: (line: string) => void;
};

/** A request listener for `/api/*` (404 elsewhere), to compose into another server (src/server/web.ts). */
export type AuditRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The audit API as a request handler; it never rejects (failures answer 500 and are logged). */
export function createAuditApiHandler(options: AuditApiOptions): AuditRequestHandler {
  const { store, chainId } = options;
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`audit api: ${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent)
        send(response, 500, {
          error: { code: "internal", message: "The audit index could not answer; see the server log." },
        });
      else response.end();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === "OPTIONS") {
      response.writeHead(204, corsHeaders());
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
        const repeated = [...new Set([...url.searchParams.keys()])].filter(
          (name) => url.searchParams.getAll(name).length > 1,
        );
        if (repeated.length > 0)
          throw new InvalidInputError(`Query parameter(s) given more than once: ${repeated.join(", ")}.`);
        const query = Object.fromEntries(url.searchParams);
        const format = query.format ?? "json";
        delete query.format;
        if (format !== "json" && format !== "csv")
          throw new InvalidInputError(`format "${format}" must be json or csv.`);
        const page = await store.events(parseEventQuery(query, chainId));
        const next = page.next ? formatCursor(page.next) : null;
        if (format === "csv") {
          response.writeHead(200, {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="crossproof-audit-events.csv"',
            ...(next ? { "X-Next-Cursor": next } : {}),
            ...corsHeaders(),
          });
          response.end(toCsv(page.events.map(eventRow), CSV_COLUMNS));
        } else send(response, 200, { events: page.events.map(publicEvent), next });
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
      if (error instanceof BaseError && error.code === "invalid-input") {
        send(response, 400, { error: { code: error.code, message: error.message } });
        return;
      }
      throw error;
    }
  }
}

/** Serves the audit API alone (`crossproof audit serve`). */
export async function startAuditApi(
  options: AuditApiOptions & { host?: string; port?: number },
): Promise<AuditApi> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(createAuditApiHandler(options));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
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

function corsHeaders(): Record<string, string> {
  // Read-only data that any node of the chain also serves: any origin may read it.
  return {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Expose-Headers": "X-Next-Cursor",
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    ...corsHeaders(),
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
        `No such resource: ${path}. Resources: /api/status, /api/events, /api/orders/<id>, /api/consents/<owner>, /api/issuers/<issuer>, /api/fingerprints/<fingerprint>.`,
    },
  });
}
