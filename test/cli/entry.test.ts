/**
 * Which code the `crossproof` bin runs (bin/entry.js): the bundle scripts/build-cli.ts writes, only
 * while it is newer than every source it was built from; the sources otherwise. And the bundle
 * behaves as the sources do.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { expect } from "chai";

import { cliEntry } from "../../bin/entry.js";
import { PROJECT_ROOT } from "../../scripts/lib/local-chain.ts";
import { runScript } from "../../scripts/lib/run.ts";
import { runCli } from "../utils/cli.ts";

describe("crossproof bin: bundle or sources", function () {
  let root: string;
  const rootUrl = () => pathToFileURL(`${root}/`);
  const entry = (env: Record<string, string | undefined> = {}) => cliEntry(env, rootUrl()).pathname;
  const bundleMain = () => join(root, "dist", "cli", "main.js");
  const sourceMain = () => join(root, "src", "cli", "main.ts");
  const at = (path: string, seconds: number) => utimes(join(root, path), seconds, seconds);

  beforeEach(async function () {
    root = await mkdtemp(join(tmpdir(), "crossproof-entry-"));
    await mkdir(join(root, "src", "cli"), { recursive: true });
    await mkdir(join(root, "dist", "cli"), { recursive: true });
    await writeFile(join(root, "src", "cli", "main.ts"), "");
    await writeFile(join(root, "src", "cli", "other.ts"), "");
    await writeFile(join(root, "dist", "cli", "main.js"), "");
    await writeFile(
      join(root, "dist", "cli", "inputs.json"),
      JSON.stringify({ inputs: ["src/cli/main.ts", "src/cli/other.ts"] }),
    );
    await at("src/cli/main.ts", 1_000);
    await at("src/cli/other.ts", 1_000);
    await at("dist/cli/inputs.json", 2_000);
  });

  afterEach(async function () {
    await rm(root, { recursive: true, force: true });
  });

  it("runs the bundle while no source changed since it was built", function () {
    expect(entry()).to.equal(bundleMain());
    expect(entry({ CROSSPROOF_FROM_SOURCES: "0" })).to.equal(bundleMain());
    expect(entry({ CROSSPROOF_FROM_SOURCES: "" })).to.equal(bundleMain());
  });

  it("runs the sources once one of them is newer than the bundle, or is gone", async function () {
    await at("src/cli/other.ts", 3_000);
    expect(entry()).to.equal(sourceMain());
    await at("src/cli/other.ts", 1_000);
    expect(entry()).to.equal(bundleMain());
    await rm(join(root, "src", "cli", "other.ts"));
    expect(entry()).to.equal(sourceMain());
  });

  it("runs the sources without a bundle, with an unreadable one, or when asked to", async function () {
    expect(entry({ CROSSPROOF_FROM_SOURCES: "1" })).to.equal(sourceMain());
    await writeFile(join(root, "dist", "cli", "inputs.json"), "{");
    expect(entry()).to.equal(sourceMain());
    await rm(join(root, "dist"), { recursive: true });
    expect(entry()).to.equal(sourceMain());
  });

  it("runs the bundle npm test built, and it answers as the sources do", async function () {
    // npm test builds it first (pretest); a test run started otherwise after an edit builds it here.
    if (cliEntry(process.env).pathname !== join(PROJECT_ROOT, "dist", "cli", "main.js")) {
      const built = await runScript(join(PROJECT_ROOT, "scripts", "build-cli.ts"), []);
      expect(built.code, built.stderr).to.equal(0);
    }
    expect(cliEntry(process.env).pathname).to.equal(join(PROJECT_ROOT, "dist", "cli", "main.js"));
    const document = join(await mkdtemp(join(tmpdir(), "crossproof-entry-doc-")), "report.txt");
    try {
      await writeFile(document, "lab report");
      const salt = `0x${"ab".repeat(32)}`;
      for (const args of [
        ["fingerprint", document, "--salt", salt, "--json"],
        ["help", "anchor"],
        ["verify", document, "--package", join(root, "missing.proof.json")],
      ]) {
        const bundled = await runCli(args);
        const sources = await runCli(args, { CROSSPROOF_FROM_SOURCES: "1" });
        expect(bundled, args.join(" ")).to.deep.equal(sources);
      }
    } finally {
      await rm(join(document, ".."), { recursive: true, force: true });
    }
  });
});
