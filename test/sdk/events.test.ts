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
import { getContractEventsInRanges, isRangeTooLarge } from "../../src/sdk/actions/events.ts";
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
type Proxy = { url: string; served: number[]; refused: number[]; close(): Promise<void> };

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
   * Forwards JSON-RPC to the node; answers an eth_getLogs over more than `limit` blocks with Besu's
   * refusal (`limit` 0 refuses every eth_getLogs) and records each one's span.
   */
  async function besuLikeProxy(limit: number, refusal: object = BESU_REFUSAL): Promise<Proxy> {
    const served: number[] = [];
    const refused: number[] = [];
    const answer = async (request: JsonRpcRequest) => {
      if (request.method === "eth_getLogs") {
        const { fromBlock: from, toBlock: to } = request.params![0] as {
          fromBlock: Hex;
          toBlock: Hex | "latest";
        };
        const last = to === "latest" ? await h.publicClient.getBlockNumber({ cacheTime: 0 }) : BigInt(to);
        const span = Number(last - BigInt(from)) + 1;
        if (span > limit) {
          refused.push(span);
          return { jsonrpc: "2.0", id: request.id, error: refusal };
        }
        served.push(span);
      }
      const forwarded = await fetch(h.chain.rpcUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(request),
      });
      return (await forwarded.json()) as object;
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
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  async function throughProxy<T>(
    limit: number,
    run: (client: PublicClient, proxy: Proxy) => Promise<T>,
    refusal?: object,
  ): Promise<T> {
    const proxy = await besuLikeProxy(limit, refusal);
    try {
      return await run(createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) }), proxy);
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
    await throughProxy(LIMIT, async (client, proxy) => {
      const logs = await registryEvents(client, { toBlock: head });
      expect(ids(logs)).to.deep.equal(ids(direct));
      expect(logs.map((log) => log.eventName)).to.deep.equal(direct.map((log) => log.eventName));
      expect(proxy.refused.length, "the whole span is asked first, then halved").to.be.greaterThan(0);
      expect(proxy.refused[0]).to.equal(Number(head - fromBlock) + 1);
      expect(Math.max(...proxy.served)).to.be.at.most(LIMIT);
      // The ranges read cover the span exactly.
      expect(proxy.served.reduce((sum, span) => sum + span, 0)).to.equal(Number(head - fromBlock) + 1);
    });
  });

  it("starts the next read at the size the node accepted, without asking too much again", async function () {
    await throughProxy(LIMIT, async (client, proxy) => {
      await registryEvents(client);
      const refusedFirst = proxy.refused.length;
      expect(refusedFirst).to.be.greaterThan(0);
      const again = await registryEvents(client);
      expect(proxy.refused.length, "no refusal on the second read").to.equal(refusedFirst);
      expect(again.length).to.be.greaterThan(10);
    });
  });

  it("never asks for more than maxBlockRange blocks, even of a node without a limit", async function () {
    await throughProxy(Number.MAX_SAFE_INTEGER, async (client, proxy) => {
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
    await throughProxy(0, async (client, proxy) => {
      let error: unknown;
      await registryEvents(client).catch((e: unknown) => (error = e));
      expect(isRangeTooLarge(error)).to.equal(true);
      expect(proxy.refused.at(-1)).to.equal(1);
    });
    // Another JSON-RPC failure: thrown at once, the range never split.
    await throughProxy(
      0,
      async (client, proxy) => {
        let error: unknown;
        await registryEvents(client).catch((e: unknown) => (error = e));
        expect(String(error)).to.contain("the node is on fire");
        expect(proxy.refused).to.have.length(1);
      },
      { code: -32000, message: "the node is on fire" },
    );
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
      const limited = await throughProxy(LIMIT, async (client, proxy) => {
        const answer = await read(client);
        expect(Math.max(...proxy.served), name).to.be.at.most(LIMIT);
        return answer;
      });
      expect(JSON.stringify(limited, bigints), name).to.equal(JSON.stringify(direct, bigints));
    }
    // The same read in one eth_getLogs, as these readers made before, is refused by that node.
    await throughProxy(LIMIT, async (client) => {
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
});

function bigints(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
