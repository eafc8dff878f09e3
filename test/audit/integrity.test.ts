/**
 * The audit index's integrity against the wrong chain, the wrong deployment, an oversized answer
 * and a reader without write access (Hardhat's EDR node, SQLite and PostgreSQL):
 *
 * - a chain reset with the same chain id and addresses is refused, shorter or longer than the
 *   index, and nothing is rolled back; a node behind the cursor is told at once, not retried;
 * - a reorganisation deeper than `maxReorg` (`--max-reorg`) is refused, one within it rolled back;
 * - an index holds one deployment per chain, and one written before that was recorded adopts the
 *   manifest's on its first sync unless its events say otherwise;
 * - `audit check` and the sync read ranges that adapt to refusals, and a single block too large
 *   for one answer is read from its receipts; a failure to read the chain is exit 3, not 1;
 * - the queries, `audit check` and `audit serve` work for a SELECT-only PostgreSQL role and on an
 *   SQLite file the user may not write.
 */
import { spawn } from "node:child_process";
import { chmod, copyFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256, ResponseBodyTooLargeError, stringToHex, toHex, type Hex } from "viem";
import { writeContract } from "viem/actions";

import { deploy, freePort, PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";
import { exitCodeFor, ExitCode } from "../../src/cli/errors.ts";
import { consortium } from "../../src/demo/consortium.ts";
import { checkIndex } from "../../src/indexer/check.ts";
import {
  AuditIndexMissingError,
  ChainBehindIndexError,
  ChainMismatchError,
  DeploymentMismatchError,
  IndexMismatchError,
  LogsTooLargeError,
  ReorgTooDeepError,
  RpcFailedError,
} from "../../src/indexer/errors.ts";
import { AuditIndexer } from "../../src/indexer/indexer.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import { didRegistryAbi } from "../../src/sdk/abis.ts";
import { parseDeploymentManifest, type DeploymentManifest } from "../../src/sdk/deployments.ts";
import { CROSSPROOF_BIN } from "../utils/cli.ts";
import { startHistoryChain, type HistoryChain } from "./history.ts";
import { auditBackends, startAuditTestBed, type AuditTestBed } from "./testbed.ts";

/** Unique to this file. */
const CHAIN_ID = 31_414;

describe("audit index integrity (EDR node, SQLite and PostgreSQL)", function () {
  this.timeout(300_000);
  let bed: AuditTestBed;
  let h: HistoryChain;
  let dir: string;
  let sqlite: AuditTestBed["sqlite"];
  let postgresDatabase: AuditTestBed["postgresDatabase"];
  const backends = auditBackends(() => bed);
  let stopBed = async () => {};

  const indexer = (
    store: AuditStore,
    extra: Partial<ConstructorParameters<typeof AuditIndexer>[0]> = {},
  ): AuditIndexer =>
    new AuditIndexer({ client: h.publicClient, store, manifest: h.manifest, log: () => {}, ...extra });

  const head = async (chain: HistoryChain = h) =>
    Number(await chain.publicClient.getBlockNumber({ cacheTime: 0 }));

  async function refusal(work: Promise<unknown>): Promise<Error> {
    try {
      await work;
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a refusal");
  }

  /** What the index holds, to show a refusal changed nothing. */
  async function contents(store: AuditStore) {
    return {
      cursor: (await store.cursor(CHAIN_ID))?.blockNumber,
      events: await store.countEvents(CHAIN_ID),
    };
  }

  /**
   * The chain moves on by `blocks` empty blocks, `seconds` later: branches mined from one snapshot
   * with different `seconds` differ from their first block.
   */
  async function mine(chain: HistoryChain, blocks: number, seconds = 1_000): Promise<void> {
    await chain.chain.rpc("evm_increaseTime", [seconds]);
    await chain.chain.rpc("hardhat_mine", [toHex(blocks)]);
  }

  before(async function () {
    bed = await startAuditTestBed(CHAIN_ID, "audit-integrity");
    stopBed = bed.stop;
    ({ history: h, dir, sqlite, postgresDatabase } = bed);
    await mine(h, 40);
  });

  after(async function () {
    await stopBed();
  });

  describe("a chain reset with the same chain id and addresses", function () {
    let reset: HistoryChain;

    before(async function () {
      // A second chain, deployed the same way: the same addresses, another history.
      reset = await startHistoryChain("hardhat", CHAIN_ID);
      bed.onStop(() => reset.chain.stop());
      expect(reset.manifest.contracts).to.deep.equal(h.manifest.contracts);
      expect(reset.manifest.startBlock).to.equal(h.manifest.startBlock);
      expect(await head(reset)).to.be.lessThan(await head());
    });

    for (const backend of backends)
      it(`is refused at once while shorter than the index, and never rolled back once longer (${backend.name})`, async function () {
        const store = await backend.open();
        try {
          await indexer(store).syncOnce();
          const before = await contents(store);
          expect(before.events).to.be.greaterThan(10);
          const onReset = () => indexer(store, { client: reset.publicClient }).syncOnce();

          // Shorter: the start block differs, so the node holds another chain. No retries.
          const started = performance.now();
          const short = await refusal(onReset());
          expect(performance.now() - started, "refused without retries").to.be.lessThan(3_000);
          expect(short).to.be.instanceOf(ChainMismatchError);
          expect(short.message).to.match(
            new RegExp(
              `^The node's block ${h.manifest.startBlock}, where the deployment starts, is 0x[0-9a-f]{64}, but the audit index at .* was built from a chain whose block ${h.manifest.startBlock} is 0x[0-9a-f]{64}: the node does not hold the chain this index was built from`,
            ),
          );
          expect(short.message).to.contain("Index this chain into a new database");
          expect(await contents(store)).to.deep.equal(before);

          // Longer: still refused, nothing rolled back.
          await mine(reset, before.cursor! - (await head(reset)) + 5);
          const long = await refusal(onReset());
          expect(long).to.be.instanceOf(ChainMismatchError);
          expect(await contents(store)).to.deep.equal(before);

          // An index written before deployments were recorded: refused too, by its stored blocks.
          await store.db.query(`DELETE FROM audit_meta WHERE name = ?`, [`deployment:${CHAIN_ID}`]);
          const old = await refusal(onReset());
          expect(old).to.be.instanceOf(IndexMismatchError);
          expect(old.message).to.match(/new database/);
          expect(await contents(store)).to.deep.equal(before);
          expect(await store.deployment(CHAIN_ID)).to.equal(undefined);

          // The right node again: it adopts the deployment and goes on.
          await indexer(store).syncOnce();
          expect((await store.deployment(CHAIN_ID))?.startBlockHash).to.equal(
            (await h.publicClient.getBlock({ blockNumber: BigInt(h.manifest.startBlock) })).hash,
          );
        } finally {
          await store.close();
        }
      });
  });

  describe("a node behind the index, and reorganisations", function () {
    it("tells at once that the node's chain ends below the cursor", async function () {
      const store = await sqlite();
      try {
        const snapshot = (await h.chain.rpc("evm_snapshot")) as string;
        await mine(h, 10);
        await indexer(store).syncOnce();
        const before = await contents(store);
        expect(await h.chain.rpc("evm_revert", [snapshot])).to.equal(true);
        const started = performance.now();
        const behind = await refusal(indexer(store).syncOnce());
        expect(performance.now() - started, "refused without retries").to.be.lessThan(3_000);
        expect(behind).to.be.instanceOf(ChainBehindIndexError);
        expect(behind.message).to.match(
          new RegExp(
            `^The node's chain ends at block ${before.cursor! - 10}, but the audit index at .* reaches block ${before.cursor} of chain ${CHAIN_ID}: the node does not hold the chain this index was built from, or is still syncing\\. Nothing was changed\\.`,
          ),
        );
        expect(behind.message).not.to.match(/Is the node at the RPC URL up/);
        expect(exitCodeFor(behind), "temporary, like an unreachable chain").to.equal(
          ExitCode.chainUnreachable,
        );
        expect(await contents(store)).to.deep.equal(before);
      } finally {
        await store.close();
      }
    });

    for (const backend of backends)
      it(`refuses a reorganisation deeper than maxReorg and rolls back one within it (${backend.name})`, async function () {
        const store = await backend.open();
        try {
          await indexer(store).syncOnce();
          const snapshot = (await h.chain.rpc("evm_snapshot")) as string;
          const forkedAt = await head();
          // The orphaned branch: 6 blocks, each stored as a range's end (ranges of one block).
          for (let i = 0; i < 6; i++) {
            await mine(h, 1);
            await indexer(store, { rangeSize: 1 }).syncOnce();
          }
          const before = await contents(store);
          expect(await h.chain.rpc("evm_revert", [snapshot])).to.equal(true);
          await mine(h, 8, 5_000);

          const deep = await refusal(indexer(store, { maxReorg: 3 }).syncOnce());
          expect(deep).to.be.instanceOf(ReorgTooDeepError);
          expect(deep.message).to.match(
            new RegExp(
              `^Block ${before.cursor} of chain ${CHAIN_ID} is 0x[0-9a-f]{64} on the node but 0x[0-9a-f]{64} in the audit index at .*, and block ${before.cursor! - 3} differs too: a reorganisation more than 3 block\\(s\\) deep, beyond what the index rolls back \\(--max-reorg 3\\)`,
            ),
          );
          expect(deep.message).to.contain("index it into a new database");
          expect(await contents(store)).to.deep.equal(before);
          expect(await refusal(indexer(store, { maxReorg: 0 }).syncOnce())).to.be.instanceOf(
            ReorgTooDeepError,
          );

          const lines: string[] = [];
          const result = await indexer(store, { log: (line) => lines.push(line) }).syncOnce();
          expect(result.toBlock).to.equal(await head());
          expect(lines.join("\n")).to.contain(
            `chain reorganised: block ${before.cursor} is no longer canonical; rolled back 0 event(s) above block ${forkedAt}`,
          );
        } finally {
          await store.close();
        }
      });

    it("takes --max-reorg on audit sync, and refuses with exit 2 and one line", async function () {
      const db = join(dir, `${bed.unique("cli-")}.sqlite`);
      const env = { CROSSPROOF_RPC_URL: h.chain.rpcUrl, CROSSPROOF_DEPLOYMENTS_DIR: h.chain.deploymentsDir };
      const sync = (...args: string[]) =>
        runScript(CROSSPROOF_BIN, ["audit", "sync", "--db", db, ...args], { env });
      expect((await sync()).code).to.equal(0);
      const snapshot = (await h.chain.rpc("evm_snapshot")) as string;
      await mine(h, 2);
      expect((await sync()).code).to.equal(0);
      await h.chain.rpc("evm_revert", [snapshot]);
      await mine(h, 4, 5_000);
      const refused = await sync("--max-reorg", "0");
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.match(
        /^crossproof: Block \d+ of chain 31414 is 0x[0-9a-f]{64} on the node but/,
      );
      expect(refused.stderr).to.contain("(--max-reorg 0)");
      expect(refused.stderr.trim().split("\n")).to.have.length(1);
      const bad = await sync("--max-reorg", "deep");
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain("--max-reorg deep must be a whole number.");
      expect((await sync()).code).to.equal(0);
    });
  });

  describe("one deployment per index", function () {
    let second: DeploymentManifest;

    before(async function () {
      // Another deployment of Crossproof on the same chain: new addresses, a later start block.
      const secondDir = join(dir, "second-deployment");
      await mkdir(secondDir);
      await rm(join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${CHAIN_ID}`), {
        recursive: true,
        force: true,
      });
      await deploy(h.chain.rpcUrl, { logFile: join(secondDir, "deploy.log"), deploymentsDir: secondDir });
      second = parseDeploymentManifest(
        JSON.parse(await readFile(join(secondDir, `${CHAIN_ID}.json`), "utf8")),
        "second manifest",
      );
      expect(second.contracts.FingerprintRegistry).not.to.equal(h.manifest.contracts.FingerprintRegistry);
    });

    for (const backend of backends)
      it(`refuses another deployment's manifest, and adopts the manifest's once when none is recorded (${backend.name})`, async function () {
        const store = await backend.open();
        try {
          await indexer(store).syncOnce();
          const recorded = (await store.deployment(CHAIN_ID))!;
          expect(recorded).to.include({ chainId: CHAIN_ID, startBlock: h.manifest.startBlock });
          expect(recorded.contracts.FingerprintRegistry).to.equal(
            h.manifest.contracts.FingerprintRegistry.toLowerCase(),
          );
          const before = await contents(store);

          const other = await refusal(indexer(store, { manifest: second }).syncOnce());
          expect(other).to.be.instanceOf(DeploymentMismatchError);
          expect(other.message).to.match(
            new RegExp(
              `^The audit index at .* holds the deployment from block ${h.manifest.startBlock} \\(FingerprintRegistry ${h.manifest.contracts.FingerprintRegistry.toLowerCase()}\\) of chain ${CHAIN_ID}, but the manifest is of the deployment from block ${second.startBlock} \\(FingerprintRegistry ${second.contracts.FingerprintRegistry.toLowerCase()}\\)\\. An index holds one deployment per chain: index this one into a new database`,
            ),
          );
          expect(exitCodeFor(other)).to.equal(ExitCode.badInput);
          expect(await contents(store)).to.deep.equal(before);
          // audit check refuses it as well, rather than calling every event a difference.
          const checked = await refusal(
            checkIndex({
              client: h.publicClient,
              store,
              manifest: second,
              fromBlock: second.startBlock,
              toBlock: before.cursor!,
            }),
          );
          expect(checked).to.be.instanceOf(DeploymentMismatchError);

          // Written before deployments were recorded: another deployment's manifest is still refused
          // (its events come from other contracts), and the right one is adopted.
          await store.db.query(`DELETE FROM audit_meta WHERE name = ?`, [`deployment:${CHAIN_ID}`]);
          const old = await refusal(indexer(store, { manifest: second }).syncOnce());
          expect(old).to.be.instanceOf(DeploymentMismatchError);
          expect(old.message).to.match(
            /holds events of 0x[0-9a-f]{40}, which is not a contract of the deployment/,
          );
          expect(await store.deployment(CHAIN_ID)).to.equal(undefined);
          expect(await contents(store)).to.deep.equal(before);
          await indexer(store).syncOnce();
          expect(await store.deployment(CHAIN_ID)).to.deep.equal(recorded);

          // A new index of the second deployment works.
          const fresh = await backend.open();
          try {
            await indexer(fresh, { manifest: second }).syncOnce();
            expect((await fresh.deployment(CHAIN_ID))?.digest).not.to.equal(recorded.digest);
            expect(await fresh.countEvents(CHAIN_ID)).to.be.greaterThan(0);
          } finally {
            await fresh.close();
          }
        } finally {
          await store.close();
        }
      });
  });

  describe("answers too large for the client", function () {
    /** Blocks whose DID attribute events hold `bytes` bytes each, `perBlock` of them per block. */
    async function bigAttributes(blocks: number, perBlock: number, bytes: number): Promise<number[]> {
      const insurer = h.wallet(consortium.insurer);
      const identity = consortium.insurer.account.address;
      const made: number[] = [];
      await h.chain.rpc("evm_setAutomine", [false]);
      try {
        for (let block = 0; block < blocks; block++) {
          for (let i = 0; i < perBlock; i++)
            await writeContract(insurer, {
              address: h.manifest.contracts.DIDRegistry as Hex,
              abi: didRegistryAbi,
              functionName: "setAttribute",
              args: [
                identity,
                keccak256(stringToHex(`did/svc/Big${block}.${i}`)),
                toHex(new Uint8Array(bytes).fill(0x61)),
                86_400n,
              ],
              gas: 6_000_000n,
              chain: insurer.chain,
            });
          await h.chain.rpc("evm_mine");
          made.push(await head());
        }
      } finally {
        await h.chain.rpc("evm_setAutomine", [true]);
      }
      return made;
    }

    /**
     * The history's client, except that an eth_getLogs answer (and, with `receipts`, a receipt)
     * larger than `limit` bytes of JSON is refused as viem's http transport refuses one over its
     * size limit.
     */
    function limitedClient(limit: number, { receipts = false } = {}) {
      const seen = { refused: 0, receipts: 0 };
      const request = async (args: { method: string }, options?: unknown) => {
        const result: unknown = await h.publicClient.request(args as never, options as never);
        const limited =
          args.method === "eth_getLogs" || (receipts && args.method === "eth_getTransactionReceipt");
        if (args.method === "eth_getTransactionReceipt") seen.receipts++;
        const size = JSON.stringify(result).length;
        if (limited && size > limit) {
          seen.refused++;
          throw new ResponseBodyTooLargeError({ maxSize: limit, size });
        }
        return result;
      };
      const client = new Proxy(h.publicClient, {
        get: (target, property, receiver) =>
          property === "request" ? request : (Reflect.get(target, property, receiver) as unknown),
      });
      return { client, seen };
    }

    it("syncs and checks through blocks whose logs alone exceed the response limit (both stores)", async function () {
      // 3 blocks of 3 attributes of 6 KB: each block's logs about 37 KB of JSON, each receipt 13 KB.
      const dense = await bigAttributes(3, 3, 6_000);
      for (const backend of backends) {
        const store = await backend.open();
        const { client, seen } = limitedClient(20_000);
        const lines: string[] = [];
        try {
          const result = await indexer(store, { client, log: (line) => lines.push(line) }).syncOnce();
          expect(result.toBlock).to.equal(await head());
          expect(seen.refused, backend.name).to.be.greaterThan(0);
          expect(seen.receipts).to.be.at.least(9);
          for (const block of dense)
            expect(lines.join("\n")).to.contain(
              `audit: eth_getLogs of block ${block} alone was refused as too large an answer (HTTP response body exceeded the size limit.); reading the receipts of its 3 transaction(s) instead`,
            );
          // The same as an index read without the limit, and audit check agrees through the limit.
          const reference = await backend.open();
          try {
            await indexer(reference).syncOnce();
            expect(await store.eventsInRange(CHAIN_ID, 0, result.toBlock)).to.deep.equal(
              await reference.eventsInRange(CHAIN_ID, 0, result.toBlock),
            );
          } finally {
            await reference.close();
          }
          const report = await checkIndex({
            client,
            store,
            manifest: h.manifest,
            fromBlock: h.manifest.startBlock,
            toBlock: result.toBlock,
            log: () => {},
          });
          expect(report).to.include({ differences: 0, stateChecked: true, stateDifferences: 0 });
          expect(report.chainEvents).to.equal(await store.countEvents(CHAIN_ID));
        } finally {
          await store.close();
        }
      }
    });

    it("stops before a transaction whose own logs exceed the limit, saying so", async function () {
      const store = await sqlite();
      try {
        await indexer(store).syncOnce();
        const [block] = await bigAttributes(1, 1, 30_000);
        const { client } = limitedClient(40_000, { receipts: true });
        const error = await refusal(indexer(store, { client }).syncOnce());
        expect(error).to.be.instanceOf(LogsTooLargeError);
        expect(error.message).to.match(
          new RegExp(
            `^The logs of transaction 0x[0-9a-f]{64} in block ${block} are larger than the RPC client accepts in one answer \\(HTTP response body exceeded the size limit\\.\\), so they cannot be read through it\\. The audit index stops before block ${block} and keeps everything below it\\.`,
          ),
        );
        expect((await store.cursor(CHAIN_ID))!.blockNumber).to.equal(block! - 1);
      } finally {
        await store.close();
      }
    });

    it("fails audit check on an unreachable chain as exit 3, never as a difference", async function () {
      const store = await sqlite();
      try {
        await indexer(store).syncOnce();
        const failing = new Proxy(h.publicClient, {
          get: (target, property, receiver) =>
            property === "request"
              ? () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1"))
              : (Reflect.get(target, property, receiver) as unknown),
        });
        const error = await refusal(
          checkIndex({
            client: failing,
            store,
            manifest: h.manifest,
            fromBlock: h.manifest.startBlock,
            toBlock: (await store.cursor(CHAIN_ID))!.blockNumber,
            maxAttempts: 2,
            retryDelayMs: 1,
            log: () => {},
          }),
        );
        expect(error).to.be.instanceOf(RpcFailedError);
        expect(exitCodeFor(error)).to.equal(ExitCode.chainUnreachable);
      } finally {
        await store.close();
      }
    });
  });

  describe("readers without write access", function () {
    const env = () => ({
      CROSSPROOF_RPC_URL: h.chain.rpcUrl,
      CROSSPROOF_DEPLOYMENTS_DIR: h.chain.deploymentsDir,
    });

    /** Runs the CLI, as `nobody` when this process is root (root may write any file). */
    function cliAsReader(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      const root = process.getuid?.() === 0;
      const argv = root
        ? ["runuser", ["-u", "nobody", "--", process.execPath, CROSSPROOF_BIN, ...args]]
        : [process.execPath, [CROSSPROOF_BIN, ...args]];
      return new Promise((resolve) => {
        const child = spawn(argv[0] as string, argv[1] as string[], {
          env: { ...process.env, ...env() },
          cwd: tmpdir(),
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (code) => {
          resolve({ code: code ?? -1, stdout, stderr });
        });
      });
    }

    it("queries, checks and serves an SQLite index the user may not write", async function () {
      const store = await sqlite();
      await indexer(store).syncOnce();
      const events = await store.countEvents(CHAIN_ID);
      await store.close();
      const readOnlyDir = join(dir, "read-only");
      await mkdir(readOnlyDir);
      const db = join(readOnlyDir, "audit.sqlite");
      // A copy of the file alone: no -wal or -shm beside it, and none can be created.
      await copyFile(store.db.location, db);
      await chmod(db, 0o444);
      await chmod(readOnlyDir, 0o555);
      await chmod(dir, 0o755);
      await chmod(h.chain.deploymentsDir, 0o755);
      try {
        const status = await cliAsReader(["audit", "status", "--db", db, "--json"]);
        expect(status.code, status.stderr).to.equal(0);
        expect(JSON.parse(status.stdout)).to.include({ chainId: CHAIN_ID, events });
        const page = await cliAsReader(["audit", "events", "--db", db, "--limit", "5", "--json"]);
        expect(page.code, page.stderr).to.equal(0);
        expect((JSON.parse(page.stdout) as { events: unknown[] }).events).to.have.length(5);
        const check = await cliAsReader(["audit", "check", "--db", db]);
        expect(check.code, check.stderr).to.equal(0);
        expect(check.stdout).to.contain("The index matches the chain, event by event (keys included).");
        // Nothing was written beside it.
        expect(await readdir(readOnlyDir)).to.deep.equal(["audit.sqlite"]);
        // A writer there is refused with what went wrong, not a stack trace.
        const sync = await cliAsReader(["audit", "sync", "--db", db]);
        expect(sync.code).not.to.equal(0);
        expect(sync.stderr).to.match(/^crossproof: /);
        expect(sync.stderr).not.to.match(/\n\s+at /);
      } finally {
        await chmod(readOnlyDir, 0o755);
      }
    });

    it("queries, checks and serves a PostgreSQL index as a role with only SELECT", async function () {
      const url = await postgresDatabase();
      const writer = await openAuditStore({ databaseUrl: url });
      try {
        await indexer(writer).syncOnce();
        const database = new URL(url).pathname.slice(1);
        await writer.db.exec(`CREATE ROLE auditor LOGIN`);
        await writer.db.exec(`GRANT CONNECT ON DATABASE ${database} TO auditor`);
        await writer.db.exec(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
        await writer.db.exec(`GRANT USAGE ON SCHEMA public TO auditor`);
        await writer.db.exec(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO auditor`);
        const events = await writer.countEvents(CHAIN_ID);
        const readerUrl = url.replace("postgres://postgres@", "postgres://auditor@");
        const cli = (...args: string[]) =>
          runScript(CROSSPROOF_BIN, ["audit", ...args, "--database-url", readerUrl], { env: env() });

        const page = await cli("events", "--limit", "3", "--json");
        expect(page.code, page.stderr).to.equal(0);
        expect((JSON.parse(page.stdout) as { events: unknown[] }).events).to.have.length(3);
        const status = await cli("status", "--json");
        expect(status.code, status.stderr).to.equal(0);
        expect(JSON.parse(status.stdout)).to.include({ chainId: CHAIN_ID, events });
        const check = await cli("check");
        expect(check.code, check.stderr).to.equal(0);
        expect(check.stdout).to.contain("The index matches the chain, event by event (keys included).");

        const port = await freePort();
        const server = spawn(
          process.execPath,
          [CROSSPROOF_BIN, "audit", "serve", "--port", String(port), "--database-url", readerUrl],
          { env: { ...process.env, ...env() }, stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        server.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        try {
          let answer: Response | undefined;
          for (let i = 0; i < 200 && !answer; i++) {
            answer = await fetch(`http://127.0.0.1:${port}/api/status`).catch(() => undefined);
            if (!answer) await new Promise((resolve) => setTimeout(resolve, 50));
          }
          expect(answer?.status, stderr).to.equal(200);
          expect(await answer!.json()).to.include({ chainId: CHAIN_ID, events });
        } finally {
          const exited = new Promise((resolve) => server.once("exit", resolve));
          server.kill("SIGTERM");
          await exited;
        }

        // A writer with that role is told what failed, and a reader of an empty database what to do.
        const sync = await cli("sync");
        expect(sync.code).not.to.equal(0);
        expect(sync.stderr).to.match(/^crossproof: /);
        const empty = await postgresDatabase();
        const missing = await refusal(openAuditStore({ databaseUrl: empty }, { readOnly: true }));
        expect(missing).to.be.instanceOf(AuditIndexMissingError);
        expect(missing.message).to.match(/is empty; run `crossproof audit sync` first/);
      } finally {
        await writer.close();
      }
    });
  });
});
