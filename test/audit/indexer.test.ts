/**
 * The audit indexer against a real chain (Hardhat's EDR node, which supports evm_snapshot and
 * evm_revert), on SQLite and on PostgreSQL: a scripted history of every event type is indexed and
 * compared with the chain field by field, and the state tables with the contracts' own views; a
 * sync killed with SIGKILL at several moments and restarted loses and duplicates nothing; a reorg
 * rolls the orphaned rows back; RPC failures are retried with a log line.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import {
  createPublicClient,
  http,
  keccak256,
  MethodNotFoundRpcError,
  parseEventLogs,
  stringToHex,
  type Hex,
  type Log,
  type PublicClient,
} from "viem";
import { getBlock, getLogs, readContract, writeContract } from "viem/actions";

import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { consortium, demoSchemas } from "../../src/demo/consortium.ts";
import { CONTRACTS, CONTRACT_NAMES, toJsonArgs } from "../../src/indexer/catalogue.ts";
import { checkIndex } from "../../src/indexer/check.ts";
import { ConcurrentWriterError } from "../../src/indexer/errors.ts";
import { AuditIndexer } from "../../src/indexer/indexer.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import { fingerprintRegistryAbi, safeAbi } from "../../src/sdk/abis.ts";
import { getConsent, grantConsent } from "../../src/sdk/consent/consent.ts";
import { getOrder } from "../../src/sdk/credit/orders.ts";
import { anchorFingerprint, getSchemaIndex, verifyFingerprint } from "../../src/sdk/fingerprints/actions.ts";
import { getDidOwner } from "../../src/sdk/identity/actions.ts";
import { getIssuer } from "../../src/sdk/issuers/issuers.ts";
import { codeOf } from "../../src/sdk/consent/consent.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";
import { writeHistory, type History, type HistoryChain } from "./history.ts";
import { auditBackends, startAuditTestBed, type AuditTestBed } from "./testbed.ts";

/** Unique to this file (test/audit/audit-cli.test.ts uses 31408). */
const CHAIN_ID = 31_407;

/** Every event type the scripted history must produce. */
const EXPECTED_EVENTS = [
  "SchemaRegistry.SchemaRegistered",
  "SchemaRegistry.AuthorityUpdated",
  "FingerprintRegistry.IssuerAccredited",
  "FingerprintRegistry.AccreditationWithdrawn",
  "FingerprintRegistry.Anchored",
  "FingerprintRegistry.AnchoredMany",
  "FingerprintRegistry.BatchAnchored",
  "FingerprintRegistry.BatchURI",
  "FingerprintRegistry.Revoked",
  "FingerprintRegistry.Reinstated",
  "FingerprintRegistry.Paused",
  "FingerprintRegistry.Unpaused",
  "DIDRegistry.DIDOwnerChanged",
  "DIDRegistry.DIDDelegateChanged",
  "DIDRegistry.DIDAttributeChanged",
  "IssuerRegistry.IssuerApplied",
  "IssuerRegistry.IssuerRecognized",
  "IssuerRegistry.IssuerSuspended",
  "IssuerRegistry.IssuerReinstated",
  "IssuerRegistry.IssuerRemoved",
  "IssuerRegistry.SchemaGranted",
  "IssuerRegistry.SchemaRevoked",
  "CommitteeProposals.ProposalSubmitted",
  "Committee.SafeSetup",
  "Committee.ApproveHash",
  "Committee.SafeMultiSigTransaction",
  "Committee.ExecutionSuccess",
  "Committee.AddedOwner",
  "Committee.ChangedThreshold",
  "ConsentRegistry.ConsentGranted",
  "ConsentRegistry.ConsentRevoked",
  "ConsentRegistry.ConsentConsumed",
  "ConsentRegistry.TrustedConsumerSet",
  "CreditOrderBook.OrderRequested",
  "CreditOrderBook.OrderStateChanged",
  "AccessManager.RoleGranted",
  "AccessManager.RoleRevoked",
  "AccessManager.TargetFunctionRoleUpdated",
];

describe("audit indexer (EDR node, SQLite and PostgreSQL)", function () {
  this.timeout(300_000);
  let h: HistoryChain;
  let history: History;
  let bed: AuditTestBed;
  let dir: string;
  const backends = auditBackends(() => bed);
  let stopBed = async () => {};

  const indexer = (store: AuditStore, extra: Partial<ConstructorParameters<typeof AuditIndexer>[0]> = {}) =>
    new AuditIndexer({
      client: h.publicClient,
      store,
      manifest: h.manifest,
      rangeSize: 16,
      log: () => {},
      ...extra,
    });

  before(async function () {
    bed = await startAuditTestBed(CHAIN_ID, "audit-indexer");
    stopBed = bed.stop;
    ({ history: h, dir } = bed);
    history = await writeHistory(h);
  });

  after(async function () {
    await stopBed();
  });

  for (const backend of backends) {
    describe(backend.name, function () {
      it("indexes every event type and matches the chain field by field", async function () {
        const store = await backend.open();
        try {
          const result = await indexer(store).syncOnce();
          const head = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));
          expect(result.toBlock).to.equal(head);

          // An independent reading of the chain: raw logs decoded with viem's parseEventLogs.
          const logs = (await getLogs(h.publicClient, {
            address: CONTRACT_NAMES.map((name) => h.manifest.contracts[name] as Hex),
            fromBlock: 0n,
            toBlock: BigInt(head),
          })) as Log[];
          const indexed = await store.eventsInRange(CHAIN_ID, 0, head);
          expect(indexed).to.have.length(logs.length);
          expect(logs.length).to.be.greaterThan(150);
          const times = new Map<bigint, number>();
          for (const [i, log] of logs.entries()) {
            const name = CONTRACT_NAMES.find(
              (n) => h.manifest.contracts[n].toLowerCase() === log.address.toLowerCase(),
            )!;
            const [decoded] = parseEventLogs({ abi: CONTRACTS[name], logs: [log] });
            if (!times.has(log.blockNumber!))
              times.set(
                log.blockNumber!,
                Number((await getBlock(h.publicClient, { blockNumber: log.blockNumber! })).timestamp),
              );
            const event = indexed[i]!;
            expect(event.contract, `log ${i}`).to.equal(name);
            expect(event.event, `log ${i}`).to.equal((decoded as { eventName: string }).eventName);
            const viemArgs = toJsonArgs((decoded as { args: Record<string, unknown> }).args);
            expect(event.args, `log ${i} args`).to.deep.equal(viemArgs);
            // The same text too (key order included): src/indexer/decode.ts must not change a byte.
            expect(JSON.stringify(event.args), `log ${i} args`).to.equal(JSON.stringify(viemArgs));
            expect(event.blockNumber).to.equal(Number(log.blockNumber));
            expect(event.blockHash).to.equal(log.blockHash);
            expect(event.blockTime).to.equal(times.get(log.blockNumber!));
            expect(event.transactionHash).to.equal(log.transactionHash);
            expect(event.transactionIndex).to.equal(Number(log.transactionIndex));
            expect(event.logIndex).to.equal(Number(log.logIndex));
            expect(event.address).to.equal(log.address.toLowerCase());
          }
          const kinds = new Set(indexed.map((e) => `${e.contract}.${e.event}`));
          expect(
            EXPECTED_EVENTS.filter((kind) => !kinds.has(kind)),
            "event types missing",
          ).to.deep.equal([]);

          const report = await checkIndex({
            client: h.publicClient,
            store,
            manifest: h.manifest,
            fromBlock: 0,
            toBlock: head,
          });
          expect(report).to.include({
            differences: 0,
            chainEvents: logs.length,
            indexedEvents: logs.length,
            stateChecked: true,
            stateDifferences: 0,
          });

          const again = await indexer(store).syncOnce();
          expect(again.events).to.equal(0);
          expect(await store.countEvents(CHAIN_ID)).to.equal(logs.length);
        } finally {
          await store.close();
        }
      });

      it("keeps state tables equal to the contracts' own views", async function () {
        const store = await backend.open();
        try {
          await indexer(store, { rangeSize: 1_000 }).syncOnce();
          await expectStateMatchesChain(store);
        } finally {
          await store.close();
        }
      });

      it("resumes after SIGKILL at any moment without losing or duplicating an event", async function () {
        const location = backend.name === "SQLite" ? join(dir, `${bed.unique("killed-")}.sqlite`) : undefined;
        const reference = await backend.open();
        const url = location ? undefined : await bed.postgresDatabase();
        const open = () => openAuditStore(location ? { sqlitePath: location } : { databaseUrl: url });
        try {
          await indexer(reference).syncOnce();
          const head = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));
          // Kill the CLI three times at growing cursor positions, then let it finish.
          for (const stopAt of [head * 0.2, head * 0.5, head * 0.8]) {
            const killedAt = await runSyncUntil(
              location ? ["--db", location] : ["--database-url", url!],
              open,
              stopAt,
            );
            expect(killedAt, "the sync was killed before it finished").to.be.lessThan(head);
          }
          const store = await open();
          try {
            await indexer(store).syncOnce();
            const report = await checkIndex({
              client: h.publicClient,
              store,
              manifest: h.manifest,
              fromBlock: 0,
              toBlock: head,
            });
            expect(report).to.include({ differences: 0, stateChecked: true, stateDifferences: 0 });
            expect(await store.countEvents(CHAIN_ID)).to.equal(await reference.countEvents(CHAIN_ID));
            for (const table of [
              "orders",
              "consents",
              "issuers",
              "fingerprints",
              "batches",
              "proposals",
              "committees",
              "dids",
              "roles",
            ])
              expect(await dumpState(store, table), table).to.deep.equal(await dumpState(reference, table));
          } finally {
            await store.close();
          }
        } finally {
          await reference.close();
        }
      });
    });
  }

  /** Runs `crossproof audit sync --range 1` and SIGKILLs it once the index's cursor passes `stopAt`. */
  async function runSyncUntil(
    dbArgs: string[],
    open: () => Promise<AuditStore>,
    stopAt: number,
  ): Promise<number> {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, "bin", "crossproof.js"), "audit", "sync", "--range", "1", ...dbArgs],
      {
        env: {
          ...process.env,
          CROSSPROOF_RPC_URL: h.chain.rpcUrl,
          CROSSPROOF_DEPLOYMENTS_DIR: h.chain.deploymentsDir,
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => {
        resolve(code);
      }),
    );
    const store = await open();
    try {
      for (let i = 0; i < 3_000; i++) {
        const cursor = await store.cursor(CHAIN_ID).catch(() => undefined);
        if (cursor && cursor.blockNumber >= stopAt) break;
        if (child.exitCode !== null) throw new Error(`the sync ended before block ${stopAt}: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill("SIGKILL");
      await exited;
      return (await store.cursor(CHAIN_ID))?.blockNumber ?? -1;
    } finally {
      await store.close();
    }
  }

  async function dumpState(store: AuditStore, table: string): Promise<unknown[]> {
    const rows = await store.db.query(`SELECT * FROM state_${table} ORDER BY key`);
    return rows.map((row) => ({ ...row }));
  }

  async function expectStateMatchesChain(store: AuditStore): Promise<void> {
    const c = h.manifest.contracts;
    for (const orderId of [history.confirmedOrderId, history.rejectedOrderId, history.cancelledOrderId]) {
      const onChain = await getOrder(h.publicClient, { creditOrderBook: c.CreditOrderBook as Hex, orderId });
      const row = (await store.stateRow("orders", CHAIN_ID, orderId))!;
      expect(row.state, orderId).to.equal(onChain.state);
      expect(row.requester).to.equal(onChain.requester.toLowerCase());
      expect(row.provider).to.equal(onChain.request.provider.toLowerCase());
      expect(row.consent_id).to.equal(onChain.request.consentId.toLowerCase());
    }
    for (const consentId of [history.consentId, history.revokedConsentId]) {
      const onChain = await getConsent(h.publicClient, {
        consentRegistry: c.ConsentRegistry as Hex,
        consentId,
      });
      const row = (await store.stateRow("consents", CHAIN_ID, consentId))!;
      expect(row.uses, consentId).to.equal(onChain.uses);
      expect(row.revoked === 1, consentId).to.equal(onChain.revokedAt !== undefined);
      expect(row.owner).to.equal(onChain.owner.toLowerCase());
      expect(row.max_uses).to.equal(onChain.terms.maxUses);
    }
    for (const member of Object.values(consortium)) {
      if (!member.institution) continue;
      const onChain = await getIssuer(h.publicClient, {
        issuerRegistry: c.IssuerRegistry as Hex,
        account: member.account.address,
      });
      const row = (await store.stateRow("issuers", CHAIN_ID, member.account.address))!;
      expect(row.status, member.name).to.equal(onChain.status);
      expect(JSON.parse(row.schemas as string), member.name).to.have.members(
        onChain.schemaIds.map((id) => id.toLowerCase()),
      );
    }
    const registry = c.FingerprintRegistry as Hex;
    for (const fingerprint of history.manyFingerprints) {
      const verified = await verifyFingerprint(h.publicClient, {
        fingerprintRegistry: registry,
        fingerprint,
      });
      const row = (await store.stateRow("fingerprints", CHAIN_ID, fingerprint))!;
      expect(row.revoked === 1, fingerprint).to.equal(verified.status === "revoked");
      expect(row.issuer).to.equal(verified.issuer.toLowerCase());
    }
    const batch = (await store.stateRow("batches", CHAIN_ID, history.batchRoot))!;
    expect(batch).to.include({
      leaf_count: 5,
      revoked_leaves: 0,
      uri: "https://records.example/hk/batch-1.json",
    });
    const committee = (await store.stateRow("committees", CHAIN_ID, c.Committee))!;
    const owners = await readContract(h.publicClient, {
      address: c.Committee as Hex,
      abi: safeAbi,
      functionName: "getOwners",
    });
    const threshold = await readContract(h.publicClient, {
      address: c.Committee as Hex,
      abi: safeAbi,
      functionName: "getThreshold",
    });
    expect(JSON.parse(committee.members as string)).to.deep.equal(owners.map((o) => o.toLowerCase()));
    expect(committee.threshold).to.equal(Number(threshold));
    for (const identity of [consortium.insurer.account.address, consortium.regulator.account.address]) {
      const owner = await getDidOwner(h.publicClient, { didRegistry: c.DIDRegistry as Hex, identity });
      expect((await store.stateRow("dids", CHAIN_ID, identity))!.owner).to.equal(owner.toLowerCase());
    }
  }

  describe("reorgs, confirmations, retries, writers", function () {
    it("rolls back the rows of orphaned blocks and indexes the new branch (both stores)", async function () {
      const stores = await Promise.all(backends.map((b) => b.open()));
      const logs: string[] = [];
      try {
        for (const store of stores) await indexer(store, { log: (line) => logs.push(line) }).syncOnce();
        const snapshot = (await h.chain.rpc("evm_snapshot")) as string;
        const lab = h.wallet(consortium.hongKongHospital);
        const fingerprintRegistry = h.manifest.contracts.FingerprintRegistry as Hex;
        const schemaIndex = await getSchemaIndex(h.publicClient, {
          schemaRegistry: h.manifest.contracts.SchemaRegistry as Hex,
          schemaId: schemaIdOf(demoSchemas[1]!.definition),
        });
        const orphan = keccak256(stringToHex("reorg: orphaned anchor"));
        await anchorFingerprint(lab, { fingerprintRegistry, fingerprint: orphan, schemaIndex });
        const enterprise = h.wallet(consortium.enterprise);
        const now = BigInt(Math.floor(Date.now() / 1000));
        const { consentId: orphanConsent } = await grantConsent(enterprise, {
          consentRegistry: h.manifest.contracts.ConsentRegistry as Hex,
          terms: {
            grantee: consortium.bank.account.address,
            purpose: codeOf("reorg-test"),
            scope: [schemaIdOf(demoSchemas[3]!.definition)],
            validFrom: now,
            validUntil: now + 86_400n,
            maxUses: 1,
          },
        });
        for (const store of stores) await indexer(store, { log: (line) => logs.push(line) }).syncOnce();
        for (const store of stores) {
          expect(await store.stateRow("fingerprints", CHAIN_ID, orphan)).to.not.equal(undefined);
          expect(await store.stateRow("consents", CHAIN_ID, orphanConsent)).to.not.equal(undefined);
        }
        const orphanHead = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));

        // The other branch: the snapshot's state, a different anchor, and a longer chain.
        expect(await h.chain.rpc("evm_revert", [snapshot])).to.equal(true);
        const kept = keccak256(stringToHex("reorg: canonical anchor"));
        await anchorFingerprint(lab, { fingerprintRegistry, fingerprint: kept, schemaIndex });
        for (let i = 0; i < 3; i++) await h.chain.rpc("evm_mine");
        expect(Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }))).to.be.greaterThan(orphanHead);

        for (const store of stores) {
          const result = await indexer(store, { log: (line) => logs.push(line) }).syncOnce();
          expect(result.rolledBack, "orphaned events removed").to.equal(2);
          expect(await store.stateRow("fingerprints", CHAIN_ID, orphan)).to.equal(undefined);
          expect(await store.stateRow("consents", CHAIN_ID, orphanConsent)).to.equal(undefined);
          expect((await store.stateRow("fingerprints", CHAIN_ID, kept))?.revoked).to.equal(0);
          expect(
            (await store.events({ chainId: CHAIN_ID, subject: orphan, limit: 10 })).events,
          ).to.deep.equal([]);
          const head = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));
          const report = await checkIndex({
            client: h.publicClient,
            store,
            manifest: h.manifest,
            fromBlock: 0,
            toBlock: head,
          });
          expect(report).to.include({ differences: 0, stateChecked: true, stateDifferences: 0 });
          await expectStateMatchesChain(store);
        }
        expect(logs.join("\n")).to.match(
          /chain reorganised: block \d+ is no longer canonical; rolled back 2 event\(s\) above block \d+/,
        );
      } finally {
        for (const store of stores) await store.close();
      }
    });

    it("stays the configured number of blocks behind the head", async function () {
      const store = await backends[0]!.open();
      try {
        const result = await indexer(store, { confirmations: 4 }).syncOnce();
        expect(result.toBlock).to.equal(Number(await h.publicClient.getBlockNumber({ cacheTime: 0 })) - 4);
      } finally {
        await store.close();
      }
    });

    it("retries failing RPC calls with backoff and says so in one line", async function () {
      // A proxy that answers the first requests with HTTP 429, then forwards to the node.
      let refused = 0;
      const proxy: Server = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
          if (refused < 3) {
            refused++;
            response.writeHead(429, { "Content-Type": "text/plain" }).end("Too Many Requests");
            return;
          }
          fetch(h.chain.rpcUrl, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: Buffer.concat(chunks),
          })
            .then(async (answer) =>
              response
                .writeHead(answer.status, { "Content-Type": "application/json" })
                .end(await answer.text()),
            )
            .catch(() => response.writeHead(502).end());
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const client = createPublicClient({ transport: http(url, { retryCount: 0 }) }) as PublicClient;
      const store = await backends[0]!.open();
      const lines: string[] = [];
      try {
        const result = await indexer(store, {
          client,
          retryDelayMs: 5,
          log: (line) => lines.push(line),
        }).syncOnce();
        expect(refused).to.equal(3);
        expect(result.toBlock).to.equal(Number(await h.publicClient.getBlockNumber({ cacheTime: 0 })));
        expect(lines).to.have.length(3);
        expect(lines[0]).to.match(
          /^audit: eth_chainId failed \(.*\); retrying in 0\.0 s \(attempt 2 of 6\)$/,
        );

        // A node that never answers: a clear error after the last attempt.
        refused = -1_000_000;
        const failing = indexer(store, { client, maxAttempts: 2, retryDelayMs: 1, log: () => {} });
        let error: Error | undefined;
        await failing.syncOnce().catch((e: unknown) => {
          error = e as Error;
        });
        expect(error?.name).to.equal("RpcFailedError");
        expect(error?.message).to.match(
          /^eth_chainId failed 2 times \(.*\)\. Is the node at the RPC URL up and serving chain 31407\?$/,
        );
      } finally {
        await store.close();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });

    it("refuses a second writer that would move the cursor under the first", async function () {
      const store = await backends[0]!.open();
      try {
        await indexer(store, { rangeSize: 10_000 }).syncOnce();
        const cursor = (await store.cursor(CHAIN_ID))!;
        let error: Error | undefined;
        await store
          .commitRange({
            chainId: CHAIN_ID,
            expectedPrevious: cursor.blockNumber - 5,
            cursor: { blockNumber: cursor.blockNumber + 1, blockHash: cursor.blockHash! },
            blocks: [],
            events: [],
          })
          .catch((e: unknown) => {
            error = e as Error;
          });
        expect(error).to.be.instanceOf(ConcurrentWriterError);
        expect(error!.message).to.match(/another `crossproof audit sync` writing/);
        expect((await store.cursor(CHAIN_ID))!.blockNumber).to.equal(cursor.blockNumber);
      } finally {
        await store.close();
      }
    });

    it("commits ranges given before the previous one ended, in order; none after a failed one (both stores)", async function () {
      for (const backend of backends) {
        const store = await backend.open();
        try {
          await indexer(store).syncOnce();
          const cursor = (await store.cursor(CHAIN_ID))!.blockNumber;
          const count = await store.countEvents(CHAIN_ID);
          // An event that changes no state row, moved above the chain's head.
          const [template] = (await store.eventsInRange(CHAIN_ID, 0, cursor)).filter(
            (e) => e.event === "AuthorityUpdated",
          );
          const hash = (n: number) => keccak256(stringToHex(`range ${n}`));
          const range = (from: number, to: number, events = [] as (typeof template)[]) =>
            store.commitRange({
              chainId: CHAIN_ID,
              expectedPrevious: from,
              cursor: { blockNumber: to, blockHash: hash(to) },
              blocks: [{ number: to, hash: hash(to), time: 1 }],
              events: events.map((e) => ({ ...e!, blockNumber: to, blockHash: hash(to) })),
            });
          // Two ranges given at once: both commit, in order.
          await Promise.all([
            range(cursor, cursor + 1, [template]),
            range(cursor + 1, cursor + 2, [template]),
          ]);
          expect((await store.cursor(CHAIN_ID))!.blockNumber, backend.name).to.equal(cursor + 2);
          expect(await store.countEvents(CHAIN_ID)).to.equal(count + 2);
          // A range that another writer would have moved, and one given right after it that would
          // commit on its own (it starts at the real cursor): the second fails with the first's
          // error, and its event is not kept.
          const failing = range(cursor, cursor + 3);
          const after = range(cursor + 2, cursor + 4, [template]);
          const [first, second] = await Promise.allSettled([failing, after]);
          expect(first.status, backend.name).to.equal("rejected");
          expect((first as PromiseRejectedResult).reason).to.be.instanceOf(ConcurrentWriterError);
          expect(second.status, backend.name).to.equal("rejected");
          expect((second as PromiseRejectedResult).reason, backend.name).to.equal(
            (first as PromiseRejectedResult).reason,
          );
          expect((await store.cursor(CHAIN_ID))!.blockNumber).to.equal(cursor + 2);
          expect(await store.countEvents(CHAIN_ID)).to.equal(count + 2);
          // The failure ends with them: the next range commits.
          await range(cursor + 2, cursor + 3, [template]);
          expect(await store.countEvents(CHAIN_ID)).to.equal(count + 3);
        } finally {
          await store.close();
        }
      }
    });
  });

  describe("range sizes", function () {
    /**
     * The history's client, except that eth_getLogs answers of more than `limit` logs are refused
     * (after the node built them, as real nodes do) and, unless `feeHistory`, eth_feeHistory is
     * answered "method not found". Counts the getLogs calls, the refused ones and the largest answer.
     */
    function limitedClient(limit: number, feeHistory: boolean) {
      const seen = { getLogs: 0, refused: 0, largest: 0 };
      const request = async (args: { method: string }, options?: unknown) => {
        if (args.method === "eth_feeHistory" && !feeHistory)
          throw new MethodNotFoundRpcError(new Error("the method eth_feeHistory does not exist"));
        const result: unknown = await h.publicClient.request(args as never, options as never);
        if (args.method === "eth_getLogs") {
          seen.getLogs++;
          const count = (result as unknown[]).length;
          if (count > limit) {
            seen.refused++;
            throw new Error(`query returned more than ${limit} results`);
          }
          seen.largest = Math.max(seen.largest, count);
        }
        return result;
      };
      const client = new Proxy(h.publicClient, {
        get: (target, property, receiver) =>
          property === "request" ? request : (Reflect.get(target, property, receiver) as unknown),
      });
      return { client, seen };
    }

    it("cuts a dense range by its blocks' gas before asking eth_getLogs for it", async function () {
      // 100 empty blocks, so that the ranges grow, then 4 blocks of 40 anchors each.
      const lab = h.wallet(consortium.hongKongHospital);
      const address = h.manifest.contracts.FingerprintRegistry as Hex;
      const schemaIndex = await getSchemaIndex(h.publicClient, {
        schemaRegistry: h.manifest.contracts.SchemaRegistry as Hex,
        schemaId: schemaIdOf(demoSchemas[1]!.definition),
      });
      await h.chain.rpc("hardhat_mine", ["0x64"]);
      await h.chain.rpc("evm_setAutomine", [false]);
      try {
        for (let block = 0; block < 4; block++) {
          for (let i = 0; i < 40; i++)
            await writeContract(lab, {
              address,
              abi: fingerprintRegistryAbi,
              functionName: "anchor",
              args: [keccak256(stringToHex(`dense ${block}.${i}`)), schemaIndex, 0n],
              gas: 200_000n,
              chain: lab.chain,
            });
          await h.chain.rpc("evm_mine");
        }
      } finally {
        await h.chain.rpc("evm_setAutomine", [true]);
      }
      const head = Number(await h.publicClient.getBlockNumber({ cacheTime: 0 }));
      const perBlock = await getLogs(h.publicClient, {
        address,
        fromBlock: BigInt(head),
        toBlock: BigInt(head),
      });
      expect(perBlock).to.have.length(40);

      // A node that refuses answers over 60 logs; the indexer aims at 10 per range.
      const runs = [];
      for (const feeHistory of [true, false]) {
        const store = await backends[0]!.open();
        const { client, seen } = limitedClient(60, feeHistory);
        const lines: string[] = [];
        try {
          const result = await indexer(store, {
            client,
            rangeSize: 1_000,
            targetLogs: 10,
            log: (line) => lines.push(line),
          }).syncOnce();
          expect(result.toBlock).to.equal(head);
          runs.push({ seen, lines, events: await store.countEvents(CHAIN_ID) });
        } finally {
          await store.close();
        }
      }
      const [estimated, blind] = runs;
      // With the blocks' gas (eth_feeHistory) the dense blocks were never asked for in one range.
      expect(estimated!.seen.refused, estimated!.lines.join("\n")).to.equal(0);
      expect(estimated!.lines.filter((line) => line.includes("refused"))).to.deep.equal([]);
      expect(estimated!.seen.largest).to.equal(40);
      // Without it, the same sync asked for ranges the node refused, and found the size by halving.
      expect(blind!.lines[0]).to.match(/refused eth_feeHistory .*; range sizes now follow the logs alone$/);
      expect(blind!.seen.refused).to.be.greaterThan(0);
      expect(
        blind!.lines.filter((line) => /eth_getLogs over \d+ blocks was refused/.test(line)),
      ).to.have.length(blind!.seen.refused);
      expect(blind!.events).to.equal(estimated!.events);
    });
  });
});
