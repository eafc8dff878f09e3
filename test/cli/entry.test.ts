/**
 * Which code the `crossproof` bin runs (bin/entry.js): the bundle scripts/build-cli.ts published,
 * only while every input it was built from is as it was then; the sources otherwise. And the
 * bundle behaves as the sources do.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { expect } from "chai";

import { cliEntry } from "../../bin/entry.js";
import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";
import { ensureCliBundle, runCli } from "../utils/cli.ts";

describe("crossproof bin: bundle or sources", function () {
  let root: string;
  const entry = (env: Record<string, string | undefined> = {}) =>
    fileURLToPath(cliEntry(env, pathToFileURL(`${root}/`)));
  const bundleMain = () => join(root, "dist", "cli", "20261127-build", "main.js");
  const sourceMain = () => join(root, "src", "cli", "main.ts");
  const record = async (...paths: string[]) => {
    const inputs = [];
    for (const path of paths) {
      const { mtimeMs, size } = await stat(join(root, path));
      inputs.push({ path, mtimeMs, size });
    }
    await writeFile(
      join(root, "dist", "cli", "current.json"),
      JSON.stringify({ build: "20261127-build", inputs }),
    );
  };

  beforeEach(async function () {
    root = await mkdtemp(join(tmpdir(), "crossproof-entry-"));
    await mkdir(join(root, "src", "cli"), { recursive: true });
    await mkdir(join(root, "dist", "cli", "20261127-build"), { recursive: true });
    await writeFile(join(root, "src", "cli", "main.ts"), "export {};\n");
    await writeFile(join(root, "src", "cli", "other.ts"), "export {};\n");
    await writeFile(bundleMain(), "");
    // Whole seconds: a Date (as utimes is given below) holds no fraction of a millisecond.
    for (const file of ["main.ts", "other.ts"])
      await utimes(join(root, "src", "cli", file), 1_800_000_000, 1_800_000_000);
    await record("src/cli/main.ts", "src/cli/other.ts");
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  it("runs the bundle while every input is as it was built from", function () {
    expect(entry()).to.equal(bundleMain());
    expect(entry({ CROSSPROOF_FROM_SOURCES: "0" })).to.equal(bundleMain());
    expect(entry({ CROSSPROOF_FROM_SOURCES: "" })).to.equal(bundleMain());
  });

  it("runs the sources once an input changed: newer, older (a copy moved in), resized or gone", async function () {
    const other = join(root, "src", "cli", "other.ts");
    const { mtime } = await stat(other);
    await utimes(other, mtime, new Date(mtime.getTime() + 1_000));
    expect(entry()).to.equal(sourceMain());
    await utimes(other, mtime, new Date(mtime.getTime() - 60_000));
    expect(entry()).to.equal(sourceMain());
    await utimes(other, mtime, mtime);
    expect(entry()).to.equal(bundleMain());
    await writeFile(other, "export {}; \n");
    await utimes(other, mtime, mtime);
    expect(entry(), "same time, another size").to.equal(sourceMain());
    await rm(other);
    expect(entry()).to.equal(sourceMain());
  });

  it("runs the sources for an input recorded as changed during its build", async function () {
    const current = join(root, "dist", "cli", "current.json");
    const published = JSON.parse(await readFile(current, "utf8")) as { inputs: { mtimeMs: number | null }[] };
    published.inputs[1]!.mtimeMs = null;
    await writeFile(current, JSON.stringify(published));
    expect(entry()).to.equal(sourceMain());
  });

  it("runs the sources without a bundle, with an unreadable one, or when asked to", async function () {
    expect(entry({ CROSSPROOF_FROM_SOURCES: "1" })).to.equal(sourceMain());
    const current = join(root, "dist", "cli", "current.json");
    await writeFile(current, JSON.stringify({ build: "../../elsewhere", inputs: [] }));
    expect(entry(), "a build name that leaves dist/cli").to.equal(sourceMain());
    await writeFile(current, JSON.stringify({ build: "20261127-build", inputs: [] }));
    expect(entry(), "no inputs").to.equal(sourceMain());
    await writeFile(current, "{");
    expect(entry()).to.equal(sourceMain());
    await rm(join(root, "dist"), { recursive: true });
    expect(entry()).to.equal(sourceMain());
  });

  describe("the project's bundle", function () {
    const CHAIN_ID = 0x7a69b;
    let rpc: Server;
    let rpcUrl: string;
    let workDir: string;

    before(async function () {
      await ensureCliBundle();
      workDir = await mkdtemp(join(tmpdir(), "crossproof-entry-doc-"));
      // A node that knows only its chain id: enough for the CLI to look for the chain's manifest.
      rpc = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          const { id, method } = JSON.parse(body) as { id: number; method: string };
          response.setHeader("content-type", "application/json");
          response.end(
            JSON.stringify(
              method === "eth_chainId"
                ? { jsonrpc: "2.0", id, result: `0x${CHAIN_ID.toString(16)}` }
                : { jsonrpc: "2.0", id, error: { code: -32601, message: `${method} not served here` } },
            ),
          );
        });
      });
      await new Promise<void>((resolve) => rpc.listen(0, "127.0.0.1", resolve));
      const address = rpc.address();
      if (address === null || typeof address === "string") throw new Error("no port");
      rpcUrl = `http://127.0.0.1:${address.port}`;
    });

    after(async function () {
      await new Promise((resolve) => rpc.close(resolve));
      await rm(workDir, { recursive: true, force: true });
    });

    it("replaces the current build, stamps it, and removes builds replaced over a day ago", async function () {
      const dist = join(PROJECT_ROOT, "dist", "cli");
      const previous = dirname(await ensureCliBundle());
      const longGone = join(dist, "19990101T000000000Z-test01");
      const recent = join(dist, "19990101T000000000Z-test02");
      try {
        for (const path of [longGone, recent]) await mkdir(path, { recursive: true });
        const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
        await utimes(longGone, twoDaysAgo, twoDaysAgo);
        await utimes(previous, twoDaysAgo, twoDaysAgo);
        const built = await runScript(join(PROJECT_ROOT, "scripts", "build-cli.ts"), []);
        expect(built.code, built.stderr).to.equal(0);
        expect(dirname(await ensureCliBundle())).not.to.equal(previous);
        expect(existsSync(longGone), "replaced two days ago").to.equal(false);
        expect(existsSync(recent), "a day has not passed").to.equal(true);
        // The replaced build stays a day from now: a CLI started from it keeps its chunks.
        expect(Date.now() - (await stat(previous)).mtimeMs).to.be.below(60_000);
      } finally {
        await rm(longGone, { recursive: true, force: true });
        await rm(recent, { recursive: true, force: true });
      }
    });

    it("answers as the sources do", async function () {
      const document = join(workDir, "report.txt");
      await writeFile(document, "lab report");
      const salt = `0x${"ab".repeat(32)}`;
      for (const args of [
        ["fingerprint", document, "--salt", salt, "--json"],
        ["help", "anchor"],
        ["verify", document, "--package", join(workDir, "missing.proof.json")],
        // Run elsewhere: the project's deployments/ is found from the bundle as from the sources.
        ["schema", "list", "--rpc", rpcUrl],
      ]) {
        const bundled = await runCli(args, { CROSSPROOF_FROM_SOURCES: "0" }, { cwd: workDir });
        const sources = await runCli(args, { CROSSPROOF_FROM_SOURCES: "1" }, { cwd: workDir });
        expect(bundled, args.join(" ")).to.deep.equal(sources);
      }
      const listed = await runCli(
        ["schema", "list", "--rpc", rpcUrl],
        { CROSSPROOF_FROM_SOURCES: "0" },
        { cwd: workDir },
      );
      expect(listed.stderr).to.contain(join(PROJECT_ROOT, "deployments", `${CHAIN_ID}.json`));
    });
  });
});
