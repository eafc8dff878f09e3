/**
 * The web server of `npm start`: one 127.0.0.1 port serves the built web app (`frontend/dist`),
 * its runtime configuration (`/config.json`) and the read-only audit API (`/api/*`, delegated to
 * src/indexer/http.ts, which guards itself). A request addressed to any other host than the one
 * it listens on (a DNS-rebinding page's) is refused with 403 (src/indexer/http-guard.ts).
 *
 *   GET /config.json   { chainId, chainName, rpcUrl, contracts, startBlock, auditApi: "/api" }
 *   GET /api/...       the audit API
 *   GET /assets/...    hashed build output, cached for a year
 *   GET /anything      a file of the build, else index.html (the app routes on the client)
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";

import { checkHost, urlHost } from "../indexer/http-guard.ts";
import type { DeploymentManifest } from "../sdk/deployments.ts";

/**
 * Answers `/api/*` (src/indexer/http.ts `createAuditApiHandler`, given the same `host` as the web
 * server: it checks each request's Host header itself).
 */
export type ApiHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** What the web app reads at load (frontend/src/config.ts validates it). */
export type WebAppConfig = {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  contracts: DeploymentManifest["contracts"];
  startBlock: number;
  auditApi: "/api";
};

/** The app's configuration for a deployment reached at `rpcUrl`. */
export function webAppConfig(manifest: DeploymentManifest, rpcUrl: string, chainName?: string): WebAppConfig {
  return {
    chainId: manifest.chainId,
    chainName: chainName ?? `Crossproof ${manifest.network} (${manifest.chainId})`,
    rpcUrl,
    contracts: manifest.contracts,
    startBlock: manifest.startBlock,
    auditApi: "/api",
  };
}

export type WebServer = { url: string; server: Server; close(): Promise<void> };

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/**
 * The app's Content-Security-Policy: its own scripts and styles only (no inline script, no eval),
 * requests only to itself (`/config.json`, the audit API) and the chain's RPC URL, no frames, no
 * plugins. Issue keeps salts in localStorage: a script injected into the page could read them.
 */
export function contentSecurityPolicy(rpcUrl: string): string {
  let rpcOrigin: string;
  try {
    const url = new URL(rpcUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(url.protocol);
    rpcOrigin = url.origin;
  } catch {
    throw new Error(`The web app's RPC URL ${rpcUrl} is not an http(s) URL: give the chain's JSON-RPC URL.`);
  }
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${rpcOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Starts the web server. `distDir` must hold a Vite build (index.html); `audit` answers `/api/*`.
 *
 * @example
 * const web = await startWebServer({ distDir, config: webAppConfig(manifest, rpcUrl), audit, port: 8600 });
 */
export async function startWebServer(options: {
  distDir: string;
  config: WebAppConfig;
  audit: ApiHandler;
  host?: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<WebServer> {
  const root = resolve(options.distDir);
  const indexFile = join(root, "index.html");
  if (!(await isFile(indexFile)))
    throw new Error(`${indexFile} is missing: build the web app first (npm run build:web).`);
  const configBody = `${JSON.stringify(options.config)}\n`;
  const pageHeaders = { "Content-Security-Policy": contentSecurityPolicy(options.config.rpcUrl) };
  const host = options.host ?? "127.0.0.1";

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`web: ${request.method} ${request.url} failed: ${(error as Error).message}`);
      if (!response.headersSent) plain(response, 500, "The web server could not answer; see its log.\n");
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      options.audit(request, response);
      return;
    }
    const refusal = checkHost(request, host);
    if (refusal) {
      plain(response, refusal.status, `${refusal.message}\n`);
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      plain(response, 405, "The web app is read-only: use GET.\n", { Allow: "GET, HEAD" });
      return;
    }
    const head = request.method === "HEAD";
    if (url.pathname === "/config.json") {
      response.writeHead(200, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": Buffer.byteLength(configBody),
        "Cache-Control": "no-store",
        ...SECURITY_HEADERS,
      });
      response.end(head ? undefined : configBody);
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      plain(response, 400, "The path is not validly percent-encoded.\n");
      return;
    }
    // No traversal: no NUL, no ".." segment, and the resolved file must stay under the build.
    if (path.includes("\0")) {
      plain(response, 400, "The path may not contain a NUL character (%00).\n");
      return;
    }
    if (path.split(/[\\/]/).includes("..")) {
      plain(response, 400, "The path may not contain '..'.\n");
      return;
    }
    const file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) {
      plain(response, 400, "The path leaves the web app.\n");
      return;
    }
    if (file !== root && (await isFile(file))) {
      await sendFile(response, file, head, path.startsWith("/assets/"), pageHeaders);
      return;
    }
    // A missing asset is a 404; any other path is a client-side route of the single-page app.
    if (path.startsWith("/assets/") || extname(path) !== "") {
      plain(response, 404, `Not found: ${path}\n`);
      return;
    }
    await sendFile(response, indexFile, head, false, pageHeaders);
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${urlHost(host)}:${address.port}`,
    server,
    close: () =>
      new Promise((resolvePromise) => {
        server.close(() => {
          resolvePromise();
        });
        server.closeAllConnections();
      }),
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(
  response: ServerResponse,
  file: string,
  head: boolean,
  immutable: boolean,
  headers: Record<string, string>,
): Promise<void> {
  const { size } = await stat(file);
  response.writeHead(200, {
    "Content-Type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "Content-Length": size,
    // Vite names assets by their content hash; everything else (index.html) must be revalidated.
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...SECURITY_HEADERS,
    ...headers,
  });
  if (head) {
    response.end();
    return;
  }
  await new Promise<void>((resolvePromise, reject) => {
    const stream = createReadStream(file);
    stream.once("error", reject);
    stream.once("end", resolvePromise);
    stream.pipe(response);
  });
}

function plain(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(body);
}
