/**
 * `npm start`'s own code path, headless: the local chain comes up, Crossproof is deployed, the
 * seed's scenarios run with the expected outcomes, and a restart keeps every anchored record and
 * reuses the deployment instead of redeploying.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { createPublicClient, http, type Hex } from "viem";

import { freePort, PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { verifyFingerprint } from "../../src/sdk/fingerprints/actions.ts";

const CHAIN_ID = 31_404;

type Summary = {
  rpcUrl: string;
  reusedDeployment: boolean;
  restoredState: boolean;
  readyMs: number;
  failures: string[];
  manifestPath: string;
  healthCode: Record<"genuine" | "tampered" | "afterRevocation", { status: string; latencyMs: number }> & {
    fingerprint: Hex;
  };
  medical: { record: { status: string }; bill: { status: string }; recordFingerprint: Hex };
  identity: { pairwise: { did: string; serviceEndpoint?: string; published: boolean }[] };
  credit: {
    report: { status: string };
    reportMatchesOrder: boolean;
    finalState: string;
    orderId: Hex;
    timeline: { event: string; state: string; actor: string }[];
  };
  audit: { path: string; events: number; toBlock: number; orderState: string; orderTimeline: string[] };
};

type Run = { code: number; stdout: string; stderr: string };

/** Starts scripts/start.ts; `output()` waits until stdout contains `text`. */
function launch(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "scripts", "start.ts"), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  const listeners: (() => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => {
    child.on("close", (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  const output = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve();
      };
      listeners.push(check);
      check();
      void done.then(() => {
        reject(new Error(`start exited before printing "${text}":\n${stdout}${stderr}`));
      });
    });
  return { child, done, output };
}

const start = (args: string[], env: Record<string, string>) => launch(args, env).done;

describe("npm start (headless)", function () {
  let stateDir: string;
  let env: Record<string, string>;
  let port: number;
  const journal = join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${CHAIN_ID}`);

  before(async function () {
    stateDir = await mkdtemp(join(tmpdir(), "crossproof-start-"));
    env = { CROSSPROOF_DEPLOYMENTS_DIR: join(stateDir, "deployments") };
    port = await freePort();
  });

  after(async function () {
    await rm(stateDir, { recursive: true, force: true });
    await rm(journal, { recursive: true, force: true });
  });

  const args = () => [
    "--headless",
    "--port",
    String(port),
    "--chain-id",
    String(CHAIN_ID),
    "--state-dir",
    join(stateDir, "chain"),
  ];
  let first: Summary;

  it("deploys and runs the seed's three scenarios (health code, medical, credit) with the expected outcomes", async function () {
    const result = await start(args(), env);
    expect(result.code, result.stderr).to.equal(0);
    first = JSON.parse(result.stdout) as Summary;
    expect(first.failures).to.deep.equal([]);
    expect(first.reusedDeployment).to.equal(false);
    expect(first.healthCode.genuine.status).to.equal("valid");
    expect(first.healthCode.tampered.status).to.equal("mismatch");
    expect(first.healthCode.afterRevocation.status).to.equal("revoked");
    expect(first.medical.record.status).to.equal("valid");
    expect(first.medical.bill.status).to.equal("valid");
    // Scenario 3: consent by signature, order, delivery, verification, confirmation; the timeline
    // the regulator rebuilds from events has every step, in order, by the right party.
    expect(first.credit.report.status).to.equal("valid");
    expect(first.credit.reportMatchesOrder).to.equal(true);
    expect(first.credit.finalState).to.equal("confirmed");
    expect(first.credit.timeline.map((entry) => `${entry.event}:${entry.state}`)).to.deep.equal([
      "ConsentGranted:none",
      "ConsentConsumed:requested",
      "OrderRequested:requested",
      "OrderStateChanged:accepted",
      "OrderStateChanged:delivered",
      "OrderStateChanged:confirmed",
    ]);
    const enterprise = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
    const bank = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
    const agency = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    const deployed = JSON.parse(await readFile(first.manifestPath, "utf8")) as {
      contracts: { CreditOrderBook: string };
    };
    expect(first.credit.timeline.map((entry) => entry.actor)).to.deep.equal([
      enterprise,
      deployed.contracts.CreditOrderBook,
      bank,
      agency,
      agency,
      bank,
    ]);
    // One pairwise DID per institution, distinct, each published gaslessly and resolved.
    const dids = first.identity.pairwise.map((entry) => entry.did);
    expect(new Set(dids).size).to.equal(3);
    for (const entry of first.identity.pairwise) {
      expect(entry.did).to.match(/^did:ethr:0x[0-9a-f]+:0x[0-9a-f]{40}$/);
      expect(entry.published).to.equal(true);
      expect(entry.serviceEndpoint).to.match(/^https:\/\/wallet\.crossproof\.example\/inbox\//);
    }
    expect(first.manifestPath).to.equal(join(stateDir, "deployments", `${CHAIN_ID}.json`));
    // The audit index inside npm start: the regulator's view of the order comes from it.
    expect(first.audit.path).to.equal(join(stateDir, "chain", "audit.sqlite"));
    expect(first.audit.events).to.be.greaterThan(100);
    expect(first.audit.orderState).to.equal("confirmed");
    expect(first.audit.orderTimeline).to.deep.equal([
      "ConsentRegistry.ConsentGranted",
      "ConsentRegistry.ConsentConsumed",
      "CreditOrderBook.OrderRequested",
      "CreditOrderBook.OrderStateChanged",
      "CreditOrderBook.OrderStateChanged",
      "CreditOrderBook.OrderStateChanged",
    ]);
  });

  it("restarts from its saved state: same deployment, earlier records still there", async function () {
    const result = await start(args(), env);
    expect(result.code, result.stderr).to.equal(0);
    const second = JSON.parse(result.stdout) as Summary;
    expect(second.restoredState).to.equal(true);
    expect(second.reusedDeployment).to.equal(true);
    expect(second.failures).to.deep.equal([]);
    // The index kept the first run's events and added the second run's.
    expect(second.audit.events).to.be.greaterThan(first.audit.events);
    expect(second.audit.toBlock).to.be.greaterThan(first.audit.toBlock);
    // The pairwise DIDs of the first run are still there (nothing republished) and still resolve.
    expect(second.identity.pairwise.map((entry) => entry.did)).to.deep.equal(
      first.identity.pairwise.map((entry) => entry.did),
    );
    expect(second.identity.pairwise.map((entry) => entry.published)).to.deep.equal([false, false, false]);
    expect(second.identity.pairwise.map((entry) => entry.serviceEndpoint)).to.deep.equal(
      first.identity.pairwise.map((entry) => entry.serviceEndpoint),
    );

    // The first run's records, read back while a third start of the same chain keeps running.
    const webPort = await freePort();
    const interactive = args().filter((arg) => arg !== "--headless");
    const third = launch([...interactive, "--web-port", String(webPort)], env);
    try {
      await third.output("Ctrl-C stops the chain");
      const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
      const manifest = JSON.parse(await readFile(first.manifestPath, "utf8")) as {
        contracts: { FingerprintRegistry: Hex };
      };
      const fingerprintRegistry = manifest.contracts.FingerprintRegistry;
      const report = await verifyFingerprint(client, {
        fingerprintRegistry,
        fingerprint: first.healthCode.fingerprint,
      });
      const record = await verifyFingerprint(client, {
        fingerprintRegistry,
        fingerprint: first.medical.recordFingerprint,
      });
      expect(report.status).to.equal("revoked");
      expect(record.status).to.equal("valid");

      // The audit API serves the index, which holds the orders of all three runs.
      await third.output(`http://127.0.0.1:${webPort}/api/events`);
      const status = (await (await fetch(`http://127.0.0.1:${webPort}/api/status`)).json()) as {
        events: number;
      };
      expect(status.events).to.be.greaterThan(second.audit.events);
      const orders = (await (
        await fetch(`http://127.0.0.1:${webPort}/api/events?contract=CreditOrderBook&event=OrderRequested`)
      ).json()) as { events: { subject: string }[] };
      expect(orders.events).to.have.length(3);
      expect(orders.events.map((event) => event.subject)).to.include(first.credit.orderId.toLowerCase());

      // The web app and its runtime configuration, on the same port.
      await third.output(`web app      http://127.0.0.1:${webPort}/`);
      const page = await fetch(`http://127.0.0.1:${webPort}/`);
      expect(page.status).to.equal(200);
      expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
      expect(await page.text()).to.contain('<div id="root"></div>');
      const config = (await (await fetch(`http://127.0.0.1:${webPort}/config.json`)).json()) as {
        chainId: number;
        rpcUrl: string;
        contracts: { FingerprintRegistry: string };
        auditApi: string;
      };
      expect(config.chainId).to.equal(CHAIN_ID);
      expect(config.rpcUrl).to.equal(`http://127.0.0.1:${port}`);
      expect(config.contracts.FingerprintRegistry).to.equal(manifest.contracts.FingerprintRegistry);
      expect(config.auditApi).to.equal("/api");
    } finally {
      third.child.kill("SIGINT");
      expect((await third.done).code).to.equal(0);
    }
  });

  it("refuses a second npm start on a running one's state; stops the chain a killed npm start left running, and starts over with --fresh", async function () {
    // kill -9 of npm start leaves its chain (its own process group) holding the port.
    const interactive = args().filter((arg) => arg !== "--headless");
    const killed = launch([...interactive, "--web-port", String(await freePort())], env);
    await killed.output("Ctrl-C stops the chain");
    // While it runs, another npm start on its state directory is refused, with --fresh too: the
    // running chain's state is not removed or shared.
    const stateBefore = (await readdir(join(stateDir, "chain"))).sort();
    const second = await start([...args(), "--port", String(await freePort()), "--fresh"], env);
    expect(second.code, second.stdout).to.equal(2);
    expect(second.stderr.trim()).to.equal(
      `npm start: another npm start (pid ${killed.child.pid}) is running with the state directory ${join(stateDir, "chain")}, its chain on port ${port}; stop it first (Ctrl-C in its terminal, or kill ${killed.child.pid}), or give this one its own --state-dir (and --chain-id: --fresh also removes the chain id's deployment manifest).`,
    );
    expect((await readdir(join(stateDir, "chain"))).sort()).to.deep.equal(stateBefore);
    killed.child.kill("SIGKILL");
    await killed.done;
    const result = await start([...args(), "--fresh"], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.match(
      /Stopped the chain \(pid \d+\) that an earlier npm start \(pid \d+, no longer running\) left on port \d+; its state was saved\./,
    );
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.restoredState).to.equal(false);
    expect(summary.reusedDeployment).to.equal(false);
  });

  it("says in one line what to do when the port is taken", async function () {
    const blocker: Server = createServer();
    const taken = await freePort();
    await new Promise<void>((r) =>
      blocker.listen(taken, "127.0.0.1", () => {
        r();
      }),
    );
    try {
      const result = await start(
        ["--headless", "--port", String(taken), "--state-dir", join(stateDir, "other")],
        env,
      );
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.equal(
        `npm start: port ${taken} on 127.0.0.1 is taken (another chain?); pick a free one: npm start -- --port 8546`,
      );
    } finally {
      blocker.close();
    }
  });

  it("refuses Hardhat's test chain id", async function () {
    const result = await start(["--headless", "--chain-id", "31337"], env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("--chain-id 31337 is Hardhat's in-process test chain");
  });
});
