/**
 * What every browser test file needs: an anvil chain with Crossproof deployed and the consortium
 * seeded, an audit index of it, the built app served by src/server/web.ts (the server `npm start`
 * runs), Debian's Chromium driven by playwright-core with the injected test wallet, page error and
 * failed request logs, and screenshots at 1280 and 375 px under test/web/results/ (git-ignored).
 * Each test file uses its own chain id.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { Hex } from "viem";

import { FRONTEND_DIST, ensureFrontendBuilt } from "../../scripts/lib/frontend.ts";
import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { seedConsortium } from "../../src/demo/scenarios.ts";
import { createAuditApiHandler } from "../../src/indexer/http.ts";
import { AuditIndexer } from "../../src/indexer/indexer.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import type { AuditStore } from "../../src/indexer/store.ts";
import { startWebServer, webAppConfig, type WebServer } from "../../src/server/web.ts";
import { startHistoryChain, type HistoryChain } from "../audit/history.ts";
import { installTestWallet, type TestWallet } from "./injected-wallet.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const RESULTS = join(PROJECT_ROOT, "test", "web", "results");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };
export const CHAIN_NAME = "Crossproof test chain";

export type WebFixture = {
  history: HistoryChain;
  store: AuditStore;
  web: WebServer;
  context: BrowserContext;
  page: Page;
  wallet: TestWallet;
  /** A temporary directory, removed at the end. */
  workDir: string;
  /** Uncaught page errors and console errors (Chromium's "Failed to load resource" aside). */
  pageErrors: string[];
  /** Every response with status ≥ 400, as "status path?query". */
  failedRequests: string[];
  /** Indexes the blocks mined since the last sync into the audit index the API serves. */
  syncAudit(): Promise<void>;
  /** Full-page screenshots at 1280 and 375 px: results/<name>-desktop.png, <name>-phone.png. */
  screenshots(name: string): Promise<void>;
  /** Opens `path` with the wallet reset and disconnected (nothing remembered by the app). */
  freshPage(path?: string): Promise<void>;
  /** Connects the test wallet through the header, by its EIP-6963 announcement. */
  connectWallet(): Promise<void>;
  /**
   * Selects another account in the wallet, as its user does (the page hears `accountsChanged`),
   * and waits until the header shows it.
   */
  switchTo(key: Hex): Promise<void>;
  /** Follows a link of the page navigation, and waits for `heading` when given. */
  goTo(link: string, heading?: string): Promise<void>;
  /**
   * Waits for the outcome of the action whose status (frontend/src/transactions.tsx) has test id
   * `testId`: "done: message" or "failed: message".
   */
  outcome(testId: string): Promise<string>;
  close(): Promise<void>;
};

export type WebFixtureOptions = {
  /** Unique to the test file. */
  chainId: number;
  /** The wallet's first account. */
  walletKey: Hex;
  /**
   * Runs after the consortium is seeded and before the first audit sync: scenarios, documents.
   * `workDir` is the fixture's temporary directory.
   */
  prepare?(history: HistoryChain, workDir: string): Promise<void>;
};

export async function startWebFixture(options: WebFixtureOptions): Promise<WebFixture> {
  if (!existsSync(CHROMIUM))
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  /** What close() undoes, newest first. */
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const build = ensureFrontendBuilt();
    const workDir = await mkdtemp(join(tmpdir(), "crossproof-web-"));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const history = await startHistoryChain("anvil", options.chainId);
    cleanups.push(() => history.chain.stop());
    await seedConsortium(history.context);
    await options.prepare?.(history, workDir);

    const store = await openAuditStore({ sqlitePath: join(workDir, "audit.sqlite") });
    cleanups.push(() => store.close());
    const indexer = new AuditIndexer({
      client: history.publicClient,
      store,
      manifest: history.manifest,
      log: () => {},
    });
    await indexer.syncOnce();

    await build;
    const web = await startWebServer({
      distDir: FRONTEND_DIST,
      config: webAppConfig(history.manifest, history.chain.rpcUrl, CHAIN_NAME),
      audit: createAuditApiHandler({ store, chainId: options.chainId }),
    });
    cleanups.push(() => web.close());
    const context = await chromium.launchPersistentContext(join(workDir, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: DESKTOP,
    });
    cleanups.push(() => context.close());
    context.setDefaultTimeout(15_000);
    const wallet = await installTestWallet(context, {
      privateKey: options.walletKey,
      chain: history.context.chain,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // Chromium logs every non-2xx response; the tests check those through failedRequests.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        pageErrors.push(`console: ${message.text()}`);
    });
    page.on("response", (response) => {
      if (response.status() >= 400) {
        const url = new URL(response.url());
        failedRequests.push(`${response.status()} ${url.pathname}${url.search}`);
      }
    });
    await mkdir(RESULTS, { recursive: true });

    const fixture: WebFixture = {
      history,
      store,
      web,
      context,
      page,
      wallet,
      workDir,
      pageErrors,
      failedRequests,
      async syncAudit() {
        await indexer.syncOnce();
      },
      async screenshots(name) {
        for (const [size, viewport] of [
          ["desktop", DESKTOP],
          ["phone", PHONE],
        ] as const) {
          await page.setViewportSize(viewport);
          await page.screenshot({ path: join(RESULTS, `${name}-${size}.png`), fullPage: true });
        }
        await page.setViewportSize(DESKTOP);
      },
      async freshPage(path = "/") {
        wallet.reset();
        await page.goto(`${web.url}${path}`);
        await page.evaluate(() => {
          localStorage.clear();
        });
        await page.reload();
        await page.getByRole("button", { name: "Connect wallet" }).waitFor();
      },
      async connectWallet() {
        await page.getByRole("button", { name: "Connect wallet" }).click();
        await page
          .getByRole("list", { name: "Wallets found in this browser" })
          .getByRole("button", { name: wallet.name })
          .click();
        await page.getByTestId("wallet-account").filter({ hasText: wallet.address }).waitFor();
      },
      async switchTo(key) {
        await wallet.switchAccount(key, page);
        await page.getByTestId("wallet-account").filter({ hasText: wallet.address }).waitFor();
      },
      async goTo(link, heading) {
        await page
          .getByRole("navigation", { name: "Pages" })
          .getByRole("link", { name: link, exact: true })
          .click();
        if (heading !== undefined) await page.getByRole("heading", { name: heading }).waitFor();
      },
      async outcome(testId) {
        const status = page.locator(`[data-testid="${testId}"]:not([data-phase="working"])`);
        await status.waitFor({ timeout: 30_000 });
        return `${await status.getAttribute("data-phase")}: ${await status.textContent()}`;
      },
      close,
    };
    return fixture;
  } catch (error) {
    await close();
    throw error;
  }
}
