/**
 * `crossproof audit` through the real bin, on a real local chain (anvil) holding the scripted
 * history of every event type (history.ts): sync into SQLite and PostgreSQL, every event filter
 * and output format, the order, consent, issuer and fingerprint reports, `audit check` on an
 * honest and on a tampered index, the HTTP API of `audit serve`, and every way it should refuse,
 * each in one line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import pg from "pg";
import { getAddress, type Hex } from "viem";

import { freePort } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";
import { consortium } from "../../src/demo/consortium.ts";
import type { AuditEventPage, AuditEventRecord } from "../../src/sdk/audit.ts";
import { importSqliteQuietly } from "../../src/indexer/sqlite.ts";
import { CONTRACT_NAMES } from "../../src/indexer/catalogue.ts";
import { codeOf } from "../../src/sdk/consent/consent.ts";
import { didOf } from "../../src/sdk/identity/did.ts";
import { runCli, CROSSPROOF_BIN, type CliResult } from "../utils/cli.ts";
import { AUDIT_CSV_COLUMNS, auditCsvRecords } from "../utils/csv.ts";
import { startPostgres, type PostgresServer } from "../utils/postgres.ts";
import { startHistoryChain, writeHistory, type History, type HistoryChain } from "./history.ts";

/** Unique to this file (test/audit/indexer.test.ts uses 31407). */
const CHAIN_ID = 31_408;

type Result = CliResult;

type Event = AuditEventRecord;
type Page = AuditEventPage;
type Row = Record<string, string | number | null>;

const lower = (value: string) => value.toLowerCase();
const HOSPITAL = consortium.hongKongHospital.account.address;
const LAB = consortium.macaoLab.account.address;
const ENTERPRISE = consortium.enterprise.account.address;
const BANK = consortium.bank.account.address;
const AGENCY = consortium.creditAgency.account.address;
const did = (address: string) => didOf({ chainId: CHAIN_ID, address });
const names = (events: Event[]) => events.map((event) => event.event);
const position = (event: Event) => `${event.blockNumber}.${event.logIndex}`;

describe("crossproof audit CLI (anvil, SQLite and PostgreSQL)", function () {
  let h: HistoryChain;
  let history: History;
  let postgres: PostgresServer | undefined;
  let dir: string;
  let env: Record<string, string>;
  let db: string;
  let head: number;
  /** Every event in the index, in chain order (from `audit events --json`). */
  let all: Event[];
  let server: ChildProcess | undefined;

  const cli = (...args: string[]) => runCli(args, env);

  /** `crossproof audit <args> --db <the SQLite index>`. */
  const audit = (...args: string[]) => cli("audit", ...args, "--db", db);

  function expectOk(result: Result): Result {
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(0);
    return result;
  }

  /** A refusal: the exit code, one line on stderr naming what is wrong, no stack trace. */
  function expectRefused(result: Result, code: number, pattern: RegExp): void {
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(code);
    expect(result.stderr).to.match(/^crossproof: /);
    expect(result.stderr.trim()).to.match(pattern);
    expect(result.stderr.trim().split("\n"), result.stderr).to.have.length(1);
    expect(result.stderr).not.to.match(/\n\s+at /);
  }

  async function page(...args: string[]): Promise<Page> {
    const result = expectOk(await audit("events", ...args, "--json"));
    expect(result.stderr).to.equal("");
    return result.json as unknown as Page;
  }

  /** Every page of a query, following `next`. */
  async function pages(run: (cursor: string[]) => Promise<Page>, limit: number): Promise<Page[]> {
    const out: Page[] = [];
    let cursor: string[] = [];
    for (;;) {
      const current = await run(cursor);
      expect(current.events.length).to.be.at.most(limit);
      out.push(current);
      if (!current.next) return out;
      expect(current.events).to.have.length(limit);
      expect(current.next).to.equal(position(current.events.at(-1)!));
      cursor = ["--cursor", current.next];
    }
  }

  before(async function () {
    this.timeout(180_000);
    dir = await mkdtemp(join(tmpdir(), "crossproof-audit-cli-"));
    db = join(dir, "index.sqlite");
    // Both started before either failure is thrown, so that after() stops whichever did start.
    const started = await Promise.allSettled([
      startHistoryChain("anvil", CHAIN_ID).then((chain) => {
        h = chain;
      }),
      startPostgres().then((database) => {
        postgres = database;
      }),
    ]);
    for (const outcome of started) if (outcome.status === "rejected") throw outcome.reason;
    history = await writeHistory(h);
    head = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));
    env = { CROSSPROOF_RPC_URL: h.chain.rpcUrl, CROSSPROOF_DEPLOYMENTS_DIR: h.chain.deploymentsDir };
  });

  after(async function () {
    if (server?.exitCode === null) server.kill("SIGKILL");
    // Unset when the before hook failed early.
    await (h as HistoryChain | undefined)?.chain.stop();
    await postgres?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("syncs every event into SQLite, then finds nothing new", async function () {
    const onChain = await h.publicClient.getLogs({
      address: CONTRACT_NAMES.map((name) => h.manifest.contracts[name] as Hex),
      fromBlock: 0n,
      toBlock: BigInt(head),
    });
    expect(onChain.length).to.be.greaterThan(150);

    const first = expectOk(await audit("sync", "--json"));
    expect(first.json).to.include({
      chainId: CHAIN_ID,
      fromBlock: h.manifest.startBlock,
      toBlock: head,
      events: onChain.length,
      indexedEvents: onChain.length,
      rolledBack: 0,
    });
    expect(first.json.seconds).to.be.a("number").and.at.least(0);

    const second = expectOk(await audit("sync", "--json"));
    expect(second.json).to.include({
      fromBlock: head + 1,
      toBlock: head,
      events: 0,
      indexedEvents: onChain.length,
    });
    const human = expectOk(await audit("sync"));
    expect(human.stdout.trim()).to.equal(
      `The index of chain ${CHAIN_ID} is up to date at block ${head}: no new blocks; ${onChain.length} event(s) in ${db}.`,
    );

    all = (await page("--limit", "10000")).events;
    expect(all).to.have.length(onChain.length);
    expect(all.map(position)).to.deep.equal(onChain.map((log) => `${log.blockNumber}.${log.logIndex}`));
    expect(all.map((event) => event.transactionHash)).to.deep.equal(
      onChain.map((log) => log.transactionHash),
    );
    expect(all.every((event) => event.chainId === CHAIN_ID && !("keys" in event))).to.equal(true);

    const status = expectOk(await audit("status", "--json"));
    expect(status.json).to.deep.include({ chainId: CHAIN_ID, events: onChain.length, store: db });
    expect((status.json.cursor as { blockNumber: number }).blockNumber).to.equal(head);
    const statusLine = expectOk(await audit("status"));
    expect(statusLine.stdout).to.match(
      new RegExp(
        `^${db}: chain ${CHAIN_ID}, ${onChain.length} event\\(s\\) up to block ${head} \\(last written \\d{4}-`,
      ),
    );
  });

  it("filters events by contract, event, actor (address or DID), subject and block or date bounds", async function () {
    const orders = [history.confirmedOrderId, history.rejectedOrderId, history.cancelledOrderId].map(lower);
    const [byContract, requested, requestedOfBook, hospital, hospitalDid, batch, revokedConsent] =
      await Promise.all([
        page("--contract", "CreditOrderBook", "--limit", "10000"),
        page("--event", "OrderRequested"),
        page("--contract", "creditorderbook", "--event", "orderrequested"),
        page("--actor", HOSPITAL),
        page("--actor", did(HOSPITAL)),
        page("--subject", history.batchRoot),
        page("--subject", history.revokedConsentId),
      ]);

    // The order book: three requests, then accepted/delivered/confirmed, rejected, cancelled.
    expect(byContract.events.every((e) => e.contract === "CreditOrderBook")).to.equal(true);
    expect(names(byContract.events)).to.deep.equal([
      "OrderRequested",
      "OrderStateChanged",
      "OrderStateChanged",
      "OrderStateChanged",
      "OrderRequested",
      "OrderStateChanged",
      "OrderRequested",
      "OrderStateChanged",
    ]);
    expect(byContract.events.map((e) => e.subject)).to.deep.equal(
      [0, 0, 0, 0, 1, 1, 2, 2].map((i) => orders[i]),
    );
    expect(byContract.events).to.deep.equal(all.filter((e) => e.contract === "CreditOrderBook"));

    expect(requested.events.map((e) => e.subject)).to.deep.equal(orders);
    expect(requested.events.map((e) => e.actor)).to.deep.equal([lower(BANK), lower(BANK), lower(BANK)]);
    expect(requested.events.map((e) => e.args.provider)).to.deep.equal([AGENCY, AGENCY, AGENCY]);
    expect(requested.next).to.equal(null);
    expect(requestedOfBook).to.deep.equal(requested);

    // Each order's request used the consent once, the order being the use's reference; then the
    // bank recorded a use itself, naming the rejected order.
    const consumed = all.filter((e) => e.event === "ConsentConsumed");
    expect(consumed.map((e) => e.args.usageReference)).to.deep.equal([...orders, history.rejectedOrderId]);
    expect(consumed.map((e) => e.args.consentId)).to.deep.equal([
      consumed[0]!.args.consentId,
      history.consentId,
      history.consentId,
      history.consentId,
    ]);

    // The Hong Kong hospital: applied, anchored, anchored many, a batch, revoked and reinstated twice.
    expect(hospital.events.every((e) => e.actor === lower(HOSPITAL))).to.equal(true);
    expect(names(hospital.events)).to.include.members([
      "IssuerApplied",
      "Anchored",
      "AnchoredMany",
      "BatchAnchored",
      "Revoked",
      "Reinstated",
    ]);
    expect(hospital.events.find((e) => e.event === "AnchoredMany")!.args.fingerprints).to.deep.equal(
      history.manyFingerprints,
    );
    expect(hospital.events).to.deep.equal(all.filter((e) => e.actor === lower(HOSPITAL)));
    expect(hospitalDid).to.deep.equal(hospital);

    // The batch root: anchored with its URI, one leaf revoked and reinstated.
    expect(names(batch.events)).to.deep.equal(["BatchAnchored", "BatchURI", "Revoked", "Reinstated"]);
    expect(batch.events[1]!.args.uri).to.equal("https://records.example/hk/batch-1.json");
    expect(batch.events[2]!.args.fingerprint).to.equal(history.batchLeaves[2]);
    expect(names(revokedConsent.events)).to.deep.equal(["ConsentGranted", "ConsentRevoked"]);
    expect(revokedConsent.events.map((e) => e.actor)).to.deep.equal([lower(ENTERPRISE), lower(ENTERPRISE)]);

    // Block bounds: from the rejected order's request to its rejection.
    const rejected = byContract.events.filter((e) => e.subject === orders[1]);
    const [fromBlock, toBlock] = [rejected[0]!.blockNumber, rejected[1]!.blockNumber];
    const inBlocks = await page("--from", String(fromBlock), "--to", String(toBlock));
    expect(inBlocks.events).to.deep.equal(
      all.filter((e) => e.blockNumber >= fromBlock && e.blockNumber <= toBlock),
    );
    expect(inBlocks.events.map((e) => e.event)).to.include.members(["OrderRequested", "OrderStateChanged"]);

    // Date bounds: the rejection's time, as UTC, with an offset, as a bare date (the whole day).
    const t = rejected[1]!.blockTime;
    const iso = new Date(t * 1000).toISOString();
    const inHongKong = `${new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`;
    const day = iso.slice(0, 10);
    const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
    const [fromDate, toDate, onDay, mixed, none] = await Promise.all([
      page("--from", iso, "--limit", "10000"),
      page("--to", inHongKong, "--limit", "10000"),
      page("--from", day, "--to", day, "--limit", "10000"),
      page("--from", inHongKong, "--to", String(toBlock), "--limit", "10000"),
      audit("events", "--from", "2999-01-01"),
    ]);
    expect(fromDate.events).to.deep.equal(all.filter((e) => e.blockTime >= t));
    expect(fromDate.events.length).to.be.within(1, all.length - 1);
    expect(toDate.events).to.deep.equal(all.filter((e) => e.blockTime <= t));
    expect(onDay.events).to.deep.equal(
      all.filter((e) => e.blockTime >= dayStart && e.blockTime < dayStart + 86_400),
    );
    expect(mixed.events).to.deep.equal(all.filter((e) => e.blockTime >= t && e.blockNumber <= toBlock));
    expect(expectOk(none).stdout.trim()).to.equal("No events match.");
  });

  it("pages with --limit and --cursor, forwards and with --order desc", async function () {
    const forward = await pages((cursor) => page("--limit", "90", ...cursor), 90);
    expect(forward.length).to.equal(Math.ceil(all.length / 90));
    const concatenated = forward.flatMap((p) => p.events);
    expect(new Set(concatenated.map(position)).size).to.equal(concatenated.length);
    expect(concatenated).to.deep.equal(all);

    // Paging through a subject (the index's key table) and a filtered, descending query.
    const [bySubject, backward] = await Promise.all([
      pages((cursor) => page("--subject", history.batchRoot, "--limit", "2", ...cursor), 2),
      pages(
        (cursor) => page("--contract", "FingerprintRegistry", "--order", "desc", "--limit", "12", ...cursor),
        12,
      ),
    ]);
    expect(bySubject.flatMap((p) => p.events).map((e) => e.event)).to.deep.equal([
      "BatchAnchored",
      "BatchURI",
      "Revoked",
      "Reinstated",
    ]);
    const registry = all.filter((e) => e.contract === "FingerprintRegistry");
    expect(backward.length).to.be.greaterThan(1);
    expect(backward.flatMap((p) => p.events)).to.deep.equal([...registry].reverse());

    const newest = await page("--order", "DESC", "--limit", "3");
    expect(newest.events).to.deep.equal(all.slice(-3).reverse());
    expect(newest.next).to.equal(position(all.at(-3)!));
    const table = expectOk(await audit("events", "--limit", "3"));
    const lines = table.stdout.trim().split("\n");
    expect(lines).to.have.length(4);
    expect(lines[3]).to.equal(`More events (showing 3): add --cursor ${position(all[2]!)}`);
  });

  it("prints events as a table, JSON and RFC 4180 CSV", async function () {
    const [table, json, csv, csvPaged] = await Promise.all([
      audit("events", "--event", "OrderRequested"),
      audit("events", "--event", "OrderRequested", "--format", "json"),
      audit("events", "--event", "OrderRequested", "--format", "csv"),
      audit("events", "--limit", "4", "--format", "csv"),
    ]);
    const requested = (expectOk(json).json as unknown as Page).events;
    const orders = [history.confirmedOrderId, history.rejectedOrderId, history.cancelledOrderId];

    const lines = expectOk(table).stdout.trim().split("\n");
    expect(lines).to.have.length(3);
    for (const [i, line] of lines.entries()) {
      expect(line).to.contain(
        `block ${requested[i]!.blockNumber}  CreditOrderBook.OrderRequested by ${lower(BANK)}`,
      );
      expect(line).to.contain(`orderId=${orders[i]}`);
      expect(line).to.contain(`tx ${requested[i]!.transactionHash}`);
    }

    expectOk(csv);
    expect(csv.stdout.startsWith(`${AUDIT_CSV_COLUMNS.join(",")}\r\n`)).to.equal(true);
    // The arguments are JSON: quoted (commas) with their quotes doubled.
    expect(csv.stdout).to.contain(`"{""orderId"":""${orders[0]}""`);
    const records = auditCsvRecords(csv.stdout);
    expect(records).to.have.length(3);
    for (const [i, record] of records.entries()) {
      const event = requested[i]!;
      expect(record).to.deep.equal({
        block: String(event.blockNumber),
        log: String(event.logIndex),
        time: new Date(event.blockTime * 1000).toISOString(),
        contract: "CreditOrderBook",
        event: "OrderRequested",
        actor: lower(BANK),
        subject: lower(orders[i]!),
        transaction: event.transactionHash,
        args: JSON.stringify(event.args),
      });
      expect(JSON.parse(record.args)).to.deep.include({
        orderId: orders[i],
        requester: BANK,
        subject: ENTERPRISE,
      });
    }
    expect(csv.stderr).to.equal("");

    const first = auditCsvRecords(expectOk(csvPaged).stdout);
    expect(first.map((r) => `${r.block}.${r.log}`)).to.deep.equal(all.slice(0, 4).map(position));
    expect(csvPaged.stderr).to.equal(`More events: add --cursor ${position(all[3]!)}\n`);
  });

  it("records the committee's pause and unpause of the fingerprint registry, found by actor and subject", async function () {
    const committee = getAddress(h.manifest.contracts.Committee);
    const registry = getAddress(h.manifest.contracts.FingerprintRegistry);
    const [byActor, bySubject, paused, csv] = await Promise.all([
      page("--contract", "FingerprintRegistry", "--actor", committee),
      page("--subject", registry, "--limit", "10000"),
      page("--event", "paused"),
      audit("events", "--contract", "FingerprintRegistry", "--actor", committee, "--format", "csv"),
    ]);
    // Nothing else of the registry has the committee as actor: its pauses and unpauses are the trail.
    expect(names(byActor.events)).to.deep.equal(["Paused", "Unpaused"]);
    for (const event of byActor.events) {
      expect(event).to.deep.include({
        contract: "FingerprintRegistry",
        address: lower(registry),
        actor: lower(committee),
        subject: lower(registry),
        args: { account: committee },
      });
    }
    expect(byActor.events).to.deep.equal(
      all.filter(
        (e) => e.contract === "FingerprintRegistry" && (e.event === "Paused" || e.event === "Unpaused"),
      ),
    );
    expect(paused.events).to.deep.equal([byActor.events[0]]);
    // Each sits inside a committee execution: between SafeMultiSigTransaction and ExecutionSuccess.
    for (const event of byActor.events) {
      const inTransaction = names(all.filter((e) => e.transactionHash === event.transactionHash));
      expect(inTransaction).to.deep.equal(["SafeMultiSigTransaction", event.event, "ExecutionSuccess"]);
    }
    expect(names(bySubject.events)).to.include.members(["Paused", "Unpaused", "TargetFunctionRoleUpdated"]);
    const records = auditCsvRecords(expectOk(csv).stdout);
    expect(records.map((r) => [r.event, r.actor, r.subject, r.args])).to.deep.equal(
      byActor.events.map((e) => [
        e.event,
        lower(committee),
        lower(registry),
        JSON.stringify({ account: committee }),
      ]),
    );
  });

  it("tells each order's state and timeline, with the consent use its request made", async function () {
    const [confirmed, rejected, cancelled, human] = await Promise.all([
      audit("order", history.confirmedOrderId, "--json"),
      audit("order", history.rejectedOrderId, "--json"),
      audit("order", history.cancelledOrderId, "--json"),
      audit("order", history.confirmedOrderId),
    ]);
    type OrderReport = { order: Row; consent: Row; timeline: Event[] };
    const report = (result: Result) => expectOk(result).json as unknown as OrderReport;

    const c = report(confirmed);
    expect(c.order).to.include({
      key: lower(history.confirmedOrderId),
      state: "confirmed",
      requester: lower(BANK),
      provider: lower(AGENCY),
      subject: lower(ENTERPRISE),
      product_code: lower(codeOf("enterprise-credit-basic")),
      last_actor: lower(BANK),
    });
    expect(c.consent).to.include({ owner: lower(ENTERPRISE), max_uses: 1, uses: 1, revoked: 0 });
    expect(c.timeline.map((e) => `${e.contract}.${e.event}`)).to.deep.equal([
      "ConsentRegistry.ConsentGranted",
      "ConsentRegistry.ConsentConsumed",
      "CreditOrderBook.OrderRequested",
      "CreditOrderBook.OrderStateChanged",
      "CreditOrderBook.OrderStateChanged",
      "CreditOrderBook.OrderStateChanged",
    ]);
    expect(c.timeline[1]!.args.usageReference).to.equal(history.confirmedOrderId);
    // The use and the request are one transaction.
    expect(c.timeline[1]!.transactionHash).to.equal(c.timeline[2]!.transactionHash);
    // accepted (2), delivered (6) by the agency, confirmed (7) by the bank.
    expect(c.timeline.slice(3).map((e) => [e.args.state, e.actor])).to.deep.equal([
      [2, lower(AGENCY)],
      [6, lower(AGENCY)],
      [7, lower(BANK)],
    ]);

    // The rejected and cancelled orders share one consent: each timeline holds its own use only.
    const r = report(rejected);
    expect(r.order).to.include({
      state: "rejected",
      detail: lower(codeOf("insufficient-data")),
      last_actor: lower(AGENCY),
      consent_id: lower(history.consentId),
    });
    expect(r.consent).to.include({ uses: 3, max_uses: 3 });
    // The bank's own third use names this order as its reference; the order claims only the use its
    // request made (the order book's, in the request's transaction).
    expect(names(r.timeline)).to.deep.equal([
      "ConsentGranted",
      "ConsentConsumed",
      "OrderRequested",
      "OrderStateChanged",
    ]);
    expect(r.timeline[1]!.args).to.include({ usageReference: history.rejectedOrderId, uses: 1 });
    expect(r.timeline[1]!.transactionHash).to.equal(r.timeline[2]!.transactionHash);
    const bankOwnUse = all.find(
      (e) =>
        e.event === "ConsentConsumed" &&
        e.args.uses === 3 &&
        typeof e.args.consumer === "string" &&
        lower(e.args.consumer) === lower(BANK),
    );
    expect(bankOwnUse?.args.usageReference, "the bank's own use is indexed").to.equal(
      history.rejectedOrderId,
    );

    const x = report(cancelled);
    expect(x.order).to.include({
      state: "cancelled",
      last_actor: lower(BANK),
      consent_id: lower(history.consentId),
    });
    expect(names(x.timeline)).to.deep.equal([
      "ConsentGranted",
      "ConsentConsumed",
      "OrderRequested",
      "OrderStateChanged",
    ]);
    expect(x.timeline[1]!.args).to.include({ usageReference: history.cancelledOrderId, uses: 2 });

    const text = expectOk(human).stdout;
    expect(text).to.contain(`Order ${lower(history.confirmedOrderId)}:`);
    expect(text).to.match(/\n {2}state {18}confirmed\n/);
    expect(text).to.contain("Timeline (6 event(s)):");
    expect(text).to.contain(
      `ConsentRegistry.ConsentConsumed by ${lower(h.manifest.contracts.CreditOrderBook)}`,
    );
  });

  it("tells an owner's consents, an issuer's history and a fingerprint's life", async function () {
    const nobody = "0x000000000000000000000000000000000000dEaD";
    const [consents, consentsByDid, lab, root, leaf, unknown, labText, unknownJson, stranger, strangerJson] =
      await Promise.all([
        audit("consent", ENTERPRISE, "--json"),
        audit("consent", did(ENTERPRISE), "--json"),
        audit("issuer", did(LAB), "--json"),
        audit("fingerprint", history.batchRoot, "--json"),
        audit("fingerprint", history.batchLeaves[2]!, "--json"),
        audit("fingerprint", `0x${"ab".repeat(32)}`),
        audit("issuer", LAB),
        audit("fingerprint", `0x${"ab".repeat(32)}`, "--json"),
        audit("issuer", nobody),
        audit("issuer", nobody, "--json"),
      ]);

    const owner = expectOk(consents).json as unknown as { consents: Row[]; timeline: Event[] };
    expect(expectOk(consentsByDid).json).to.deep.equal(owner);
    expect(owner.consents).to.have.length(3);
    const byKey = new Map(owner.consents.map((row) => [row.key, row]));
    expect(byKey.get(lower(history.revokedConsentId))).to.include({ revoked: 1, uses: 0 });
    expect(byKey.get(lower(history.consentId))).to.include({ revoked: 0, uses: 3, max_uses: 3 });
    expect(owner.consents.every((row) => row.owner === lower(ENTERPRISE))).to.equal(true);
    const counts = (event: string) => owner.timeline.filter((e) => e.event === event).length;
    expect([counts("ConsentGranted"), counts("ConsentConsumed"), counts("ConsentRevoked")]).to.deep.equal([
      3, 4, 1,
    ]);
    expect(owner.timeline.find((e) => e.event === "ConsentRevoked")!.subject).to.equal(
      lower(history.revokedConsentId),
    );

    type IssuerReport = { issuer: Row; accreditations: Row[]; history: Event[]; acts: Event[] };
    const issuer = expectOk(lab).json as unknown as IssuerReport;
    expect(issuer.issuer).to.include({
      key: lower(LAB),
      status: "removed",
      name: "Macao Public Health Laboratory",
      jurisdiction: "MO",
      issuer_type: "laboratory",
      schemas: "[]",
    });
    expect(issuer.accreditations).to.have.length(1);
    expect(issuer.accreditations[0]).to.include({ active: 0, withdrawals: 1 });
    expect(names(issuer.history)).to.include.members([
      "IssuerApplied",
      "IssuerRecognized",
      "SchemaGranted",
      "IssuerAccredited",
      "SchemaRevoked",
      "AccreditationWithdrawn",
      "IssuerRemoved",
    ]);
    expect(names(issuer.history).at(-1)).to.equal("IssuerRemoved");
    const anchored = issuer.acts.filter((e) => e.event === "Anchored");
    expect(anchored).to.have.length.at.least(1);
    expect(anchored.every((e) => e.actor === lower(LAB) && e.args.issuer === LAB)).to.equal(true);
    expect(issuer.acts.every((e) => e.contract === "FingerprintRegistry")).to.equal(true);
    const labLines = expectOk(labText).stdout;
    expect(labLines).to.match(/\n {2}status {17}removed\n/);
    expect(labLines).to.contain("Registry and accreditation history:");
    expect(labLines).to.contain("IssuerRegistry.IssuerRemoved");

    type FingerprintReport = {
      fingerprint: Row | null;
      batch: Row | null;
      revocations: Row[];
      timeline: Event[];
    };
    const batch = expectOk(root).json as unknown as FingerprintReport;
    expect(batch.batch).to.include({
      issuer: lower(HOSPITAL),
      leaf_count: 5,
      revoked_leaves: 0,
      uri: "https://records.example/hk/batch-1.json",
    });
    expect(names(batch.timeline)).to.deep.equal(["BatchAnchored", "BatchURI", "Revoked", "Reinstated"]);

    const life = expectOk(leaf).json as unknown as FingerprintReport;
    expect(life.fingerprint ?? undefined).to.equal(undefined);
    expect(life.revocations).to.have.length(1);
    expect(life.revocations[0]).to.include({
      fingerprint: lower(history.batchLeaves[2]!),
      batch_root: lower(history.batchRoot),
      issuer: lower(HOSPITAL),
      revoked: 0,
      times_revoked: 1,
    });
    expect(names(life.timeline)).to.deep.equal(["Revoked", "Reinstated"]);
    expect(life.timeline.every((e) => e.args.batchRoot === history.batchRoot)).to.equal(true);

    expect(unknown.code).to.equal(1);
    expect(unknown.stdout.trim()).to.equal(
      `0x${"ab".repeat(32)} is not anchored, revoked or reinstated in the index. (A document of a batch is known by the batch's root, in its package.)`,
    );
    // Nothing known is the answer "no" (exit 1), with --json as without.
    expect(unknownJson.code).to.equal(1);
    expect(unknownJson.json).to.include({ fingerprint: null, batch: null });
    expect(stranger.code).to.equal(1);
    expect(stranger.stdout).to.contain("never applied to the issuer registry, nor anchored anything");
    expect(strangerJson.code).to.equal(1);
    expect(strangerJson.json.acts).to.deep.equal([]);
  });

  it("checks the index against the chain, and names the first difference of a tampered one", async function () {
    const honest = expectOk(await audit("check"));
    expect(honest.stdout).to.contain(
      `Blocks ${h.manifest.startBlock}–${head} of chain ${CHAIN_ID}: ${all.length} event(s) on chain, ${all.length} in the index.`,
    );
    expect(honest.stdout).to.contain("The index matches the chain, event by event (keys included).");

    expect(honest.stdout).to.match(/The \d+ state rows match the state folded from the chain's events\./);

    // Forge a state row and drop one of an event's keys: the events still match, but not the rest.
    const forgedState = join(dir, "forged-state.sqlite");
    await copyFile(db, forgedState);
    const { DatabaseSync: Sqlite } = await importSqliteQuietly();
    const forger = new Sqlite(forgedState);
    try {
      forger
        .prepare("UPDATE state_orders SET state = 'confirmed' WHERE chain_id = ? AND key = ?")
        .run(CHAIN_ID, lower(history.rejectedOrderId));
      forger
        .prepare("DELETE FROM event_keys WHERE chain_id = ? AND key = ?")
        .run(CHAIN_ID, lower(history.cancelledOrderId));
    } finally {
      forger.close();
    }
    const forged = await cli("audit", "check", "--db", forgedState);
    expect(forged.code, forged.stderr).to.equal(1);
    expect(forged.stdout).to.match(/: different \(keys\)\./);
    expect(forged.stdout).to.contain(
      `1 state row difference(s). First: state_orders ${lower(history.rejectedOrderId)}: different (state: chain rejected, index confirmed).`,
    );
    const partial = await cli("audit", "check", "--db", forgedState, "--to", String(head - 1));
    expect(partial.stdout).to.contain("State tables not compared");

    // Change the arguments of the rejection: its reason code.
    const rejection = all.find(
      (e) => e.event === "OrderStateChanged" && e.subject === lower(history.rejectedOrderId),
    )!;
    const tampered = join(dir, "tampered.sqlite");
    await copyFile(db, tampered);
    const { DatabaseSync } = await importSqliteQuietly();
    const file = new DatabaseSync(tampered);
    try {
      const forged = { ...rejection.args, detail: codeOf("forged-reason") };
      file
        .prepare("UPDATE events SET args = ? WHERE chain_id = ? AND block_number = ? AND log_index = ?")
        .run(JSON.stringify(forged), CHAIN_ID, rejection.blockNumber, rejection.logIndex);
    } finally {
      file.close();
    }
    const changed = await cli("audit", "check", "--db", tampered);
    expect(changed.code, changed.stderr).to.equal(1);
    expect(changed.stdout).to.contain(
      `1 difference(s). First at block ${rejection.blockNumber}, log ${rejection.logIndex}: different (args).`,
    );
    expect(changed.stdout).to.contain(`detail=${codeOf("insufficient-data")}`);
    expect(changed.stdout).to.contain(`detail=${codeOf("forged-reason")}`);
    const report = (await cli("audit", "check", "--db", tampered, "--json")).json as {
      differences: number;
      first: {
        position: { blockNumber: number; logIndex: number };
        kind: string;
        field: string;
        chain: Event;
        index: Event;
      };
    };
    expect(report.differences).to.equal(1);
    expect(report.first).to.deep.include({
      position: { blockNumber: rejection.blockNumber, logIndex: rejection.logIndex },
      kind: "different",
      field: "args",
    });
    expect(report.first.chain.args.detail).to.equal(codeOf("insufficient-data"));
    expect(report.first.index.args.detail).to.equal(codeOf("forged-reason"));
    expect(report.first.chain).not.to.have.property("keys");

    // Delete an earlier event: now the first difference is that it is missing from the index.
    const request = all.find(
      (e) => e.event === "OrderRequested" && e.subject === lower(history.confirmedOrderId),
    )!;
    const again = new DatabaseSync(tampered);
    try {
      again
        .prepare("DELETE FROM events WHERE chain_id = ? AND block_number = ? AND log_index = ?")
        .run(CHAIN_ID, request.blockNumber, request.logIndex);
    } finally {
      again.close();
    }
    const missing = await cli("audit", "check", "--db", tampered);
    expect(missing.code, missing.stderr).to.equal(1);
    expect(missing.stdout).to.contain(`${all.length} event(s) on chain, ${all.length - 1} in the index.`);
    expect(missing.stdout).to.contain(
      `2 difference(s). First at block ${request.blockNumber}, log ${request.logIndex}: missing-from-index.`,
    );
    expect(missing.stdout).to.contain(`chain: `);
    expect(missing.stdout).not.to.contain(`index: `);

    // A range before the tampering is still honest.
    const earlier = expectOk(
      await cli("audit", "check", "--db", tampered, "--to", String(request.blockNumber - 1)),
    );
    expect(earlier.stdout).to.contain("The index matches the chain, event by event (keys included).");
  });

  it("syncs, queries and checks a PostgreSQL index the same way", async function () {
    const url = postgres!.url;
    const onPostgres = (...args: string[]) => cli("audit", ...args, "--database-url", url);
    const first = expectOk(await onPostgres("sync", "--json"));
    expect(first.json).to.include({
      chainId: CHAIN_ID,
      toBlock: head,
      events: all.length,
      indexedEvents: all.length,
    });
    expect(expectOk(await onPostgres("sync", "--json")).json).to.include({
      events: 0,
      indexedEvents: all.length,
    });

    const [everything, requested, hospital, order, status] = await Promise.all([
      onPostgres("events", "--limit", "10000", "--json"),
      onPostgres("events", "--event", "OrderRequested", "--format", "csv"),
      onPostgres("events", "--actor", did(HOSPITAL), "--json"),
      onPostgres("order", history.rejectedOrderId, "--json"),
      onPostgres("status", "--json"),
    ]);
    expect((expectOk(everything).json as unknown as Page).events).to.deep.equal(all);
    const requests = all.filter((e) => e.event === "OrderRequested");
    expect(
      auditCsvRecords(expectOk(requested).stdout).map((r) => [`${r.block}.${r.log}`, r.args]),
    ).to.deep.equal(requests.map((e) => [position(e), JSON.stringify(e.args)]));
    expect(expectOk(hospital).json).to.deep.equal({
      events: all.filter((e) => e.actor === lower(HOSPITAL)),
      next: null,
    });
    expect(expectOk(order).json).to.deep.equal(
      expectOk(await audit("order", history.rejectedOrderId, "--json")).json,
    );
    expect(expectOk(status).json).to.include({
      chainId: CHAIN_ID,
      events: all.length,
      store: "the PostgreSQL index",
    });

    const paged = await pages(async (cursor) => {
      const result = expectOk(
        await onPostgres("events", "--limit", "100", "--order", "desc", ...cursor, "--json"),
      );
      return result.json as unknown as Page;
    }, 100);
    expect(paged.flatMap((p) => p.events)).to.deep.equal([...all].reverse());

    expect(expectOk(await onPostgres("check")).stdout).to.contain(
      "The index matches the chain, event by event (keys included).",
    );
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const anchored = all.find((e) => e.event === "Anchored" && e.actor === lower(LAB))!;
    try {
      await client.query(
        "UPDATE events SET actor = $1 WHERE chain_id = $2 AND block_number = $3 AND log_index = $4",
        [lower(HOSPITAL), CHAIN_ID, anchored.blockNumber, anchored.logIndex],
      );
    } finally {
      await client.end();
    }
    const tampered = await onPostgres("check");
    expect(tampered.code, tampered.stderr).to.equal(1);
    expect(tampered.stdout).to.contain(
      `1 difference(s). First at block ${anchored.blockNumber}, log ${anchored.logIndex}: different (actor).`,
    );
  });

  it("serves the same answers over HTTP, refuses bad requests, and stops on SIGTERM", async function () {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CROSSPROOF_BIN, "audit", "serve", "--port", String(port), "--db", db],
      {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    server = child;
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
      const look = () => {
        const found = /at (http:\/\/\S+)\/api /.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      };
      child.stderr.on("data", look);
      void exited.then(() => {
        reject(new Error(`audit serve exited: ${stderr}`));
      });
    });
    expect(base).to.equal(`http://127.0.0.1:${port}`);
    expect(stderr).to.contain(`Audit API for chain ${CHAIN_ID} at ${base}/api (reading ${db})`);

    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`);
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        body: JSON.parse(text) as Record<string, unknown>,
      };
    };
    const api = async (path: string) => {
      const response = await get(path);
      expect(response.status, `${path}: ${response.text}`).to.equal(200);
      return response.body;
    };

    expect(await api("/api/status")).to.deep.include({ chainId: CHAIN_ID, events: all.length });
    expect(((await api("/api/status")).cursor as { blockNumber: number }).blockNumber).to.equal(head);

    const requested = (await api(
      "/api/events?contract=CreditOrderBook&event=OrderRequested",
    )) as unknown as Page;
    expect(requested).to.deep.equal({ events: all.filter((e) => e.event === "OrderRequested"), next: null });
    const hospital = await api(`/api/events?actor=${encodeURIComponent(did(HOSPITAL))}&limit=10000`);
    expect(hospital).to.deep.equal({ events: all.filter((e) => e.actor === lower(HOSPITAL)), next: null });

    const collected: Event[] = [];
    let next: string | null = null;
    let calls = 0;
    do {
      const current = (await api(`/api/events?limit=70${next ? `&cursor=${next}` : ""}`)) as unknown as Page;
      collected.push(...current.events);
      next = current.next;
      calls++;
    } while (next);
    expect(calls).to.equal(Math.ceil(all.length / 70));
    expect(collected).to.deep.equal(all);

    const csv = await fetch(`${base}/api/events?event=OrderRequested&format=csv&limit=2`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
    expect(csv.headers.get("x-next-cursor")).to.equal(position(requested.events[1]!));
    const records = auditCsvRecords(await csv.text());
    expect(records.map((r) => r.subject)).to.deep.equal(requested.events.slice(0, 2).map((e) => e.subject));

    const order = (await api(`/api/orders/${history.cancelledOrderId}`)) as { order: Row; timeline: Event[] };
    expect(order.order.state).to.equal("cancelled");
    expect(names(order.timeline)).to.deep.equal([
      "ConsentGranted",
      "ConsentConsumed",
      "OrderRequested",
      "OrderStateChanged",
    ]);
    expect(await api(`/api/consents/${did(ENTERPRISE)}`)).to.deep.equal(
      expectOk(await audit("consent", ENTERPRISE, "--json")).json,
    );
    expect(((await api(`/api/issuers/${did(LAB)}`)) as { issuer: Row }).issuer.status).to.equal("removed");
    const leaf = (await api(`/api/fingerprints/${history.batchLeaves[2]}`)) as { revocations: Row[] };
    expect(leaf.revocations[0]).to.include({
      batch_root: lower(history.batchRoot),
      revoked: 0,
      times_revoked: 1,
    });

    const refusals: [string, RegExp][] = [
      ["/api/events?actor=0x123", /^actor "0x123" is not an address/],
      ["/api/events?from=2026-02-30", /^from "2026-02-30" is neither a block number nor a date/],
      ["/api/events?to=yesterday", /^to "yesterday" is neither a block number nor a date/],
      [
        "/api/events?contract=Nope",
        /^Unknown contract "Nope"\. Contracts: AccessManager, .*CreditOrderBook\.$/,
      ],
      [
        "/api/events?contract=CreditOrderBook&event=Anchored",
        /^Unknown event "Anchored" for CreditOrderBook\. Events: OrderRequested, OrderStateChanged\.$/,
      ],
      [
        "/api/events?colour=red",
        /^Unknown query parameter\(s\): colour\. Parameters: contract, event, actor/,
      ],
      ["/api/events?limit=0", /^limit "0" must be a whole number from 1 to 10,000\.$/],
      ["/api/events?limit=1000000", /^limit 1000000 is more than 10,000 events per page/],
      ["/api/events?cursor=abc", /^Cursor "abc" is not one this index gave out/],
      ["/api/events?cursor=1.99999999999999999999", /^Cursor "1\.9+" is not one this index gave out/],
      [
        "/api/events?to=2026-11-26T24:00:00Z",
        /^to "2026-11-26T24:00:00Z" is neither a block number nor a date/,
      ],
      ["/api/events?from=1.5", /^from "1\.5" is neither a block number nor a date/],
      ["/api/events?actor=", /^actor is empty; give a value or leave it out\.$/],
      [`/api/events?actor=${lower(HOSPITAL).slice(0, -1)}C`, /has a wrong checksum/],
      ["/api/events?limit=5&limit=6", /^Query parameter\(s\) given more than once: limit\.$/],
      ["/api/events?format=xml", /^format "xml" must be json or csv\.$/],
      ["/api/orders/0x12", /^order id "0x12" is not a 32-byte id/],
      ["/api/orders/%zz", /is not validly percent-encoded/],
      [
        `/api/consents/did:ethr:0x1:${lower(ENTERPRISE)}`,
        /is a DID of chain 1, but this index is of chain 31408/,
      ],
      ["/api/fingerprints/0x12", /^fingerprint "0x12" is not a 32-byte id/],
    ];
    const answers = await Promise.all(refusals.map(([path]) => get(path)));
    for (const [i, [path, pattern]] of refusals.entries()) {
      const answer = answers[i]!;
      expect(answer.status, `${path}: ${answer.text}`).to.equal(400);
      expect(answer.headers.get("content-type")).to.equal("application/json; charset=utf-8");
      const error = (answer.body as { error: { code: string; message: string } }).error;
      expect(error.code, path).to.equal("invalid-input");
      expect(error.message, path).to.match(pattern);
    }

    for (const path of ["/api/nothing", "/api/orders", "/", `/api/orders/0x${"11".repeat(32)}`]) {
      const answer = await get(path);
      expect(answer.status, path).to.equal(404);
      expect((answer.body as { error: { code: string } }).error.code).to.equal("not-found");
    }
    const unknownOrder = await get(`/api/orders/0x${"11".repeat(32)}`);
    expect((unknownOrder.body as { error: { message: string } }).error.message).to.equal(
      `No order 0x${"11".repeat(32)} in the index.`,
    );
    const post = await fetch(`${base}/api/status`, { method: "POST", body: "{}" });
    expect(post.status).to.equal(405);
    expect(post.headers.get("allow")).to.equal("GET, HEAD, OPTIONS");
    expect(((await post.json()) as { error: { code: string } }).error.code).to.equal("method-not-allowed");

    expect(child.kill("SIGTERM")).to.equal(true);
    expect(await exited).to.equal(0);
    expect(stderr).not.to.match(/\n\s+at |Error/);
    server = undefined;
  });

  it("refuses bad input with exit code 2 and one line naming what is wrong", async function () {
    const empty = join(dir, "empty.sqlite");
    await writeFile(empty, "");
    const text = join(dir, "notes.txt");
    await writeFile(text, "not a database\n");
    const cases: [string[], RegExp][] = [
      [
        ["audit", "frobnicate"],
        /Unknown audit action "frobnicate": sync, events, order, consent, issuer, fingerprint, check, serve, status\./,
      ],
      [["audit"], /An audit action is required: sync, events/],
      [
        ["audit", "events", "--contract", "Nope"],
        /Unknown contract "Nope"\. Contracts: AccessManager, SchemaRegistry, FingerprintRegistry, DIDRegistry, IssuerRegistry, Committee, CommitteeProposals, ConsentRegistry, CreditOrderBook\.$/,
      ],
      [
        ["audit", "events", "--event", "Nope"],
        /Unknown event "Nope"\. Events: AccreditationWithdrawn, .*OrderRequested, .*Paused, .*TrustedConsumerSet, Unpaused\.$/,
      ],
      [
        ["audit", "events", "--contract", "CreditOrderBook", "--event", "Anchored"],
        /Unknown event "Anchored" for CreditOrderBook\. Events: OrderRequested, OrderStateChanged\.$/,
      ],
      [
        ["audit", "events", "--actor", "0x123"],
        /--actor "0x123" is not an address \(0x \+ 40 hex digits\), a 32-byte id/,
      ],
      [
        ["audit", "events", "--actor", `${HOSPITAL.slice(0, -1)}${HOSPITAL.endsWith("c") ? "C" : "c"}`],
        /has a wrong checksum/,
      ],
      [
        ["audit", "events", "--actor", `did:ethr:0x1:${lower(HOSPITAL)}`],
        /is a DID of chain 1, but this index is of chain 31408; give the address, or its DID here: did:ethr:0x7ab0:/,
      ],
      [["audit", "events", "--subject", "did:web:example.com"], /uses the "web" DID method/],
      [
        ["audit", "events", "--from", "2026-02-30"],
        /--from "2026-02-30" is neither a block number nor a date; give e\.g\. 1200, 2026-11-26 or 2026-11-26T08:30:00Z\./,
      ],
      [
        ["audit", "events", "--to", "99999999999999999999"],
        /--to 99999999999999999999 is not a block number\./,
      ],
      [["audit", "events", "--from", "20", "--to", "10"], /--from block 20 is after --to block 10\./],
      [
        ["audit", "events", "--from", "2026-11-27", "--to", "2026-11-26"],
        /--from 2026-11-27 is after --to 2026-11-26\./,
      ],
      [["audit", "events", "--limit", "0"], /--limit "0" must be a whole number from 1 to 10,000\./],
      [
        ["audit", "events", "--limit", "1000000"],
        /--limit 1000000 is more than 10,000 events per page; page through with the cursor instead\./,
      ],
      [["audit", "events", "--cursor", "abc"], /Cursor "abc" is not one this index gave out/],
      [["audit", "events", "--actor", ""], /--actor is empty; give a value or leave it out\./],
      [
        ["audit", "events", "--order", "sideways"],
        /--order "sideways" must be asc \(oldest first\) or desc \(newest first\)\./,
      ],
      [["audit", "events", "--format", "xml"], /--format xml must be table, json or csv\./],
      [["audit", "order"], /audit order takes exactly one argument/],
      [["audit", "order", "0x12"], /Order id "0x12" is not a 32-byte id/],
      [["audit", "order", `0x${"11".repeat(32)}`], /No order 0x1{64} in the index of chain 31408\./],
      [
        ["audit", "consent", history.consentId],
        /Owner "0x[0-9a-f]{64}" is not an address \(0x \+ 40 hex digits\) or a did:ethr DID/,
      ],
      [["audit", "fingerprint", HOSPITAL], /Fingerprint "0x[0-9a-fA-F]{40}" is not a 32-byte id/],
      [
        ["audit", "check", "--from", "1", "--to", "999999999"],
        new RegExp(`--to 999999999 is beyond the index, which reaches block ${head}; check up to there`),
      ],
      [["audit", "serve", "--port", "70000"], /--port 70000 is not a TCP port \(0–65535\)\./],
    ];
    const withIndex = cases.map(([args, pattern]) => [[...args, "--db", db], pattern] as [string[], RegExp]);
    const stores: [string[], RegExp][] = [
      [
        ["audit", "events", "--db", empty],
        new RegExp(`${empty} is empty; run \`crossproof audit sync\` first`),
      ],
      [
        ["audit", "status", "--db", join(dir, "missing.sqlite")],
        /There is no audit index at .*missing\.sqlite; create it with `crossproof audit sync --db/,
      ],
      [["audit", "events", "--db", dir], new RegExp(`${dir} is a directory; give the index file itself`)],
      [
        ["audit", "events", "--db", text],
        new RegExp(`${text} is not an SQLite database, so not an audit index`),
      ],
      [
        ["audit", "events", "--db", db, "--database-url", postgres!.url],
        /Give the index as --db <file> \(SQLite\) or --database-url \(PostgreSQL\), not both\./,
      ],
    ];
    const every = [...withIndex, ...stores];
    const results: Result[] = [];
    // Two at a time: each is a Node process.
    for (let i = 0; i < every.length; i += 2)
      results.push(...(await Promise.all(every.slice(i, i + 2).map(([args]) => cli(...args)))));
    for (const [i, [args, pattern]] of every.entries()) {
      try {
        expectRefused(results[i]!, 2, pattern);
      } catch (error) {
        (error as Error).message = `crossproof ${args.join(" ")}: ${(error as Error).message}`;
        throw error;
      }
    }
    // A query leaves no empty database behind.
    expect(existsSync(join(dir, "missing.sqlite"))).to.equal(false);
  });

  it("points to npm start's index when the default one is missing beside it", async function () {
    const project = await mkdtemp(join(tmpdir(), "crossproof-audit-project-"));
    try {
      const inProject = (args: string[]) =>
        runScript(CROSSPROOF_BIN, args, { cwd: project, env: { ...env, CROSSPROOF_AUDIT_DB: undefined } });
      const plain = await inProject(["audit", "status"]);
      expect(plain.code).to.equal(2);
      expect(plain.stderr).to.contain(
        "There is no audit index at .crossproof/audit.sqlite; create it with `crossproof audit sync",
      );
      await mkdir(join(project, ".crossproof", "local-chain"), { recursive: true });
      await copyFile(db, join(project, ".crossproof", "local-chain", "audit.sqlite"));
      const hinted = await inProject(["audit", "status"]);
      expect(hinted.code).to.equal(2);
      expect(hinted.stderr).to.contain(
        "There is no audit index at .crossproof/audit.sqlite. `npm start` keeps the index of its local chain at .crossproof/local-chain/audit.sqlite: add --db .crossproof/local-chain/audit.sqlite (or set CROSSPROOF_AUDIT_DB).",
      );
      // Following the hint works.
      const followed = await inProject(["audit", "status", "--db", ".crossproof/local-chain/audit.sqlite"]);
      expect(followed.code, followed.stderr).to.equal(0);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
