/**
 * Throwaway local chains for tests and benchmarks: a free 127.0.0.1 port, `scripts/chain.ts` in its
 * own process group (so stopping it also stops the node it spawns), and the real deploy script
 * (`scripts/deploy.ts`) against it, with its manifest in a temporary directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { toHex, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { DEV_MNEMONIC } from "../../src/demo/consortium.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Keys of the well-known development mnemonic (hardhat node and anvil). Public: never use elsewhere. */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
] as const;

/** The private key of development account `addressIndex` (the committee of the demo is 10–12). */
export function devKey(addressIndex: number): Hex {
  const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex }).getHdKey().privateKey;
  if (!key) throw new Error(`No private key for development account ${addressIndex}.`);
  return toHex(key);
}

export type Engine = "hardhat" | "anvil";

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => {
        if (port) resolvePort(port);
        else reject(new Error("Could not get a free port."));
      });
    });
  });
}

/**
 * Why `port` on 127.0.0.1 cannot be listened on (taken, or not allowed), or undefined when it is free.
 */
export function portProblem(port: number): Promise<string | undefined> {
  return new Promise((resolveProblem) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      resolveProblem(
        error.code === "EADDRINUSE"
          ? `port ${port} on 127.0.0.1 is taken (another chain?)`
          : `cannot listen on 127.0.0.1:${port}: ${error.message}`,
      );
    });
    probe.listen(port, "127.0.0.1", () => {
      probe.close(() => {
        resolveProblem(undefined);
      });
    });
  });
}

/** One JSON-RPC call. */
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export type RunningChain = {
  url: string;
  port: number;
  chainId: number;
  process: ChildProcess;
  logFile: string;
};

/** Starts `node scripts/chain.ts` detached (its own process group) and waits until it answers. */
export async function startChain(options: {
  chainId: number;
  engine: Engine;
  logFile: string;
  timeoutMs?: number;
  /** A fixed port (default: a free one). */
  port?: number;
  /** anvil only: a state file loaded at start and saved every few seconds and on exit. */
  state?: string;
  /** anvil only: no fees at all (base fee 0, no minimum priority fee), like a consortium chain. */
  zeroGasPrice?: boolean;
  /** anvil only: another EVM version than cancun (e.g. shanghai), like an older consortium chain. */
  hardfork?: string;
  /** anvil only: the block gas limit. */
  blockGasLimit?: number;
}): Promise<RunningChain> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(options.logFile, "a");
  const script = join(PROJECT_ROOT, "scripts", "chain.ts");
  const args = [
    script,
    "--port",
    String(port),
    "--chain-id",
    String(options.chainId),
    "--engine",
    options.engine,
    ...(options.state ? ["--state", options.state] : []),
    ...(options.zeroGasPrice ? ["--zero-gas-price"] : []),
    ...(options.hardfork ? ["--hardfork", options.hardfork] : []),
    ...(options.blockGasLimit ? ["--block-gas-limit", String(options.blockGasLimit)] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true" },
  });
  closeSync(log);
  const chain: RunningChain = {
    url,
    port,
    chainId: options.chainId,
    process: child,
    logFile: options.logFile,
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `The chain exited early (${child.exitCode ?? child.signalCode}):\n${tail(options.logFile)}`,
      );
    }
    let id: number | undefined;
    try {
      id = Number(await rpc(url, "eth_chainId"));
    } catch {
      // not up yet
    }
    if (id !== undefined) {
      if (id === options.chainId) return chain;
      await stopChain(chain);
      throw new Error(`Port ${port} serves chain ${id}, not ${options.chainId}.`);
    }
    if (Date.now() > deadline) {
      await stopChain(chain);
      throw new Error(`The chain did not answer on ${url} within the timeout:\n${tail(options.logFile)}`);
    }
    await sleep(200);
  }
}

/** Stops the chain's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChain(chain: RunningChain, graceMs = 5_000): Promise<void> {
  const pid = chain.process.pid;
  if (pid === undefined || chain.process.exitCode !== null || chain.process.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => {
    chain.process.once("exit", () => {
      resolveExit();
    });
  });
  signalGroup(pid, "SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  // chain.ts exits when its node does; SIGKILL whatever is left of the group either way.
  signalGroup(pid, "SIGKILL");
  if (timedOut) await Promise.race([exited, sleep(graceMs)]);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Whether a deployment of this process has already had Hardhat check that the contracts are built
 * (about 3 s of each `hardhat run`): the later ones skip it (`--no-compile`). The test runner builds
 * before any test, and nobody edits the contracts while one process deploys them again and again.
 */
let builtInThisProcess = false;

/**
 * Runs `hardhat run scripts/deploy.ts --network localhost` against `url`, logging to `logFile`;
 * the manifest goes to `deploymentsDir` (default ./deployments).
 */
export async function deploy(
  url: string,
  options: { logFile: string; deploymentsDir?: string },
): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve("hardhat/package.json")), "dist", "src", "cli.js");
  const log = openSync(options.logFile, "a");
  const compile = builtInThisProcess ? ["--no-compile"] : [];
  const child = spawn(
    process.execPath,
    [cli, "run", ...compile, "scripts/deploy.ts", "--network", "localhost"],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        CROSSPROOF_RPC_URL: url,
        HARDHAT_DISABLE_TELEMETRY: "true",
        ...(options.deploymentsDir ? { CROSSPROOF_DEPLOYMENTS_DIR: options.deploymentsDir } : {}),
      },
    },
  );
  closeSync(log);
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => {
      resolveExit(exitCode);
    });
  });
  if (code !== 0) throw new Error(`scripts/deploy.ts failed (exit ${code}):\n${tail(options.logFile)}`);
  builtInThisProcess = true;
}

export type DeployedChain = {
  engine: Engine;
  chainId: number;
  rpcUrl: string;
  deploymentsDir: string;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
};

/** Starts `engine` with `chainId` and deploys Crossproof to it; `stop()` removes every trace. */
export async function startDeployedChain(
  engine: Engine,
  chainId: number,
  options: { zeroGasPrice?: boolean } = {},
): Promise<DeployedChain> {
  const workDir = await mkdtemp(join(tmpdir(), `crossproof-${engine}-`));
  const journal = join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${chainId}`);
  const cleanUp = async () => {
    await rm(workDir, { recursive: true, force: true });
    await rm(journal, { recursive: true, force: true });
  };
  await rm(journal, { recursive: true, force: true });
  let chain: RunningChain | undefined;
  try {
    chain = await startChain({ chainId, engine, logFile: join(workDir, "chain.log"), ...options });
    await deploy(chain.url, { logFile: join(workDir, "deploy.log"), deploymentsDir: workDir });
  } catch (error) {
    if (chain) await stopChain(chain);
    await cleanUp();
    throw error;
  }
  const running = chain;
  return {
    engine,
    chainId,
    rpcUrl: running.url,
    deploymentsDir: workDir,
    rpc: (method, params) => rpc(running.url, method, params),
    async stop() {
      await stopChain(running);
      await cleanUp();
    },
  };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
