/**
 * A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster (initdb) in a temporary
 * directory, a postmaster on 127.0.0.1 at a free port, trust authentication, durability off (fsync,
 * synchronous_commit, full_page_writes), and a database to use. stop() shuts it down by PID and
 * deletes the directory.
 *
 * PostgreSQL refuses to run as root. As root (CI and the developers' machines run as root) initdb
 * and postgres run as the `postgres` system user that Debian's package creates, through `runuser`
 * (or `su` without it); the temporary directory is handed to that user. The PID this module spawns
 * is then runuser's, which on a signal sends the postmaster SIGTERM (a "smart" shutdown that waits
 * for clients) and SIGKILL two seconds later. So stop() never signals the wrapper: it sends SIGINT
 * (fast shutdown) to the postmaster's own PID, read from postmaster.pid, and the wrapper exits when
 * the postmaster has.
 *
 * Binaries: /usr/lib/postgresql/<highest version>/bin (Debian's layout), else PATH. `.ci/run`
 * installs Debian's `postgresql` package when they are missing.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync, rmSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

import pg from "pg";

import { freePort } from "../../scripts/lib/local-chain.ts";

export type PostgresServer = { url: string; port: number; dataDir: string; stop(): Promise<void> };

const DEBIAN_ROOT = "/usr/lib/postgresql";
const SYSTEM_USER = "postgres";
const DEFAULT_DATABASE = "crossproof_test";
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 5;
const LOG_LINES = 40;

const execFileAsync = promisify(execFile);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH (then in `extraDirs`), or undefined. */
function onPath(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...extraDirs];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}

/** initdb and postgres from the highest /usr/lib/postgresql/<version>/bin that has both, else from PATH. */
export function findPostgresBinaries(): { initdb: string; postgres: string } | undefined {
  let versions: string[] = [];
  try {
    versions = readdirSync(DEBIAN_ROOT);
  } catch {
    // No Debian layout: fall through to PATH.
  }
  const byVersionDesc = versions
    .filter((version) => /^\d+(\.\d+)*$/.test(version))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const version of byVersionDesc) {
    const bin = join(DEBIAN_ROOT, version, "bin");
    const initdb = join(bin, "initdb");
    const postgres = join(bin, "postgres");
    if (isExecutable(initdb) && isExecutable(postgres)) return { initdb, postgres };
  }
  const initdb = onPath("initdb");
  const postgres = onPath("postgres");
  return initdb && postgres ? { initdb, postgres } : undefined;
}

/** An error whose message is the whole story (mocha prints the stack, here just the message). */
function plainError(message: string): Error {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

type Runner = {
  /** The command and arguments that run `argv` as the user PostgreSQL accepts. */
  wrap(argv: string[]): [string, string[]];
  /** Hands a directory to that user (a no-op when not root). */
  own(path: string): Promise<void>;
  /** Whether the spawned PID is a wrapper's (runuser, su) rather than the program's own. */
  wrapped: boolean;
  describe: string;
};

async function makeRunner(): Promise<Runner> {
  if (process.getuid?.() !== 0) {
    return {
      wrap: ([cmd, ...args]) => [cmd!, args],
      own: async () => {},
      wrapped: false,
      describe: "the current user",
    };
  }
  let uid: number;
  let gid: number;
  try {
    uid = Number((await execFileAsync("id", ["-u", SYSTEM_USER])).stdout.trim());
    gid = Number((await execFileAsync("id", ["-g", SYSTEM_USER])).stdout.trim());
  } catch {
    throw plainError(
      `PostgreSQL refuses to run as root, and there is no "${SYSTEM_USER}" system user to run it as ` +
        `(Debian's package creates it): run \`apt-get install -y postgresql\`.`,
    );
  }
  const own = (path: string) => chown(path, uid, gid);
  const runuser = onPath("runuser", ["/usr/sbin", "/sbin"]);
  if (runuser) {
    return {
      wrap: (argv) => [runuser, ["-u", SYSTEM_USER, "--", ...argv]],
      own,
      wrapped: true,
      describe: `runuser -u ${SYSTEM_USER}`,
    };
  }
  const su = onPath("su", ["/usr/bin", "/bin"]);
  if (!su)
    throw plainError(
      `Running as root, but neither runuser nor su is available to run PostgreSQL as "${SYSTEM_USER}".`,
    );
  // `exec`: the shell becomes the program, its arguments those after the script ("$0" "$@": no quoting).
  // `--` before the user: su takes options anywhere before it (it would read initdb's -D as its own).
  return {
    wrap: (argv) => [su, ["-s", "/bin/sh", "-c", 'exec "$0" "$@"', "--", SYSTEM_USER, ...argv]],
    own,
    wrapped: true,
    describe: `su ${SYSTEM_USER}`,
  };
}

/** The last `LOG_LINES` lines written to the stream(s). */
function tailOf(...streams: (NodeJS.ReadableStream | null)[]): () => string {
  const lines: string[] = [];
  let partial = "";
  for (const stream of streams) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
      if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES);
    });
  }
  return () => [...lines, partial].filter(Boolean).join("\n");
}

/** Spawned (it has a PID) and not exited. */
function isAlive(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isAlive(child)) return Promise.resolve(true);
  return new Promise((resolveExited) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolveExited(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolveExited(true);
    };
    child.once("exit", onExit);
  });
}

/** The postmaster's PID from its postmaster.pid (first line), or undefined before it wrote one. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(
      readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "",
      10,
    );
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Resolves once 127.0.0.1:port accepts a connection; rejects with `why()` when the child exits or on timeout. */
async function waitUntilReady(port: number, child: ChildProcess, why: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  // A connection attempt also ends when the server exits (a port someone else holds may never answer).
  const exit = new Promise<false>((resolveExit) => {
    child.once("exit", () => {
      resolveExit(false);
    });
  });
  let lastError = "";
  while (Date.now() < deadline) {
    if (!isAlive(child)) {
      throw new Error(
        `postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections.\n${why()}`,
      );
    }
    const client = new pg.Client({
      host: "127.0.0.1",
      port,
      user: "postgres",
      database: "postgres",
      connectionTimeoutMillis: 2_000,
    });
    client.on("error", () => {});
    const connecting = client.connect().then(
      () => true,
      (error: unknown) => {
        lastError = error instanceof Error ? error.message : String(error);
        return false;
      },
    );
    const connected = await Promise.race([connecting, exit]);
    if (connected) {
      await client.end();
      return;
    }
    // Not awaited: ending a connection attempt that the peer never answers waits for its timeout.
    client.end().catch(() => {});
    await sleep(50);
  }
  throw new Error(
    `postgres did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}).\n${why()}`,
  );
}

/**
 * Starts a throwaway PostgreSQL cluster bound to 127.0.0.1 on a free port; stop() kills it by its own
 * PID and deletes the data dir.
 */
export async function startPostgres(options: { database?: string } = {}): Promise<PostgresServer> {
  const database = options.database ?? DEFAULT_DATABASE;
  const binaries = findPostgresBinaries();
  if (!binaries) {
    throw plainError(
      `PostgreSQL is not installed: no initdb and postgres under ${DEBIAN_ROOT}/<version>/bin or on PATH. ` +
        "Install it with `apt-get install -y postgresql` (as root; else with sudo). .ci/run does this before `npm test`.",
    );
  }
  const runner = await makeRunner();

  const root = await mkdtemp(join(tmpdir(), "crossproof-pg-"));
  const dataDir = join(root, "data");
  let child: ChildProcess | undefined;
  /**
   * Signals the postmaster by its own PID. Before it has written postmaster.pid, signals the spawned
   * PID: the postmaster itself, or a wrapper that passes SIGTERM on (and SIGKILLs 2 s later).
   */
  const signalServer = (sig: NodeJS.Signals) => {
    if (!child || !isAlive(child)) return;
    const pid = postmasterPid(dataDir);
    if (pid !== undefined) signal(pid, sig);
    else signal(child.pid, runner.wrapped ? "SIGTERM" : sig);
  };
  // Whatever happens to this process, a server it started does not outlive it (best effort: no waiting).
  const onExit = () => {
    signalServer("SIGQUIT"); // immediate shutdown
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      // The server may still be writing; nothing more to do at exit.
    }
  };
  process.on("exit", onExit);

  const kill = async (): Promise<void> => {
    if (child && isAlive(child)) {
      signalServer("SIGINT"); // fast shutdown: rolls back open transactions, closes connections
      if (!(await exited(child, STOP_TIMEOUT_MS))) {
        signal(postmasterPid(dataDir), "SIGKILL");
        signal(child.pid, "SIGKILL");
        await exited(child, STOP_TIMEOUT_MS);
      }
    }
    await rm(root, { recursive: true, force: true });
    process.off("exit", onExit);
  };

  try {
    await runner.own(root);
    const [initCmd, initArgs] = runner.wrap([
      binaries.initdb,
      "-D",
      dataDir,
      "--auth=trust",
      "--username=postgres",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
    ]);
    try {
      await execFileAsync(initCmd, initArgs, { cwd: root });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(
        `initdb failed (run as ${runner.describe}): ${initCmd} ${initArgs.join(" ")}\n${(stdout + stderr).trim().split("\n").slice(-LOG_LINES).join("\n")}`,
      );
    }

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const [cmd, args] = runner.wrap([
        binaries.postgres,
        "-D",
        dataDir,
        "-k",
        root,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
      ]);
      child = spawn(cmd, args, { cwd: root, detached: false, stdio: ["ignore", "pipe", "pipe"] });
      const log = tailOf(child.stdout, child.stderr);
      // The server does not keep this process alive: the exit hook above ends it.
      child.unref();
      (child.stdout as Socket | null)?.unref();
      (child.stderr as Socket | null)?.unref();
      const spawned = child;
      const closed = new Promise<void>((resolveClosed) =>
        spawned.once("close", () => {
          resolveClosed();
        }),
      );
      const spawnError = new Promise<never>((_, reject) => {
        spawned.once("error", reject);
      });
      try {
        await Promise.race([waitUntilReady(port, spawned, log), spawnError]);
      } catch (error) {
        if (isAlive(spawned)) throw error; // the outer catch stops it
        await Promise.race([closed, sleep(1_000)]); // its last output
        if (attempt < PORT_ATTEMPTS && /could not bind|address already in use/i.test(log())) {
          continue; // Someone took the port between freePort() and the bind: another one.
        }
        throw error;
      }

      const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
      await admin.connect();
      try {
        if (database !== "postgres") await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
      } finally {
        await admin.end();
      }

      let stopping: Promise<void> | undefined;
      return {
        url: `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
        port,
        dataDir,
        stop: () => {
          stopping ??= kill();
          return stopping;
        },
      };
    }
  } catch (error) {
    await kill().catch(() => {});
    throw error;
  }
}
