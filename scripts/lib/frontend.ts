/**
 * Building the web app (frontend/) when its build is missing or older than its sources, for
 * `npm start` and the browser tests. `npm run build:web` builds it unconditionally.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

import { PROJECT_ROOT } from "./local-chain.ts";

export const FRONTEND_DIR = join(PROJECT_ROOT, "frontend");
export const FRONTEND_DIST = join(FRONTEND_DIR, "dist");

/** What the bundle is made of: the app's own files and the SDK it imports. */
const SOURCES = [
  join(FRONTEND_DIR, "src"),
  join(FRONTEND_DIR, "index.html"),
  join(FRONTEND_DIR, "vite.config.ts"),
  join(PROJECT_ROOT, "src", "sdk"),
  join(PROJECT_ROOT, "package-lock.json"),
];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** Why the build must be (re)made, or undefined when it is up to date. */
export async function frontendBuildReason(): Promise<string | undefined> {
  const index = join(FRONTEND_DIST, "index.html");
  if (!existsSync(index)) return "frontend/dist is missing";
  const built = (await stat(index)).mtimeMs;
  for (const source of SOURCES) {
    if (existsSync(source) && (await newestMtime(source)) > built)
      return `${source.slice(PROJECT_ROOT.length + 1)} changed since the last build`;
  }
  return undefined;
}

/**
 * Runs `vite build frontend` into a temporary folder, then swaps it in, so a reader (or a second
 * build) never sees a half-written dist. Rejects with the tail of Vite's output on failure.
 */
export async function buildFrontend(): Promise<void> {
  const outDir = join(FRONTEND_DIR, `.dist-${process.pid}`);
  const vite = join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
  const child = spawn(
    process.execPath,
    [vite, "build", FRONTEND_DIR, "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolveExit, reject) => {
    child.once("error", reject);
    child.once("close", resolveExit);
  });
  if (code !== 0) {
    await rm(outDir, { recursive: true, force: true });
    throw new Error(
      `vite build frontend failed (exit ${code}):\n${output.trim().split("\n").slice(-30).join("\n")}`,
    );
  }
  await rm(FRONTEND_DIST, { recursive: true, force: true });
  await rename(outDir, FRONTEND_DIST);
}

/** Builds the web app if needed; returns the reason it was built, or undefined. */
export async function ensureFrontendBuilt(
  log: (line: string) => void = () => {},
): Promise<string | undefined> {
  const reason = await frontendBuildReason();
  if (reason === undefined) return undefined;
  log(`Building the web app (${reason})…`);
  await buildFrontend();
  return reason;
}
