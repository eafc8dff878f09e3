/**
 * Who may read the audit API and the web app over HTTP. The index is for the consortium's members
 * and the regulator only (docs/privacy.md), and a server on 127.0.0.1 is still reachable from any
 * web page the regulator's browser opens: directly, when the answer allows any origin (CORS), or
 * by DNS rebinding, when the attacker's own host name is made to resolve to 127.0.0.1 and the
 * page reads the answer as same-origin. So:
 *
 * - {@link checkHost}: a request must be addressed (its Host header) to the address the server
 *   listens on: `127.0.0.1`, `localhost`, `[::1]`, the IP address the connection arrived at, or
 *   the host name the server was told to listen on, with the server's port, or a name it was told
 *   to answer as well (`--allowed-host`: the public name of a reverse proxy in front of it). A
 *   rebinding page's requests carry the attacker's host name, and are refused.
 * - {@link checkSameOrigin} (the API only): a browser's request made by a page of another origin
 *   (its `Origin`, or `Sec-Fetch-Site: cross-site` or `same-site`) is refused, except a
 *   navigation, whose answer only the person sees. The API sends no CORS headers either, so a
 *   browser would not hand another origin the answer anyway.
 *
 * Tools outside a browser (curl, scripts) send neither `Origin` nor `Sec-Fetch-*`, and address
 * the server by the URL it printed.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

import { InvalidInputError } from "../sdk/errors.ts";

/** Why a request is refused: always 403, with a stable code and a sentence for the person. */
export type Refusal = { status: 403; code: "wrong-host" | "cross-origin"; message: string };

/** `host` as it appears in a URL: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Whether an address (as `server.address()` gives it, or a host name) is a loopback one. */
export function isLoopback(address: string): boolean {
  const plain = address.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    plain === "localhost" ||
    plain === "::1" ||
    /^127\.\d+\.\d+\.\d+$/.test(plain) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(plain)
  );
}

/** A host name or address as URL parsing writes it (lowercase, IPv6 in brackets, no trailing dot). */
function canonicalHost(host: string): string | undefined {
  try {
    return new URL(`http://${urlHost(host)}`).hostname.replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/** A name the server answers as well as its own addresses; without a port, on any port. */
export type AllowedHost = { name: string; port?: number };

/**
 * `--allowed-host`: a comma-separated list of host names (or IP addresses), each with an optional
 * port (`audit.regulator.example`, `audit.regulator.example:8443`, `[2001:db8::1]:443`), as a
 * reverse proxy in front of the server sends them in the Host header.
 */
export function parseAllowedHosts(value: string, what = "--allowed-host"): AllowedHost[] {
  const entries = value.split(",").map((entry) => entry.trim());
  return entries.map((entry) => {
    const url = /^[^\s/\\@?#*]+$/.test(entry) ? parseUrl(`http://${entry}`) : undefined;
    const name = url?.hostname.replace(/\.$/, "");
    if (!url || !name)
      throw new InvalidInputError(
        `${what} "${entry}" is not a host name or address with an optional port (e.g. audit.regulator.example or audit.regulator.example:8443); separate several with commas, without wildcards.`,
      );
    // URL parsing drops a scheme's default port ("name:80"); a port written is kept.
    const written = /(?:^[^:[\]]*|\]):(\d+)$/.exec(entry)?.[1];
    return written === undefined ? { name } : { name, port: Number(written) };
  });
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Refuses a request whose Host header does not name the server: see the module's comment.
 * `listenHost` is the host the server was told to listen on (default 127.0.0.1), `allowedHosts`
 * the names it answers as well: given (even empty) by a server that takes `--allowed-host`
 * (`crossproof audit serve`), whose refusals then name the option; undefined elsewhere (`npm
 * start`'s web server). A request without a Host header (HTTP/1.0) comes from no browser, and passes.
 */
export function checkHost(
  request: IncomingMessage,
  listenHost = "127.0.0.1",
  allowedHosts?: readonly AllowedHost[],
): Refusal | undefined {
  const header = request.headers.host;
  if (header === undefined) return undefined;
  const port = request.socket.localPort;
  const names = new Set(["127.0.0.1", "localhost", "[::1]"]);
  for (const host of [listenHost, request.socket.localAddress?.replace(/^::ffff:(?=\d+\.)/, "")]) {
    const name = host === undefined ? undefined : canonicalHost(host);
    if (name !== undefined) names.add(name);
  }
  let requested: { name: string; port: number } | undefined;
  // Only a host and a port: URL parsing would take "user@host" or "host/path" apart silently.
  if (/^[^\s/\\@?#]+$/.test(header)) {
    try {
      const url = new URL(`http://${header}`);
      requested = { name: url.hostname.replace(/\.$/, ""), port: url.port === "" ? 80 : Number(url.port) };
    } catch {
      requested = undefined;
    }
  }
  if (requested && requested.port === port && names.has(requested.name)) return undefined;
  const matches = (host: AllowedHost) =>
    requested !== undefined &&
    host.name === requested.name &&
    (host.port === undefined || host.port === requested.port);
  if (allowedHosts?.some(matches)) return undefined;
  const allowed = [
    ...[...names].map((name) => `${name}:${port}`),
    ...(allowedHosts ?? []).map((host) =>
      host.port === undefined ? host.name : `${host.name}:${host.port}`,
    ),
  ];
  return {
    status: 403,
    code: "wrong-host",
    message: `This server answers only requests addressed to ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}, not to "${header}" (the Host header): a web page of another site may not read the audit index through a host name of its own. Use the URL the server printed; a reverse proxy must send that address as Host${allowedHosts ? " (or give this server the proxy's name with --allowed-host)" : ""}, and a port forward must keep the port.`,
  };
}

/**
 * Refuses a request a browser made for a page of another origin (see the module's comment);
 * `request` has passed {@link checkHost}.
 */
export function checkSameOrigin(request: IncomingMessage): Refusal | undefined {
  const origin = request.headers.origin;
  const host = request.headers.host?.toLowerCase();
  if (origin !== undefined) {
    const own = host !== undefined && [`http://${host}`, `https://${host}`].includes(origin.toLowerCase());
    if (!own)
      return {
        status: 403,
        code: "cross-origin",
        message: `The audit API does not answer pages of other origins (this request came from ${origin}): open the web app this server serves, or query the API from a tool outside the browser.`,
      };
  }
  const site = request.headers["sec-fetch-site"];
  if ((site === "cross-site" || site === "same-site") && request.headers["sec-fetch-mode"] !== "navigate")
    return {
      status: 403,
      code: "cross-origin",
      message: `The audit API does not answer pages of other origins (Sec-Fetch-Site: ${site}): open the web app this server serves, or query the API from a tool outside the browser.`,
    };
  return undefined;
}
