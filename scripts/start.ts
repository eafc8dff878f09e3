/**
 * `npm start`: a local private Crossproof chain with the whole system deployed and the seed's
 * scenarios run, kept running until Ctrl-C.
 *
 *   npm start -- [--port 8545] [--chain-id 1337] [--web-port 8600] [--fresh] [--headless] [--state-dir <dir>]
 *
 * The chain is anvil with a state file (.crossproof/local-chain/state.json by default), saved every
 * 5 s and on exit, so anchored data survives restarts and a live deployment is reused, never
 * redeployed over; --fresh starts over. --headless runs the same steps, prints a JSON summary and
 * stops (tests use it). The deployment manifest goes to deployments/<chainId>.json (or
 * CROSSPROOF_DEPLOYMENTS_DIR), where the `crossproof` CLI finds it.
 *
 * The audit indexer runs inside: it indexes every event into <state dir>/audit.sqlite, follows new
 * blocks, and serves the read-only audit API on 127.0.0.1:<web port>/api (the regulator's view).
 * The same port serves the web app (frontend/dist, built first when missing or older than its
 * sources) and its /config.json (src/server/web.ts).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

import { createPublicClient, defineChain, http, toHex, type Hex } from "viem";
import { getCode } from "viem/actions";

import { consortium, demoCommittee } from "../src/demo/consortium.ts";
import { createAuditApiHandler } from "../src/indexer/http.ts";
import { AuditIndexer } from "../src/indexer/indexer.ts";
import { IndexMismatchError } from "../src/indexer/errors.ts";
import { deleteSqliteIndex, openAuditStore } from "../src/indexer/open.ts";
import { orderReport } from "../src/indexer/queries.ts";
import type { AuditStore } from "../src/indexer/store.ts";
import { didNetworkOf } from "../src/sdk/identity/did.ts";
import {
  healthCodeScenario,
  medicalScenario,
  creditScenario,
  identityScenario,
  seedConsortium,
  type DemoContext,
} from "../src/demo/scenarios.ts";
import { parseDeploymentManifest } from "../src/sdk/deployments.ts";
import { startWebServer, webAppConfig, type WebServer } from "../src/server/web.ts";
import { forgetChainOwner, recordChainOwner, stateDirOwner, stopOrphanedChain } from "./lib/chain-owner.ts";
import { ensureFrontendBuilt, FRONTEND_DIST } from "./lib/frontend.ts";
import {
  deploy,
  portProblem,
  PROJECT_ROOT,
  startChain,
  stopChain,
  type RunningChain,
} from "./lib/local-chain.ts";

const started = performance.now();
let parsed;
try {
  parsed = parseArgs({
    options: {
      port: { type: "string", default: process.env.CROSSPROOF_PORT ?? "8545" },
      "chain-id": { type: "string", default: process.env.CROSSPROOF_CHAIN_ID ?? "1337" },
      "web-port": { type: "string", default: process.env.CROSSPROOF_WEB_PORT ?? "8600" },
      "state-dir": { type: "string", default: join(PROJECT_ROOT, ".crossproof", "local-chain") },
      fresh: { type: "boolean", default: false },
      headless: { type: "boolean", default: false },
    },
  });
} catch (error) {
  fail(
    `${(error as Error).message.split("\n")[0]} Options: --port, --chain-id, --web-port, --state-dir, --fresh, --headless.`,
  );
}
const { values } = parsed;
const port = Number(values.port);
const chainId = Number(values["chain-id"]);
if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`--port ${values.port} is not a port number.`);
const webPort = Number(values["web-port"]);
if (!/^\d+$/.test(values["web-port"]) || webPort > 65_535)
  fail(`--web-port ${values["web-port"]} is not a port number (0 picks a free one).`);
if (!Number.isInteger(chainId) || chainId < 1)
  fail(`--chain-id ${values["chain-id"]} is not a positive integer.`);
if (chainId === 31_337)
  fail("--chain-id 31337 is Hardhat's in-process test chain; pick another (default 1337).");
const stateDir = resolve(values["state-dir"]);
const deploymentsDir = process.env.CROSSPROOF_DEPLOYMENTS_DIR ?? join(PROJECT_ROOT, "deployments");
const manifestPath = join(deploymentsDir, `${chainId}.json`);
const headless = values.headless;
const say = headless
  ? (_line: string) => undefined
  : (line: string) => {
      console.log(line);
    };

// Another npm start running on this state directory: its chain writes the state there (--fresh
// would remove it under that chain, a second chain would overwrite it).
const running = await stateDirOwner(stateDir);
if (running)
  fail(
    `another npm start (pid ${running.startPid}) is running with the state directory ${stateDir}, its chain on port ${running.port}; stop it first (Ctrl-C in its terminal, or kill ${running.startPid}), or give this one its own --state-dir (and --chain-id: --fresh also removes the chain id's deployment manifest).`,
  );
// Before --fresh removes the state directory, which names the chain an earlier npm start left.
const orphan = await stopOrphanedChain(stateDir);
if (orphan) console.error(orphan);
if (values.fresh) {
  await rm(stateDir, { recursive: true, force: true });
  await rm(manifestPath, { force: true });
  await rm(join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${chainId}`), {
    recursive: true,
    force: true,
  });
}
await mkdir(stateDir, { recursive: true });
// Claimed at once, before the chain starts (seconds): another npm start on this directory meanwhile
// is refused as well.
await recordChainOwner(stateDir, { chainPid: 0, startPid: process.pid, port });
const problem = await portProblem(port);
if (problem) fail(`${problem}; pick a free one: npm start -- --port 8546`);
if (!values.headless && webPort !== 0) {
  const webProblem = await portProblem(webPort);
  if (webProblem)
    fail(
      `the web server (audit API) cannot listen: ${webProblem}; pick a free port: npm start -- --web-port 8601`,
    );
}

let chain: RunningChain | undefined;
let indexer: AuditIndexer | undefined;
let following: Promise<void> | undefined;
let web: WebServer | undefined;
let auditStore: AuditStore | undefined;
const shutdown = async (code: number) => {
  indexer?.stop();
  await following?.catch(() => {});
  await web?.close();
  await auditStore?.close();
  if (chain) {
    await stopChain(chain, 10_000);
    await forgetChainOwner(stateDir);
  }
  process.exit(code);
};
process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));

// The web app builds (about 2 s, when needed) while the chain starts; a failure surfaces below.
const frontendBuild: Promise<Error | undefined> = headless
  ? Promise.resolve(undefined)
  : ensureFrontendBuilt(say).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );

try {
  const statePath = join(stateDir, "state.json");
  const restored = existsSync(statePath);
  say(
    `Starting the local Crossproof chain (anvil, chain id ${chainId}) on 127.0.0.1:${port}${restored ? `, restoring ${statePath}` : ""}…`,
  );
  chain = await startChain({
    chainId,
    engine: "anvil",
    port,
    state: statePath,
    logFile: join(stateDir, "chain.log"),
  });
  await recordChainOwner(stateDir, { chainPid: chain.process.pid!, startPid: process.pid, port });
  const rpcUrl = chain.url;
  const viemChain = defineChain({
    id: chainId,
    name: `Crossproof local ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain: viemChain, transport: http(rpcUrl) });

  let reused = false;
  if (existsSync(manifestPath)) {
    const previous = parseDeploymentManifest(JSON.parse(await readFile(manifestPath, "utf8")), manifestPath);
    const code = await getCode(publicClient, { address: previous.contracts.FingerprintRegistry as Hex });
    reused = previous.chainId === chainId && code !== undefined && code !== "0x";
  }
  if (reused) {
    say(`Reusing the live deployment in ${manifestPath}.`);
  } else {
    say("Deploying Crossproof with Ignition…");
    await deploy(rpcUrl, { logFile: join(stateDir, "deploy.log"), deploymentsDir });
  }
  const manifest = parseDeploymentManifest(JSON.parse(await readFile(manifestPath, "utf8")), manifestPath);

  const context: DemoContext = {
    chain: viemChain,
    rpcUrl,
    publicClient,
    manifest,
    documentsDir: join(stateDir, "documents"),
    log: say,
  };
  const seeded = await seedConsortium(context);
  say(
    `Consortium seeded by ${seeded.decisions} committee decisions (2-of-3 Safe ${manifest.contracts.Committee}): ` +
      `${seeded.registered} schemas registered, ${seeded.recognized} institutions recognised, ` +
      `${seeded.granted} schema grants (the rest already on chain).`,
  );
  say("");
  const identity = await identityScenario(context);
  say("");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const healthCode = await healthCodeScenario(context, stamp);
  say("");
  const medical = await medicalScenario(context, stamp);
  say("");
  const credit = await creditScenario(context, stamp);

  // The regulator's observer node feeds the audit index; its view of the credit order comes from it.
  const auditPath = join(stateDir, "audit.sqlite");
  // Its own index holds nothing the chain does not: one from another Crossproof version is rebuilt,
  // and so is one of another deployment or chain (a state file lost, replaced or left behind).
  const openIndex = async () => {
    const store = await openAuditStore({ sqlitePath: auditPath }, { replaceOtherVersion: true });
    auditStore = store;
    indexer = new AuditIndexer({
      client: publicClient,
      store,
      manifest,
      log: (line) => {
        console.error(line);
      },
    });
    return { store, indexer };
  };
  let index = await openIndex();
  let synced;
  try {
    synced = await index.indexer.syncOnce();
  } catch (error) {
    if (!(error instanceof IndexMismatchError)) throw error;
    console.error(
      `audit: ${auditPath} does not match this chain (${error.name}); rebuilding it from the chain`,
    );
    await index.store.close();
    await deleteSqliteIndex(auditPath);
    index = await openIndex();
    synced = await index.indexer.syncOnce();
  }
  const auditEvents = await index.store.countEvents(chainId);
  const regulatorView = await orderReport(index.store, chainId, credit.orderId);
  say("");
  say(
    `Audit index ${auditPath}: ${synced.events} new event(s), ${auditEvents} in all up to block ${synced.toBlock}.`,
  );
  say(`  ${consortium.regulator.name} reads order ${credit.orderId} from the index:`);
  for (const event of regulatorView.timeline)
    say(
      `    ${new Date(event.blockTime * 1000).toISOString()}  ${event.contract}.${event.event}${event.actor ? ` by ${event.actor}` : ""}`,
    );

  const expected = [
    ["health code: genuine report", healthCode.genuine.status, "valid"],
    ["health code: tampered copy", healthCode.tampered.status, "mismatch"],
    ["health code: after revocation", healthCode.afterRevocation.status, "revoked"],
    ["medical record in Zhuhai", medical.record.status, "valid"],
    ["medical bill at the insurer", medical.bill.status, "valid"],
    ["credit report at the bank", credit.report.status, "valid"],
    ["credit order", credit.finalState, "confirmed"],
    ...identity.pairwise.map(
      (entry) =>
        [
          `pairwise DID with ${entry.relationship}`,
          entry.serviceEndpoint ? "resolved" : "unresolved",
          "resolved",
        ] as const,
    ),
  ] as const;
  const wrong = expected.filter(([, actual, wanted]) => actual !== wanted);
  const readyMs = Math.round(performance.now() - started);

  if (headless) {
    console.log(
      JSON.stringify({
        chainId,
        rpcUrl,
        manifestPath,
        reusedDeployment: reused,
        restoredState: restored,
        readyMs,
        identity,
        healthCode,
        medical,
        credit,
        audit: {
          path: auditPath,
          events: auditEvents,
          toBlock: synced.toBlock,
          orderState: regulatorView.order?.state ?? null,
          orderTimeline: regulatorView.timeline.map((event) => `${event.contract}.${event.event}`),
        },
        failures: wrong.map(([what, actual, wanted]) => `${what}: ${actual}, expected ${wanted}`),
      }),
    );
    await shutdown(wrong.length === 0 ? 0 : 1);
  }
  for (const [what, actual, wanted] of wrong)
    console.error(`Unexpected outcome — ${what}: ${actual}, expected ${wanted}.`);
  say("");
  const buildError = await frontendBuild;
  if (buildError)
    throw new Error(`the web app did not build (npm run build:web shows why): ${buildError.message}`);
  const log = (line: string) => {
    console.error(line);
  };
  web = await startWebServer({
    distDir: FRONTEND_DIST,
    config: webAppConfig(manifest, rpcUrl, viemChain.name),
    audit: createAuditApiHandler({ store: index.store, chainId, log }),
    port: webPort,
    log,
  });
  following = index.indexer.follow(1_000);
  say(`Ready in ${(readyMs / 1000).toFixed(1)} s.`);
  say(`  RPC URL      ${rpcUrl}   (chain id ${chainId})`);
  say(
    `  web app      ${web.url}/   (Verify and Audit need no wallet; Issue, Consent, Orders and Identity act with a member's key in a browser wallet)`,
  );
  say(`  audit API    ${web.url}/api/events?contract=CreditOrderBook   (read-only; follows new blocks)`);
  say(`  audit CLI    npx crossproof audit events --db ${auditPath} --format csv`);
  say(`  manifest     ${manifestPath}`);
  say(`  documents    ${context.documentsDir}`);
  say(`  chain state  ${statePath} (kept across restarts; npm start -- --fresh starts over)`);
  say(
    "  members      address, then the private key to import into a browser wallet (well-known development keys: public, for this local chain only)",
  );
  for (const member of [...Object.values(consortium), ...demoCommittee]) {
    const key = member.account.getHdKey().privateKey;
    say(`    ${member.account.address}  ${member.name}: ${member.role}`);
    if (key) say(`      ${toHex(key)}`);
  }
  say(
    `  DIDs         did:ethr:${didNetworkOf(chainId)}:<address> (try: npx crossproof did resolve ${identity.pairwise[0]?.did ?? ""})`,
  );
  say("");
  say(
    `Try: CROSSPROOF_RPC_URL=${rpcUrl} npx crossproof verify ${join(context.documentsDir, `medical-bill-${stamp}.txt`)}`,
  );
  say("Ctrl-C stops the chain (its state is saved).");
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  if (chain) console.error(`  chain log: ${chain.logFile}`);
  await shutdown(1);
}

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}
