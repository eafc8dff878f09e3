/**
 * Which `npm start` owns the local chain: a file in the state directory names the chain's process
 * group and the `npm start` that started it. A chain whose `npm start` was killed (kill -9, a closed
 * terminal) keeps running in its own process group and holds the port; the next `npm start` stops
 * it (anvil saves its state on SIGTERM) instead of refusing the port.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { portProblem } from "./local-chain.ts";

/** `chainPid` 0: the npm start has claimed the directory and not started its chain yet. */
export type Owner = { chainPid: number; startPid: number; port: number };

const ownerFile = (stateDir: string) => join(stateDir, "chain.pid.json");

export async function recordChainOwner(stateDir: string, owner: Owner): Promise<void> {
  await writeFile(ownerFile(stateDir), `${JSON.stringify(owner)}\n`);
}

export async function forgetChainOwner(stateDir: string): Promise<void> {
  await rm(ownerFile(stateDir), { force: true });
}

/**
 * The `npm start` that is running with this state directory now, if any (it claims the directory
 * before it starts its chain). A second `npm start` on the same directory would share (or, with
 * --fresh, remove) the state the first one's chain is writing. Where the system does not say which
 * script a process runs (no /proc), any live process with the recorded id counts.
 */
export async function stateDirOwner(stateDir: string): Promise<Owner | undefined> {
  const owner = await readOwner(stateDir);
  if (!owner || owner.startPid === process.pid) return undefined;
  return alive(owner.startPid) && isProcess(owner.startPid, "scripts/start.ts") ? owner : undefined;
}

async function readOwner(stateDir: string): Promise<Owner | undefined> {
  const path = ownerFile(stateDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(await readFile(path, "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Stops the chain a previous `npm start` of this state directory left running (on whatever port: it
 * writes the same state file), if its `npm start` is gone. Returns what it did, for a line of output;
 * undefined when there was nothing. A chain whose `npm start` still runs is left alone (the port
 * check then says it is taken). A recorded process is stopped only while it still holds its port and,
 * where the system says (Linux), runs scripts/chain.ts: a reused process id is never signalled.
 */
export async function stopOrphanedChain(stateDir: string): Promise<string | undefined> {
  if (!existsSync(ownerFile(stateDir))) return undefined;
  const owner = await readOwner(stateDir);
  if (
    !owner ||
    // Claimed by an npm start whose chain had not started yet.
    owner.chainPid <= 0 ||
    !alive(owner.chainPid) ||
    !isProcess(owner.chainPid, "scripts/chain.ts") ||
    (await portProblem(owner.port)) === undefined
  ) {
    await forgetChainOwner(stateDir);
    return undefined;
  }
  if (alive(owner.startPid)) return undefined;
  signalGroup(owner.chainPid, "SIGTERM");
  for (let waited = 0; waited < 10_000 && alive(owner.chainPid); waited += 100) await sleep(100);
  if (alive(owner.chainPid)) signalGroup(owner.chainPid, "SIGKILL");
  await forgetChainOwner(stateDir);
  return `Stopped the chain (pid ${owner.chainPid}) that an earlier npm start (pid ${owner.startPid}, no longer running) left on port ${owner.port}; its state was saved.`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Where the system says (Linux /proc), the process runs `script`; elsewhere, trusted. */
function isProcess(pid: number, script: string): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    return readFileSync(cmdline, "utf8").includes(script);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
