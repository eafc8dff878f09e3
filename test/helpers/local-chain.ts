/**
 * Starts a real local chain (Hardhat's EDR node or anvil) on a free 127.0.0.1 port, deploys
 * Crossproof to it with the real deploy script, and stops it by its process group.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");
const HARDHAT_CLI = join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** Account 0 of the well-known development mnemonic (hardhat node and anvil). Never use elsewhere. */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
] as const;

export type Engine = "hardhat" | "anvil";

export type LocalChain = {
  engine: Engine;
  chainId: number;
  rpcUrl: string;
  deploymentsDir: string;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePort(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

async function rpcCall(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, command, { cwd: PROJECT_ROOT, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => { resolveRun({ code: code ?? 1, output }); });
  });
}

/** Starts `engine` with `chainId` and deploys Crossproof; the manifest goes to a temp directory. */
export async function startLocalChain(engine: Engine, chainId: number): Promise<LocalChain> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["scripts/chain.ts", "--port", String(port), "--chain-id", String(chainId), "--engine", engine],
    { cwd: PROJECT_ROOT, detached: true, stdio: "ignore" },
  );
  const stopChain = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((done) => {
        child.once("exit", done);
        setTimeout(done, 5_000).unref();
      });
    }
  };
  const deploymentsDir = await mkdtemp(join(tmpdir(), "crossproof-deployments-"));
  const journal = join(PROJECT_ROOT, "ignition", "deployments", `crossproof-${chainId}`);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await rpcCall(rpcUrl, "eth_chainId");
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${engine} did not start on ${rpcUrl}: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await rm(journal, { recursive: true, force: true });
    const deployed = await run([HARDHAT_CLI, "run", "scripts/deploy.ts", "--network", "localhost"], {
      CROSSPROOF_RPC_URL: rpcUrl,
      CROSSPROOF_DEPLOYMENTS_DIR: deploymentsDir,
      HARDHAT_DISABLE_TELEMETRY: "true",
    });
    if (deployed.code !== 0) throw new Error(`deploy failed on ${engine}:\n${deployed.output}`);
  } catch (error) {
    await stopChain();
    throw error;
  }
  return {
    engine,
    chainId,
    rpcUrl,
    deploymentsDir,
    rpc: (method, params) => rpcCall(rpcUrl, method, params),
    async stop() {
      await stopChain();
      await rm(deploymentsDir, { recursive: true, force: true });
      await rm(journal, { recursive: true, force: true });
    },
  };
}
