/**
 * Event reads over a long stretch of chain, against a node that refuses wide `eth_getLogs` ranges
 * the way Hyperledger Besu does (`--rpc-max-logs-range`): a proxy in front of a Hardhat node with
 * the whole audit history on it answers ranges over LIMIT blocks with Besu's error.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { createPublicClient, http, type Hex, type PublicClient } from "viem";
import { getContractEvents } from "viem/actions";

import { consortium } from "../../src/demo/consortium.ts";
import { consentRegistryAbi, fingerprintRegistryAbi } from "../../src/sdk/abis.ts";
import { blockTimes, getContractEventsInRanges, isRangeTooLarge } from "../../src/sdk/actions/events.ts";
import { listConsentUses } from "../../src/sdk/consent/consent.ts";
import { orderTimeline } from "../../src/sdk/credit/orders.ts";
import { findAnchorTransactions } from "../../src/sdk/fingerprints/events.ts";
import { listProposalStates } from "../../src/sdk/governance/committee.ts";
import { startHistoryChain, writeHistory, type History, type HistoryChain } from "../audit/history.ts";

/** Unique to this file (see the CHAIN_ID of the other chain-starting tests). */
const CHAIN_ID = 31_413;
/** Blocks per eth_getLogs the proxy lets through. */
const LIMIT = 7;
/** Besu's answer to a range over --rpc-max-logs-range (JsonRpcError EXCEEDS_RPC_MAX_BLOCK_RANGE). */
const BESU_REFUSAL = { code: -32005, message: "Requested range exceeds maximum RPC range limit" };

type JsonRpcRequest = { id: number; method: string; params?: unknown[] };
type Limits = { blocks?: number; logs?: number; refusal?: object };
type Proxy = {
  url: string;
  served: number[];
  refused: number[];
  trail: ("served" | "refused")[];
  /** Every method asked, in order. */
  methods: string[];
  close(): Promise<void>;
};

describe("src/sdk/actions/events.ts: reading events in ranges the node accepts", function () {
  this.timeout(300_000);
  let h: HistoryChain;
  let history: History;
  let fromBlock: bigint;
  let head: bigint;

  before(async function () {
    h = await startHistoryChain("hardhat", CHAIN_ID);
    history = await writeHistory(h);
    fromBlock = BigInt(h.manifest.startBlock);
    head = await h.publicClient.getBlockNumber({ cacheTime: 0 });
    // The history must span many limits, or nothing here is tested.
    expect(Number(head - fromBlock)).to.be.greaterThan(10 * LIMIT);
  });

  after(async function () {
    await h.chain.stop();
  });

  /**
   * Forwards JSON-RPC to the node, except an eth_getLogs over more than `blocks` blocks (Besu's
   * --rpc-max-logs-range; 0 refuses every eth_getLogs) or whose answer has more than `logs` logs
   * (geth's and hosted nodes' result limits): those get `refusal`. Records each eth_getLogs' span
   * and fate, in order.
   */
  async function limitedNode({
    blocks = Number.MAX_SAFE_INTEGER,
    logs = Number.MAX_SAFE_INTEGER,
    refusal,
  }: Limits): Promise<Proxy> {
    const served: number[] = [];
    const refused: number[] = [];
    const trail: ("served" | "refused")[] = [];
    const methods: string[] = [];
    const refuse = (request: JsonRpcRequest, span: number, error: object) => {
      refused.push(span);
      trail.push("refused");
      return { jsonrpc: "2.0", id: request.id, error };
    };
    const answer = async (request: JsonRpcRequest) => {
      methods.push(request.method);
      let span: number | undefined;
      if (request.method === "eth_getLogs") {
        const { fromBlock: from, toBlock: to } = request.params![0] as {
          fromBlock: Hex;
          toBlock: Hex | "latest";
        };
        const last = to === "latest" ? await h.publicClient.getBlockNumber({ cacheTime: 0 }) : BigInt(to);
        span = Number(last - BigInt(from)) + 1;
        if (span > blocks) return refuse(request, span, refusal ?? BESU_REFUSAL);
      }
      const forwarded = await fetch(h.chain.rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request),
      });
      const reply = (await forwarded.json()) as { result?: unknown };
      if (span !== undefined) {
        const count = (reply.result as unknown[]).length;
        if (count > logs) {
          return refuse(
            request,
            span,
            refusal ?? { code: -32005, message: `query returned more than ${logs} results` },
          );
        }
        served.push(span);
        trail.push("served");
      }
      return reply;
    };
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcRequest | JsonRpcRequest[];
        (Array.isArray(body) ? Promise.all(body.map(answer)) : answer(body))
          .then((reply) =>
            response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(reply)),
          )
          .catch(() => response.writeHead(502).end());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      served,
      refused,
      trail,
      methods,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  /** Runs `run` with a client of a limited node; `retries` keeps viem's default retries. */
  async function throughProxy<T>(
    limits: Limits,
    run: (client: PublicClient, proxy: Proxy) => Promise<T>,
    { retries = false } = {},
  ): Promise<T> {
    const proxy = await limitedNode(limits);
    try {
      const transport = http(proxy.url, retries ? { retryDelay: 1 } : { retryCount: 0 });
      return await run(createPublicClient({ transport }), proxy);
    } finally {
      await proxy.close();
    }
  }

  const registryEvents = (client: PublicClient, extra: { toBlock?: bigint; maxBlockRange?: number } = {}) =>
    getContractEventsInRanges(client, {
      address: h.manifest.contracts.FingerprintRegistry as Hex,
      abi: fingerprintRegistryAbi,
      fromBlock,
      ...extra,
    });
  const ids = (logs: { transactionHash: Hex; logIndex: number }[]) =>
    logs.map((log) => `${log.transactionHash}:${log.logIndex}`);

  it("reads every log once, in chain order, in ranges no wider than the node accepts", async function () {
    const direct = await getContractEvents(h.publicClient, {
      address: h.manifest.contracts.FingerprintRegistry as Hex,
      abi: fingerprintRegistryAbi,
      fromBlock,
      toBlock: head,
    });
    expect(direct.length).to.be.greaterThan(10);
    await throughProxy({ blocks: LIMIT }, async (client, proxy) => {
      const logs = await registryEvents(client, { toBlock: head });
      expect(ids(logs)).to.deep.equal(ids(direct));
      expect(logs.map((log) => log.eventName)).to.deep.equal(direct.map((log) => log.eventName));
      expect(proxy.refused.length, "the whole span is asked first, then halved").to.be.greaterThan(1);
      expect(proxy.refused[0]).to.equal(Number(head - fromBlock) + 1);
      expect(proxy.refused[1]).to.equal(Math.floor(proxy.refused[0]! / 2));
      expect(Math.max(...proxy.served)).to.be.at.most(LIMIT);
      // The ranges read cover the span exactly.
      expect(proxy.served.reduce((sum, span) => sum + span, 0)).to.equal(Number(head - fromBlock) + 1);
    });
  });

  it("asks each refused range once, even of a client that retries failures", async function () {
    await throughProxy(
      { blocks: LIMIT },
      async (client, proxy) => {
        expect(await registryEvents(client, { toBlock: head })).to.have.length.greaterThan(10);
        // Halving from the whole span: each refused span is a new one (viem would ask each 4 times).
        expect(proxy.refused.length).to.be.greaterThan(1);
        expect(new Set(proxy.refused).size).to.equal(proxy.refused.length);
      },
      { retries: true },
    );
  });

  it("reads again the rest of a window whose range was refused for too many logs", async function () {
    const direct = await getContractEvents(h.publicClient, {
      address: h.manifest.contracts.FingerprintRegistry as Hex,
      abi: fingerprintRegistryAbi,
      fromBlock,
      toBlock: head,
    });
    // No block has more logs than this, so every range can be split until it is accepted.
    const perBlock = new Map<bigint, number>();
    for (const log of direct) perBlock.set(log.blockNumber, (perBlock.get(log.blockNumber) ?? 0) + 1);
    const logs = Math.max(...perBlock.values());
    await throughProxy({ logs }, async (client, proxy) => {
      const read = await registryEvents(client, { toBlock: head });
      expect(ids(read)).to.deep.equal(ids(direct));
      // Refused after some range was served: a window of parallel ranges met a dense one.
      expect(proxy.trail.indexOf("served")).to.be.greaterThan(-1);
      expect(proxy.trail.lastIndexOf("refused")).to.be.greaterThan(proxy.trail.indexOf("served"));
      // Too many logs is about this read's filter: the client's next read asks the whole span again.
      const before = proxy.refused.length;
      expect(ids(await registryEvents(client, { toBlock: head }))).to.deep.equal(ids(direct));
      expect(proxy.refused[before]).to.equal(Number(head - fromBlock) + 1);
    });
  });

  it("starts the next read at the size the node accepted, without asking too much again", async function () {
    await throughProxy({ blocks: LIMIT }, async (client, proxy) => {
      await registryEvents(client);
      const refusedFirst = proxy.refused.length;
      expect(refusedFirst).to.be.greaterThan(0);
      const again = await registryEvents(client);
      expect(proxy.refused.length, "no refusal on the second read").to.equal(refusedFirst);
      expect(again.length).to.be.greaterThan(10);
    });
  });

  it("never asks for more than maxBlockRange blocks, even of a node without a limit", async function () {
    await throughProxy({}, async (client, proxy) => {
      const logs = await registryEvents(client, { toBlock: head, maxBlockRange: 5 });
      expect(logs.length).to.be.greaterThan(10);
      expect(proxy.refused).to.deep.equal([]);
      expect(Math.max(...proxy.served)).to.equal(5);
    });
    for (const bad of [0, 2.5, -1]) {
      let error: unknown;
      await registryEvents(h.publicClient, { maxBlockRange: bad }).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain(
        `maxBlockRange must be a whole number of blocks, at least 1 (got ${bad})`,
      );
    }
  });

  it("returns nothing for an empty span and throws what is not a range refusal as it is", async function () {
    expect(await registryEvents(h.publicClient, { toBlock: fromBlock - 1n })).to.deep.equal([]);
    // A node refusing even one block: the refusal surfaces (no endless halving).
    await throughProxy({ blocks: 0 }, async (client, proxy) => {
      let error: unknown;
      await registryEvents(client).catch((e: unknown) => (error = e));
      expect(isRangeTooLarge(error)).to.equal(true);
      expect(proxy.refused.at(-1)).to.equal(1);
    });
    // Another JSON-RPC failure: asked once more (with the transport's retries, none here), then
    // thrown; the range is never split.
    await throughProxy(
      { blocks: 0, refusal: { code: -32000, message: "the node is on fire" } },
      async (client, proxy) => {
        let error: unknown;
        await registryEvents(client).catch((e: unknown) => (error = e));
        expect(String(error)).to.contain("the node is on fire");
        expect(proxy.refused).to.deep.equal([Number(head - fromBlock) + 1, Number(head - fromBlock) + 1]);
      },
    );
    // A rate limit is no reason to split either.
    await throughProxy(
      { blocks: 0, refusal: { code: 429, message: "Rate limit exceeded" } },
      async (client, proxy) => {
        let error: unknown;
        await registryEvents(client).catch((e: unknown) => (error = e));
        expect(isRangeTooLarge(error)).to.equal(false);
        expect(new Set(proxy.refused)).to.deep.equal(new Set([Number(head - fromBlock) + 1]));
      },
    );
  });

  it("dates logs by their blockTimestamp, or by reading each block once", async function () {
    const logs = await registryEvents(h.publicClient, { toBlock: head });
    const expected = new Map<bigint, Date>();
    for (const log of logs) {
      const block = await h.publicClient.getBlock({ blockNumber: log.blockNumber });
      expected.set(log.blockNumber, new Date(Number(block.timestamp) * 1000));
    }
    await throughProxy({}, async (client, proxy) => {
      // Without timestamps in the logs: one eth_getBlockByNumber per distinct block.
      const bare = logs.map((log) => ({ blockNumber: log.blockNumber }));
      expect(await blockTimes(client, bare)).to.deep.equal(expected);
      const asked = proxy.methods.filter((method) => method === "eth_getBlockByNumber");
      expect(asked).to.have.length(expected.size);
      // With them: no block is read.
      const stamped = logs.map((log) => ({
        blockNumber: log.blockNumber,
        blockTimestamp: BigInt(expected.get(log.blockNumber)!.getTime() / 1000),
      }));
      expect(await blockTimes(client, stamped)).to.deep.equal(expected);
      expect(proxy.methods.filter((method) => method === "eth_getBlockByNumber")).to.have.length(
        asked.length,
      );
    });
  });

  it("gives the SDK's event readers the same answers through the limited node", async function () {
    const c = h.manifest.contracts;
    const readers = {
      anchors: (client: PublicClient) =>
        findAnchorTransactions(client, {
          fingerprintRegistry: c.FingerprintRegistry as Hex,
          issuer: consortium.hongKongHospital.account.address,
          fromBlock,
        }).then(({ fingerprints, batches }) => ({ fingerprints: [...fingerprints], batches: [...batches] })),
      consentUses: (client: PublicClient) =>
        listConsentUses(client, {
          consentRegistry: c.ConsentRegistry as Hex,
          consentId: history.consentId,
          fromBlock,
        }),
      timeline: (client: PublicClient) =>
        orderTimeline(client, {
          creditOrderBook: c.CreditOrderBook as Hex,
          consentRegistry: c.ConsentRegistry as Hex,
          orderId: history.confirmedOrderId,
          fromBlock,
        }),
      proposals: (client: PublicClient) =>
        listProposalStates(client, {
          committee: c.Committee as Hex,
          committeeProposals: c.CommitteeProposals as Hex,
          fromBlock,
        }),
    };
    for (const [name, read] of Object.entries(readers)) {
      const direct = await read(h.publicClient);
      expect(JSON.stringify(direct, bigints).length, `${name} finds something`).to.be.greaterThan(50);
      const limited = await throughProxy({ blocks: LIMIT }, async (client, proxy) => {
        const answer = await read(client);
        expect(proxy.refused, name).not.to.be.empty;
        expect(proxy.served, name).not.to.be.empty;
        expect(Math.max(...proxy.served), name).to.be.at.most(LIMIT);
        return answer;
      });
      expect(JSON.stringify(limited, bigints), name).to.equal(JSON.stringify(direct, bigints));
    }
    // The same read in one eth_getLogs, as these readers made before, is refused by that node.
    await throughProxy({ blocks: LIMIT }, async (client) => {
      let error: unknown;
      await getContractEvents(client, {
        address: c.ConsentRegistry as Hex,
        abi: consentRegistryAbi,
        eventName: "ConsentConsumed",
        fromBlock,
        toBlock: "latest",
      }).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain(BESU_REFUSAL.message);
    });
  });

  it("gives an order's timeline only the consent use its request made, not one the grantee recorded under its id", async function () {
    const c = h.manifest.contracts;
    const timeline = await orderTimeline(h.publicClient, {
      creditOrderBook: c.CreditOrderBook as Hex,
      consentRegistry: c.ConsentRegistry as Hex,
      orderId: history.rejectedOrderId,
      fromBlock,
    });
    expect(timeline.map((entry) => entry.event)).to.deep.equal([
      "ConsentGranted",
      "ConsentConsumed",
      "OrderRequested",
      "OrderStateChanged",
    ]);
    const [, use, request] = timeline;
    expect(use!.transactionHash).to.equal(request!.transactionHash);
    expect(use!.actor).to.equal(c.CreditOrderBook);
    // The bank's own use under this order's id is there, in the consent's usage log.
    const uses = await listConsentUses(h.publicClient, {
      consentRegistry: c.ConsentRegistry as Hex,
      consentId: history.consentId,
      fromBlock,
    });
    expect(uses.map((u) => [u.consumer, u.usageReference])).to.deep.include([
      consortium.bank.account.address,
      history.rejectedOrderId,
    ]);
  });
});

function bigints(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
