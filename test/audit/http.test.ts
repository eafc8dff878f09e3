/**
 * The audit API over HTTP, through the real `crossproof audit serve` (and src/server/web.ts for the
 * web app's own files) on a local chain (anvil): who may read it (the Host header, Origin and
 * Sec-Fetch-Site; no CORS headers), pages bounded in bytes (DID attributes of 400 KB, which anyone
 * may write), the streamed CSV export of every matching event with a byte-order mark for Excel (an
 * institution applying under a Chinese name), cells within Excel's 32,767 characters (an
 * `AnchoredMany` of 500 fingerprints), and `audit serve --host` warnings and refusals.
 */
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256, stringToHex, toHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { freePort } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";
import { consortium, DEV_MNEMONIC, demoSchemas, type Member } from "../../src/demo/consortium.ts";
import { seedConsortium } from "../../src/demo/scenarios.ts";
import { createAuditApiHandler } from "../../src/indexer/http.ts";
import { AuditIndexer } from "../../src/indexer/indexer.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import { argsCell, CSV_CELL_LIMIT } from "../../src/indexer/queries.ts";
import { MAX_PAGE_BYTES, type AuditStore } from "../../src/indexer/store.ts";
import type { AuditEventPage, AuditEventRecord } from "../../src/sdk/audit.ts";
import { anchorFingerprints, getSchemaIndex } from "../../src/sdk/fingerprints/actions.ts";
import { setDidAttribute } from "../../src/sdk/identity/actions.ts";
import { applyForRecognition } from "../../src/sdk/issuers/issuers.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";
import { startWebServer, webAppConfig, type WebServer } from "../../src/server/web.ts";
import { CROSSPROOF_BIN } from "../utils/cli.ts";
import { AUDIT_CSV_COLUMNS, auditCsvRecords, type AuditCsvRecord } from "../utils/csv.ts";
import { startHistoryChain, type HistoryChain } from "./history.ts";

/** Unique to this file (the other audit tests use 31407 and 31408, the web tests 31409–31419). */
const CHAIN_ID = 31_415;
const CSV_HEADER = AUDIT_CSV_COLUMNS.join(",");
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHINESE_NAME = "澳門公共衛生化驗所";
const FINGERPRINTS = 500;
const ATTRIBUTES = 8;
const ATTRIBUTE_BYTES = 400_000;

type Answer = { status: number; headers: IncomingHttpHeaders; body: Buffer; text: string };
type Served = {
  base: string;
  port: number;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
};

const devMember = (addressIndex: number): Member => ({
  name: `development account ${addressIndex}`,
  role: "test",
  account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex }),
});
const position = (event: AuditEventRecord) => `${event.blockNumber}.${event.logIndex}`;

/** A GET (or another method) to 127.0.0.1:`port` with exactly these headers (fetch may not set Host). */
function send(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: "127.0.0.1", port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          text: body.toString("utf8"),
        });
      });
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** The export's records keyed by the header, after checking its byte-order mark and header. */
function exported(answer: Answer): AuditCsvRecord[] {
  expect(answer.status, answer.text.slice(0, 300)).to.equal(200);
  expect(answer.body.subarray(0, 3).equals(BOM), "a UTF-8 byte-order mark first").to.equal(true);
  return auditCsvRecords(answer.body.subarray(3).toString("utf8"));
}

describe("audit HTTP API (anvil, SQLite)", function () {
  this.timeout(120_000);

  let h: HistoryChain;
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  let api: Served;
  let attributeValues: Hex[];
  let manyFingerprints: Hex[];
  const children: ChildProcess[] = [];

  /** `crossproof audit serve --db <index> ...args`; resolves once it printed its URL. */
  async function serve(...args: string[]): Promise<Served> {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CROSSPROOF_BIN, "audit", "serve", "--port", String(port), "--db", db, ...args],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => {
        resolve(code);
      });
    });
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`audit serve printed no URL: ${stderr}`));
      }, 15_000);
      child.stderr.on("data", () => {
        const found = /at (http:\/\/\S+)\/api /.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      void exited.then(() => {
        reject(new Error(`audit serve exited: ${stderr}`));
      });
    });
    return { base, port, child, stderr: () => stderr, exited };
  }

  async function stop(served: Served): Promise<void> {
    served.child.kill("SIGTERM");
    expect(await served.exited).to.equal(0);
  }

  const json = async (path: string) => {
    const answer = await send(api.port, path);
    expect(answer.status, `${path}: ${answer.text.slice(0, 300)}`).to.equal(200);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };

  before(async function () {
    this.timeout(240_000);
    dir = await mkdtemp(join(tmpdir(), "crossproof-audit-http-"));
    db = join(dir, "index.sqlite");
    h = await startHistoryChain("anvil", CHAIN_ID);
    env = { CROSSPROOF_RPC_URL: h.chain.rpcUrl, CROSSPROOF_DEPLOYMENTS_DIR: h.chain.deploymentsDir };
    const c = h.manifest.contracts;
    await seedConsortium(h.context);

    // An institution applies under its Chinese name (development account 14).
    const applicant = devMember(14);
    await applyForRecognition(h.wallet(applicant), {
      issuerRegistry: c.IssuerRegistry as Hex,
      did: applicant.account.address,
      type: "laboratory",
      name: CHINESE_NAME,
      jurisdiction: "MO",
    });

    // The Macao lab anchors 500 documents in one transaction: its event's arguments are about
    // 35,000 characters of JSON, more than a spreadsheet cell holds.
    manyFingerprints = Array.from({ length: FINGERPRINTS }, (_, i) =>
      keccak256(stringToHex(`http-test:${i}`)),
    );
    const schemaIndex = await getSchemaIndex(h.publicClient, {
      schemaRegistry: c.SchemaRegistry as Hex,
      schemaId: schemaIdOf(demoSchemas[0]!.definition),
    });
    await anchorFingerprints(h.wallet(consortium.macaoLab), {
      fingerprintRegistry: c.FingerprintRegistry as Hex,
      fingerprints: manyFingerprints,
      schemaIndex,
    });

    // Anyone may write DID attributes: eight of 400 KB each (800 KB of hex each in the index).
    const writer = devMember(15);
    attributeValues = [];
    for (let i = 0; i < ATTRIBUTES; i++) {
      const value = toHex(randomBytes(ATTRIBUTE_BYTES));
      attributeValues.push(value);
      await setDidAttribute(h.wallet(writer), {
        didRegistry: c.DIDRegistry as Hex,
        identity: writer.account.address,
        name: stringToHex(`did/svc/Blob${i}`, { size: 32 }),
        value,
        validity: 86_400,
      });
    }

    const store = await openAuditStore({ sqlitePath: db });
    try {
      await new AuditIndexer({
        client: h.publicClient,
        store,
        manifest: h.manifest,
        log: () => {},
      }).syncOnce();
    } finally {
      await store.close();
    }
    api = await serve();
  });

  after(async function () {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await (h as HistoryChain | undefined)?.chain.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe("who may read it", function () {
    it("answers requests addressed to the address it listens on, with no CORS headers", async function () {
      expect(api.base).to.equal(`http://127.0.0.1:${api.port}`);
      for (const host of [
        `127.0.0.1:${api.port}`,
        `localhost:${api.port}`,
        `[::1]:${api.port}`,
        `LocalHost.:${api.port}`,
      ]) {
        const answer = await send(api.port, "/api/status", { host });
        expect(answer.status, `${host}: ${answer.text}`).to.equal(200);
        expect(JSON.parse(answer.text)).to.include({ chainId: CHAIN_ID });
        expect(answer.headers["access-control-allow-origin"], host).to.equal(undefined);
      }
      const options = await send(api.port, "/api/status", {}, "OPTIONS");
      expect(options.status).to.equal(204);
      expect(options.headers["access-control-allow-origin"]).to.equal(undefined);
      expect(options.headers["access-control-allow-methods"]).to.equal(undefined);
      const csv = await send(api.port, "/api/events?format=csv&limit=1");
      expect(csv.headers["access-control-expose-headers"]).to.equal(undefined);
    });

    it("refuses a request addressed to another host name (DNS rebinding) with 403 and a sentence", async function () {
      // The QA's request: a page of attacker.example whose name was made to resolve to 127.0.0.1.
      const owner = consortium.enterprise.account.address;
      for (const host of [
        `attacker.example:${api.port}`,
        "attacker.example",
        `127.0.0.1:${api.port + 1}`,
        `127.0.0.1.attacker.example:${api.port}`,
        `attacker.example@127.0.0.1:${api.port}`,
      ]) {
        const answer = await send(api.port, `/api/consents/${owner}`, {
          host,
          origin: "https://attacker.example",
        });
        expect(answer.status, host).to.equal(403);
        expect(answer.headers["content-type"]).to.equal("application/json; charset=utf-8");
        expect(answer.headers["access-control-allow-origin"]).to.equal(undefined);
        const { error } = JSON.parse(answer.text) as { error: { code: string; message: string } };
        expect(error.code, host).to.equal("wrong-host");
        expect(error.message).to.equal(
          `This server answers only requests addressed to 127.0.0.1:${api.port}, localhost:${api.port} or [::1]:${api.port}, not to "${host}" (the Host header): a web page of another site may not read the audit index through a host name of its own. Use the URL the server printed; a reverse proxy must send that address as Host (or give this server the proxy's name with --allowed-host), and a port forward must keep the port.`,
        );
        expect(answer.text).not.to.contain('consents"');
      }
      // Not even the CSV export or a preflight.
      expect(
        (await send(api.port, "/api/events.csv", { host: `attacker.example:${api.port}` })).status,
      ).to.equal(403);
      expect(
        (await send(api.port, "/api/status", { host: `attacker.example:${api.port}` }, "OPTIONS")).status,
      ).to.equal(403);
    });

    it("refuses what pages of other origins ask, and answers its own origin, tools and navigations", async function () {
      const refused: Record<string, string>[] = [
        { origin: "https://attacker.example" },
        { origin: "null" },
        { origin: `http://localhost:${api.port + 1}` },
        { "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" },
        { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" },
        { "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" },
      ];
      for (const headers of refused) {
        const answer = await send(api.port, "/api/events?limit=1", headers);
        expect(answer.status, JSON.stringify(headers)).to.equal(403);
        const { error } = JSON.parse(answer.text) as { error: { code: string; message: string } };
        expect(error.code).to.equal("cross-origin");
        expect(error.message).to.match(/^The audit API does not answer pages of other origins \(/);
      }
      const answered: Record<string, string>[] = [
        { origin: `http://127.0.0.1:${api.port}` },
        { host: `localhost:${api.port}`, origin: `http://localhost:${api.port}` },
        { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" },
        { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" },
        // A link followed from another site: only the person sees the answer.
        { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
      ];
      for (const headers of answered)
        expect(
          (await send(api.port, "/api/events?limit=1", headers)).status,
          JSON.stringify(headers),
        ).to.equal(200);
    });

    it("serves the web app's files only to its own host, and names a NUL in a path", async function () {
      const dist = join(dir, "dist");
      await mkdir(dist, { recursive: true });
      await writeFile(join(dist, "index.html"), "<!doctype html><title>Crossproof</title>\n");
      const store: AuditStore = await openAuditStore({ sqlitePath: db });
      let web: WebServer | undefined;
      try {
        web = await startWebServer({
          distDir: dist,
          config: webAppConfig(h.manifest, h.chain.rpcUrl),
          audit: createAuditApiHandler({ store, chainId: CHAIN_ID }),
        });
        const port = Number(new URL(web.url).port);
        expect((await send(port, "/", { host: `localhost:${port}` })).status).to.equal(200);
        expect((await send(port, "/config.json", { host: `[::1]:${port}` })).status).to.equal(200);
        for (const path of ["/", "/audit", "/config.json"]) {
          const answer = await send(port, path, { host: `attacker.example:${port}` });
          expect(answer.status, path).to.equal(403);
          expect(answer.headers["content-type"]).to.equal("text/plain; charset=utf-8");
          expect(answer.text).to.match(
            /^This server answers only requests addressed to 127\.0\.0\.1:\d+, localhost/,
          );
        }
        const apiAnswer = await send(port, "/api/status", { host: `attacker.example:${port}` });
        expect(apiAnswer.status).to.equal(403);
        expect((JSON.parse(apiAnswer.text) as { error: { code: string } }).error.code).to.equal("wrong-host");
        const nul = await send(port, "/%00");
        expect(nul.status).to.equal(400);
        expect(nul.text).to.equal("The path may not contain a NUL character (%00).\n");
        expect((await send(port, "/..%2fpackage.json")).text).to.equal("The path may not contain '..'.\n");
      } finally {
        await web?.close();
        await store.close();
      }
    });
  });

  describe("pages bounded in bytes", function () {
    it("ends a page of huge events early with its next cursor, and the next pages hold the rest", async function () {
      const query = "/api/events?contract=DIDRegistry&event=DIDAttributeChanged&limit=10000";
      const first = await send(api.port, query);
      expect(first.status).to.equal(200);
      expect(first.body.length).to.be.at.most(MAX_PAGE_BYTES);
      const page = JSON.parse(first.text) as AuditEventPage;
      expect(page.events.length).to.be.within(1, ATTRIBUTES - 1);
      expect(page.next).to.equal(position(page.events.at(-1)!));

      const values: string[] = page.events.map((event) => event.args.value as string);
      let next = page.next;
      let pages = 1;
      while (next) {
        const more = await send(api.port, `${query}&cursor=${next}`);
        expect(more.body.length).to.be.at.most(MAX_PAGE_BYTES);
        const current = JSON.parse(more.text) as AuditEventPage;
        values.push(...current.events.map((event) => event.args.value as string));
        next = current.next;
        pages++;
      }
      expect(pages).to.be.at.least(2);
      expect(values).to.deep.equal(attributeValues);

      // Newest first too.
      const desc = JSON.parse((await send(api.port, `${query}&order=desc`)).text) as AuditEventPage;
      expect(desc.events.map((event) => event.args.value)).to.deep.equal(
        attributeValues.slice(-desc.events.length).reverse(),
      );
      expect(desc.next).to.equal(position(desc.events.at(-1)!));

      // The CLI's pages are the same.
      const cli = await runScript(
        CROSSPROOF_BIN,
        [
          "audit",
          "events",
          "--contract",
          "DIDRegistry",
          "--event",
          "DIDAttributeChanged",
          "--limit",
          "10000",
          "--json",
          "--db",
          db,
        ],
        { env },
      );
      expect(cli.code, cli.stderr).to.equal(0);
      expect(JSON.parse(cli.stdout)).to.deep.equal(page);

      // Pages of small events stay as long as asked.
      const anchors = await json("/api/events?contract=FingerprintRegistry&limit=10000");
      expect(anchors.next).to.equal(null);
    });
  });

  describe("CSV export", function () {
    it("streams every matching event in one file, whatever the page size, and refuses a limit", async function () {
      const { events } = (await json("/api/status")) as { events: number };
      const all = await send(api.port, "/api/events.csv");
      expect(all.headers["content-type"]).to.equal("text/csv; charset=utf-8");
      expect(all.headers["content-disposition"]).to.equal(
        'attachment; filename="crossproof-audit-events.csv"',
      );
      expect(all.headers["transfer-encoding"]).to.equal("chunked");
      const rows = exported(all);
      expect(rows).to.have.length(events);
      // In chain order, each event once.
      const positions = rows.map((row) => Number(row.block) * 1e6 + Number(row.log));
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).to.equal(events);

      const attributes = exported(
        await send(api.port, "/api/events.csv?contract=DIDRegistry&event=DIDAttributeChanged"),
      );
      expect(attributes).to.have.length(ATTRIBUTES);
      const newest = exported(
        await send(api.port, "/api/events.csv?contract=DIDRegistry&event=DIDAttributeChanged&order=desc"),
      );
      expect(newest.map((row) => row.block)).to.deep.equal(attributes.map((row) => row.block).reverse());

      for (const [path, pattern] of [
        [
          "/api/events.csv?limit=5",
          /^limit does not apply to \/api\/events\.csv, which holds every matching event in one CSV file; for a page of events, use \/api\/events\.$/,
        ],
        ["/api/events.csv?format=json", /^format does not apply to \/api\/events\.csv/],
        ["/api/events.csv?actor=0x12", /^actor "0x12" is not an address/],
      ] as const) {
        const answer = await send(api.port, path);
        expect(answer.status, path).to.equal(400);
        expect((JSON.parse(answer.text) as { error: { message: string } }).error.message).to.match(pattern);
      }
    });

    it("keeps a Chinese name readable in Excel: UTF-8 with a byte-order mark, in the export only", async function () {
      const rows = exported(
        await send(api.port, "/api/events.csv?contract=IssuerRegistry&event=IssuerApplied"),
      );
      const applied = rows.find((row) => row.args.includes(CHINESE_NAME));
      expect(applied, "the application under the Chinese name").to.not.equal(undefined);
      expect((JSON.parse(applied!.args) as { name: string }).name).to.equal(CHINESE_NAME);

      // A page of CSV and the CLI's CSV (stdout) are for tools: no byte-order mark.
      const page = await send(api.port, "/api/events?contract=IssuerRegistry&event=IssuerApplied&format=csv");
      expect(page.text.startsWith(`${CSV_HEADER}\r\n`)).to.equal(true);
      expect(page.text).to.contain(CHINESE_NAME);
      const cli = await runScript(
        CROSSPROOF_BIN,
        ["audit", "events", "--contract", "IssuerRegistry", "--format", "csv", "--db", db],
        {
          env,
        },
      );
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stdout.startsWith(`${CSV_HEADER}\r\n`)).to.equal(true);
    });

    it("keeps every cell within Excel's 32,767 characters, saying what it left out", async function () {
      const [many] = exported(
        await send(api.port, "/api/events.csv?contract=FingerprintRegistry&event=AnchoredMany"),
      ).filter((row) => row.args.includes(manyFingerprints[0]!));
      expect(many, "the AnchoredMany of 500 fingerprints").to.not.equal(undefined);
      expect(many!.args.length).to.be.within(CSV_CELL_LIMIT - 200, CSV_CELL_LIMIT);
      const listed = (JSON.parse(many!.args) as { fingerprints: string[] }).fingerprints;
      const note = /^… (\d+) more items: see the JSON output$/.exec(listed.at(-1)!);
      expect(note, listed.at(-1)).to.not.equal(null);
      const kept = listed.slice(0, -1);
      expect(kept).to.deep.equal(manyFingerprints.slice(0, kept.length));
      expect(kept.length + Number(note![1])).to.equal(FINGERPRINTS);

      for (const row of exported(
        await send(api.port, "/api/events.csv?contract=DIDRegistry&event=DIDAttributeChanged"),
      )) {
        expect(row.args.length).to.be.at.most(CSV_CELL_LIMIT);
        const { value } = JSON.parse(row.args) as { value: string };
        const cut = /^(0x[0-9a-f]+)… \((\d+) more characters: see the JSON output\)$/.exec(value);
        expect(cut, value.slice(-80)).to.not.equal(null);
        expect(attributeValues.some((original) => original.startsWith(cut![1]!))).to.equal(true);
        expect(cut![1]!.length + Number(cut![2])).to.equal(2 + 2 * ATTRIBUTE_BYTES);
      }

      // The JSON has everything.
      const page = (await json(
        "/api/events?contract=FingerprintRegistry&event=AnchoredMany&order=desc&limit=1",
      )) as unknown as AuditEventPage;
      expect(page.events[0]!.args.fingerprints).to.deep.equal(manyFingerprints);
    });

    it("shortens arguments to a cell's size the same way anywhere (argsCell)", function () {
      expect(argsCell({ a: 1, list: ["x", "y"] })).to.equal('{"a":1,"list":["x","y"]}');
      const cell = argsCell({ list: Array.from({ length: 100 }, (_, i) => `item-${i}`) }, 400);
      expect(cell.length).to.be.at.most(400);
      const list = (JSON.parse(cell) as { list: string[] }).list;
      expect(list.at(-1)).to.equal(`… ${100 - (list.length - 1)} more items: see the JSON output`);
      expect(list.slice(0, -1)).to.deep.equal(Array.from({ length: list.length - 1 }, (_, i) => `item-${i}`));
      // Too many keys for any cutting of values: the text itself is cut, and says so.
      const wide = argsCell(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, i])), 300);
      expect(wide.length).to.be.at.most(300);
      expect(wide).to.match(/… \(\d+ more characters: see the JSON output\)$/);
    });
  });

  describe("audit serve --host", function () {
    it("warns that a non-loopback address opens the index to anyone who reaches it", async function () {
      const open = await serve("--host", "0.0.0.0");
      try {
        expect(open.stderr()).to.contain(
          `Warning: --host 0.0.0.0 is not a loopback address: anyone who can reach this machine on port ${open.port} can read the whole index (every consent, order and issuer), which is for the consortium's members and the regulator only.`,
        );
        expect((await send(open.port, "/api/status")).status).to.equal(200);
        expect((await send(open.port, "/api/status", { host: `0.0.0.0:${open.port}` })).status).to.equal(200);
        expect(
          (await send(open.port, "/api/status", { host: `attacker.example:${open.port}` })).status,
        ).to.equal(403);
      } finally {
        await stop(open);
      }
      expect(api.stderr()).not.to.contain("Warning");
    });

    it("answers a reverse proxy's public name given with --allowed-host, and nothing like it", async function () {
      const proxied = await serve(
        "--allowed-host",
        "audit.regulator.example, Archive.Regulator.Example:8443",
      );
      try {
        expect(proxied.stderr()).to.contain(
          "It also answers requests addressed to audit.regulator.example (any port), archive.regulator.example:8443: the name of the proxy in front of it.",
        );
        for (const host of [
          "audit.regulator.example",
          "audit.regulator.example:443",
          "AUDIT.regulator.example.",
          "archive.regulator.example:8443",
          `127.0.0.1:${proxied.port}`,
        ]) {
          const answer = await send(proxied.port, "/api/status", { host });
          expect(answer.status, `${host}: ${answer.text}`).to.equal(200);
        }
        // The web app behind the proxy, as a browser asks: its page's origin is the proxy's name.
        const fromPage = await send(proxied.port, "/api/status", {
          host: "audit.regulator.example",
          origin: "https://audit.regulator.example",
          "sec-fetch-site": "same-origin",
        });
        expect(fromPage.status, fromPage.text).to.equal(200);
        for (const host of [
          "archive.regulator.example",
          "archive.regulator.example:443",
          "audit.regulator.example.attacker.example",
          "evil-audit.regulator.example",
          `attacker.example:${proxied.port}`,
        ]) {
          const answer = await send(proxied.port, "/api/status", { host });
          expect(answer.status, host).to.equal(403);
          const { error } = JSON.parse(answer.text) as { error: { code: string; message: string } };
          expect(error.code, host).to.equal("wrong-host");
          expect(error.message).to.contain(
            `or archive.regulator.example:8443, not to "${host}" (the Host header)`,
          );
        }
      } finally {
        await stop(proxied);
      }
      for (const [value, entry] of [
        ["*.regulator.example", "*.regulator.example"],
        ["audit.regulator.example,", ""],
        ["https://audit.regulator.example", "https://audit.regulator.example"],
        ["audit.regulator.example:99999", "audit.regulator.example:99999"],
      ] as const) {
        const run = await runScript(
          CROSSPROOF_BIN,
          ["audit", "serve", "--allowed-host", value, "--port", "0", "--db", db],
          { env },
        );
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.equal(
          `crossproof: --allowed-host "${entry}" is not a host name or address with an optional port (e.g. audit.regulator.example or audit.regulator.example:8443); separate several with commas, without wildcards.\n`,
        );
      }
    });

    it("refuses a host it cannot listen on as bad input, in one line", async function () {
      for (const [host, code] of [
        ["nonsense.invalid", /ENOTFOUND|EAI_AGAIN/],
        ["192.0.2.1", /EADDRNOTAVAIL/],
      ] as const) {
        const run = await runScript(
          CROSSPROOF_BIN,
          ["audit", "serve", "--host", host, "--port", "0", "--db", db],
          {
            env,
          },
        );
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr.trim().split("\n"), run.stderr).to.have.length(1);
        expect(run.stderr).to.match(
          new RegExp(
            `^crossproof: --host ${host.replace(/\./g, "\\.")} is not an address of this machine \\((${code.source})\\): give one of its IP addresses or a name that resolves to one, such as 127\\.0\\.0\\.1 \\(the default\\)\\.\\n$`,
          ),
        );
      }
    });
  });
});
