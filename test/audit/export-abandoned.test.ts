/**
 * `GET /api/events.csv` when the client goes away: the export reads the index page by page only as
 * fast as the client takes the file, and stops reading once the client has gone (an index of
 * 60,000 made-up events, a file of about 20 MB: more than the connection's buffers hold).
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

import { expect } from "chai";
import type { Hex } from "viem";

import { createAuditApiHandler } from "../../src/indexer/http.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import { SYNTHETIC_CHAIN_ID, syntheticEvent, syntheticStore, word } from "./synthetic.ts";

const FINGERPRINT_REGISTRY: Hex = "0x2222222222222222222222222222222222222222";
const ISSUER: Hex = "0x3333333333333333333333333333333333333333";
const EVENTS = 60_000;
/** Events per page of the export (src/indexer/http.ts EXPORT_PAGE). */
const EXPORT_PAGE = 1_000;

describe("audit HTTP API: a CSV export the client abandons", function () {
  let close = async () => {};
  let server: Server | undefined;
  let port: number;
  /** Pages of events the API has asked the index for. */
  let pagesRead = 0;

  before(async function () {
    const events = Array.from({ length: EVENTS }, (_, i) =>
      syntheticEvent(i + 1, "FingerprintRegistry", FINGERPRINT_REGISTRY, "Anchored", {
        fingerprint: word(i + 1),
        issuer: ISSUER,
        schemaIndex: 0,
        expiresAt: "0",
      }),
    );
    const synthetic = await syntheticStore("audit-export-abandoned", events);
    close = synthetic.close;
    const counted: AuditStore = Object.create(synthetic.store) as AuditStore;
    counted.events = (filter) => {
      pagesRead++;
      return synthetic.store.events(filter);
    };
    const handler = createAuditApiHandler({ store: counted, chainId: SYNTHETIC_CHAIN_ID });
    const listening = createServer(handler);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    port = (listening.address() as AddressInfo).port;
  });

  after(async function () {
    const listening = server;
    if (listening) {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => {
        listening.close(() => {
          resolve();
        });
      });
    }
    await close();
  });

  it("reads no further than the client takes, and stops once it has gone", async function () {
    const received = await new Promise<number>((resolve, reject) => {
      const asked = request({ host: "127.0.0.1", port, path: "/api/events.csv" }, (response) => {
        expect(response.statusCode).to.equal(200);
        let bytes = 0;
        response.once("data", (chunk: Buffer) => {
          bytes += chunk.length;
          // Take nothing more: the server's writes fill the connection's buffers, then it waits.
          response.pause();
          void sleep(1_000).then(() => {
            asked.destroy();
            resolve(bytes);
          });
        });
      });
      asked.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code !== "ECONNRESET") reject(error);
      });
      asked.end();
    });
    expect(received).to.be.greaterThan(0);
    const whileWaiting = pagesRead;
    expect(whileWaiting, "pages read while the client took nothing").to.be.within(
      1,
      EVENTS / EXPORT_PAGE - 10,
    );

    // Gone: nothing more is read, and the server answers the next request at once.
    await sleep(1_000);
    expect(pagesRead).to.be.at.most(whileWaiting + 1);
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port, path: "/api/status" }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).to.equal(200);
  });
});
