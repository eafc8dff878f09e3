/**
 * The real `crossproof` bin against real local chains — Hardhat's EDR node and anvil — deployed
 * with the real deploy script: the same commands a user types, asserted on exit codes and output.
 * Tests of the CLI's own checks and wording, and of its build, run on Hardhat only (`itOnce`).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { createWalletClient, defineChain, http, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { writeJournal } from "../../src/cli/journal.ts";
import { anchorBatch, anchorFingerprints } from "../../src/sdk/fingerprints/actions.ts";
import { applyForRecognition } from "../../src/sdk/issuers/issuers.ts";
import { buildMerkleTree, merkleRoot } from "../../src/sdk/fingerprints/merkle.ts";
import { PARALLEL_THRESHOLD } from "../../src/sdk/node/merkle-builder.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

import {
  DEV_KEYS,
  devKey,
  freePort,
  startDeployedChain,
  type DeployedChain,
  type Engine,
} from "../../scripts/lib/local-chain.ts";
import { ensureCliBundle, runCli } from "../utils/cli.ts";

const ISSUER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const SCHEMA = "health.test-report@1.0";
/** Revocable and reinstatable, for `reinstate`. */
const REINSTATABLE_SCHEMA = "medical.record@1.0";

const cli = runCli;

for (const [engine, chainId] of [
  ["hardhat", 31_401],
  ["anvil", 31_402],
] as [Engine, number][]) {
  describe(`crossproof CLI on ${engine}`, function () {
    let chain: DeployedChain | undefined;
    let dir: string;
    let env: Record<string, string>;
    const run = (...args: string[]) => cli(args, env);
    /**
     * A test of the CLI's own checks and wording (input refused before anything is sent, packages
     * and manifests of other chains, proposals checked against the committee, a proposal file passed
     * between members, the pause's messages) or of its build (the Merkle workers of a big batch): it
     * reads the chain but nothing in it depends on the engine, so it runs on the first engine only.
     * On anvil the suite keeps to what an engine can change: transactions, reverts and their
     * decoding, logs, time, committee decisions (the set-up's). The pause through the committee,
     * with its `[EnforcedPause]` decoding and its audit trail, runs on Hardhat only: anvil decodes
     * custom errors in the unaccredited-anchor test.
     */
    const itOnce = (title: string, test: Mocha.AsyncFunc) => {
      if (engine === "hardhat") it(title, test);
    };

    before(async function () {
      const started = await startDeployedChain(engine, chainId);
      chain = started;
      dir = await mkdtemp(join(tmpdir(), "crossproof-cli-"));
      env = {
        CROSSPROOF_RPC_URL: started.rpcUrl,
        CROSSPROOF_DEPLOYMENTS_DIR: started.deploymentsDir,
        CROSSPROOF_PRIVATE_KEY: DEV_KEYS[0],
      };
      // The deployer holds no power: the issuer applies, and the committee (2 of 3) registers the
      // schema, recognises the issuer and grants it the schema — proposed by one member (whose
      // proposal counts as its approval) and executed by a second.
      const applied = await run(
        "issuer",
        "apply",
        "--type",
        "laboratory",
        "--name",
        "CLI Test Laboratory",
        "--jurisdiction",
        "MO",
      );
      expect(applied.code, applied.stderr).to.equal(0);
      const proposer = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(10) };
      const executor = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(11) };
      const proposals = [
        [
          "schema-register",
          "--name",
          "health.test-report",
          "--version",
          "1.0",
          "--uri",
          "https://schemas.example/health-test-report.json",
          "--revocable",
        ],
        [
          "schema-register",
          "--name",
          "medical.record",
          "--version",
          "1.0",
          "--uri",
          "https://schemas.example/medical-record.json",
          "--revocable",
          "--reinstatable",
        ],
        ["issuer-recognize", ISSUER],
        ["schema-grant", ISSUER, SCHEMA],
        ["schema-grant", ISSUER, REINSTATABLE_SCHEMA],
      ];
      for (const proposal of proposals) {
        const proposed = await cli(["gov", "propose", ...proposal, "--json"], proposer);
        expect(proposed.code, proposed.stderr).to.equal(0);
        const executed = await cli(["gov", "execute", String(proposed.json.proposalId), "--json"], executor);
        expect(executed.code, executed.stderr).to.equal(0);
        expect(executed.json.status).to.equal("executed");
      }
    });

    after(async function () {
      await chain?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("lists and shows the registered schemas", async function () {
      const listed = await run("schema", "list", "--json");
      expect(listed.code).to.equal(0);
      expect(JSON.parse(listed.stdout)).to.have.length(2);
      // A full page says how many there are and how to see the rest; past the end, it says how many
      // there are instead of "none registered".
      const firstPage = await run("schema", "list", "--limit", "1");
      expect(firstPage.stdout.trim().split("\n")).to.have.length(1);
      expect(firstPage.stderr).to.contain("Schemas 1–1 of 2: run again with --offset 1 for the next ones.");
      const lastPage = await run("schema", "list", "--offset", "1", "--limit", "1");
      expect(lastPage.stdout).to.contain("medical.record@1.0");
      expect(lastPage.stderr).to.equal("");
      const beyond = await run("schema", "list", "--offset", "3");
      expect(beyond.code, beyond.stderr).to.equal(0);
      expect(beyond.stdout).to.contain("No schemas from --offset 3: 2 registered (offsets 0 to 1).");
      const noPage = await run("schema", "list", "--limit", "0");
      expect(noPage.code).to.equal(2);
      expect(noPage.stderr).to.contain("--limit must be a whole number of at least 1, not 0.");
      const shown = await run("schema", "show", SCHEMA);
      expect(shown.stdout).to.contain("computed id   matches name@version");
      // A bad reference is named as what it is (an argument here, not --schema).
      const bad = await run("schema", "show", "nope");
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain(
        "The schema nope is neither a 32-byte id nor name@version (e.g. health.test-report@1.0).",
      );
      const missing = await run("schema", "show");
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain("The schema is required: a schema id (0x…) or name@version");
    });

    it("lists and shows the issuer and the committee's executed proposals", async function () {
      const issuers = await run("issuer", "list", "--json");
      expect(issuers.code, issuers.stderr).to.equal(0);
      const [issuer] = JSON.parse(issuers.stdout) as {
        account: string;
        status: string;
        schemaIds: string[];
      }[];
      expect(issuer?.account).to.equal(ISSUER);
      expect(issuer?.status).to.equal("recognized");
      expect(issuer?.schemaIds).to.deep.equal([
        schemaIdOf({ name: "health.test-report", version: "1.0" }),
        schemaIdOf({ name: "medical.record", version: "1.0" }),
      ]);
      const shown = await run("issuer", "show", ISSUER);
      expect(shown.stdout).to.contain("CLI Test Laboratory (laboratory, MO)");
      expect(shown.stdout).to.contain(`did:ethr:0x${chainId.toString(16)}:${ISSUER.toLowerCase()}`);
      const proposals = await run("gov", "list", "--json");
      const listed = JSON.parse(proposals.stdout) as { status: string; approvals: string[] }[];
      expect(listed.map((proposal) => proposal.status)).to.deep.equal(Array(5).fill("executed"));
      expect(listed.every((proposal) => proposal.approvals.length === 1)).to.equal(true);
      const members = await run("gov", "members", "--json");
      expect((JSON.parse(members.stdout) as { threshold: number }).threshold).to.equal(2);
    });

    itOnce(
      "prints text chosen on chain as one line, with line breaks, escapes and direction marks escaped",
      async function () {
        // An applicant's name forging an output line, clearing the screen and reversing the text;
        // sent through the SDK (the CLI refuses such a name at input).
        const key = devKey(5);
        const hostile =
          "Bank\n  2026-11-27T13:16:15Z  block 91  FingerprintRegistry.Revoked\u001b[2J\u202eknaB";
        const refused = await cli(
          ["issuer", "apply", "--type", "bank", "--name", hostile, "--jurisdiction", "HK"],
          { ...env, CROSSPROOF_PRIVATE_KEY: key },
        );
        expect(refused.code).to.equal(2);
        expect(refused.stderr).to.contain("holds a control character").and.contain("Bank\\n  2026");
        expect(refused.stderr.trim().split("\n")).to.have.length(1);
        const manifest = JSON.parse(
          await readFile(join(chain!.deploymentsDir, `${chainId}.json`), "utf8"),
        ) as {
          contracts: { IssuerRegistry: Hex };
        };
        const account = privateKeyToAccount(key);
        await applyForRecognition(
          createWalletClient({
            account,
            transport: http(chain!.rpcUrl),
            chain: defineChain({
              id: chainId,
              name: "test chain",
              nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
              rpcUrls: { default: { http: [chain!.rpcUrl] } },
            }),
          }),
          {
            issuerRegistry: manifest.contracts.IssuerRegistry,
            did: account.address,
            type: "bank",
            name: hostile,
            jurisdiction: "HK",
          },
        );
        const escaped =
          "Bank\\n  2026-11-27T13:16:15Z  block 91  FingerprintRegistry.Revoked\\u001b[2J\\u202eknaB";
        for (const args of [
          ["issuer", "show", account.address],
          ["issuer", "list"],
        ]) {
          const shown = await run(...args);
          expect(shown.code, shown.stderr).to.equal(0);
          expect(shown.stdout).to.contain(escaped);
          expect(shown.stdout).not.to.contain("\u001b").and.not.to.contain("\u202e");
          expect(
            shown.stdout.split("\n").filter((line) => line.includes("FingerprintRegistry.Revoked")),
          ).to.have.length(1);
        }
        // Machine output keeps the name as it is on chain.
        const json = await run("issuer", "show", account.address, "--json");
        expect(json.json.name).to.equal(hostile);
      },
    );

    itOnce("runs a proposal approved from a proposal file on another member's machine", async function () {
      const proposalFile = join(dir, "recognise.proposal.json");
      const applied = await cli(
        ["issuer", "apply", "--type", "hospital", "--name", "Second Hospital", "--jurisdiction", "HK"],
        { ...env, CROSSPROOF_PRIVATE_KEY: DEV_KEYS[1] },
      );
      expect(applied.code, applied.stderr).to.equal(0);
      const second = privateKeyToAccount(DEV_KEYS[1]).address;
      const proposed = await cli(
        ["gov", "propose", "issuer-recognize", second, "--no-approve", "--out", proposalFile, "--json"],
        { ...env, CROSSPROOF_PRIVATE_KEY: devKey(10) },
      );
      expect(proposed.code, proposed.stderr).to.equal(0);
      expect(proposed.json.approvals).to.deep.equal([]);
      // One approval (by file) and an executor who is not a member: not enough.
      const approved = await cli(["gov", "approve", proposalFile, "--json"], {
        ...env,
        CROSSPROOF_PRIVATE_KEY: devKey(12),
      });
      expect(approved.code, approved.stderr).to.equal(0);
      expect((approved.json.approvals as string[]).length).to.equal(1);
      // Approving twice sends nothing and says so.
      const twice = await cli(["gov", "approve", proposalFile], {
        ...env,
        CROSSPROOF_PRIVATE_KEY: devKey(12),
      });
      expect(twice.code).to.equal(2);
      expect(twice.stderr).to.contain("already: 1 of 2 approvals. Nothing was sent.");
      const early = await cli(["gov", "execute", proposalFile], {
        ...env,
        CROSSPROOF_PRIVATE_KEY: DEV_KEYS[1],
      });
      expect(early.code).to.equal(2);
      expect(early.stderr).to.contain("has 1 of the 2 approvals it needs");
      const executed = await cli(["gov", "execute", proposalFile, "--json"], {
        ...env,
        CROSSPROOF_PRIVATE_KEY: devKey(11),
      });
      expect(executed.code, executed.stderr).to.equal(0);
      const shown = await run("gov", "show", String(proposed.json.proposalId));
      expect(shown.stdout).to.contain("status      executed");
      // One approval by file; the executing member (account 11) was the second.
      expect(shown.stdout).to.match(
        /approvals {3}1 of 2: 0x[0-9a-fA-F]{40}, and the member who executed it\n/,
      );
      const issuer = await run("issuer", "show", second, "--json");
      expect(issuer.json.status).to.equal("recognized");
    });

    itOnce(
      "says in one line what is wrong with a proposal, before sending any transaction",
      async function () {
        const member = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(10) };
        const unknown = await cli(["gov", "propose", "issuer-crown", ISSUER], member);
        expect(unknown.code).to.equal(2);
        expect(unknown.stderr).to.contain('Unknown or missing proposal action "issuer-crown"');
        const badAddress = await cli(["gov", "propose", "issuer-recognize", "0x1234"], member);
        expect(badAddress.code).to.equal(2);
        expect(badAddress.stderr).to.contain("<issuer> must be a 0x address");
        const future = await cli(
          ["gov", "propose", "issuer-suspend", ISSUER, "--from", "2999-01-01"],
          member,
        );
        expect(future.code).to.equal(2);
        expect(future.stderr).to.contain("is after the chain's current time");
        const stranger = await run("gov", "propose", "issuer-suspend", ISSUER);
        expect(stranger.code).to.equal(1);
        expect(stranger.stderr).to.contain("NotCommitteeMember");
        const accredit = await run("schema", "accredit", SCHEMA, "--issuer", ISSUER);
        expect(accredit.code).to.equal(2);
        expect(accredit.stderr).to.contain("gov propose schema-grant");
        // A call the committee could not make now, with nothing queued before it, would hold up every
        // later proposal: refused before anything is sent, in the contract's (or the Safe's) words.
        const before = (await run("gov", "list", "--json")).stdout;
        const ungrantable = await cli(["gov", "propose", "schema-grant", ISSUER, "no.such-kind@1"], member);
        expect(ungrantable.code, ungrantable.stderr).to.equal(2);
        expect(ungrantable.stderr)
          .to.contain("gov propose schema-grant: executed now, the committee's call would be refused:")
          .and.contain("nothing was proposed");
        const noThreshold = await cli(["gov", "propose", "threshold", "0"], member);
        expect(noThreshold.code).to.equal(2);
        expect(noThreshold.stderr).to.contain("would be refused: The threshold must be at least 1.");
        const committee = JSON.parse(
          await readFile(join(chain!.deploymentsDir, `${chainId}.json`), "utf8"),
        ) as {
          contracts: { Committee: string };
        };
        const lockout = await cli(
          ["gov", "propose", "role-revoke", "admin", committee.contracts.Committee],
          member,
        );
        expect(lockout.code).to.equal(2);
        expect(lockout.stderr).to.contain("the committee would no longer administer the consortium");
        // Free text where a URI belongs (it would be on chain for good), and a name with a line break.
        const textAsUri = await cli(
          [
            "gov",
            "propose",
            "schema-register",
            "--name",
            "lab.result",
            "--version",
            "1.0",
            "--uri",
            "patient Jane Doe",
          ],
          member,
        );
        expect(textAsUri.code).to.equal(2);
        expect(textAsUri.stderr).to.contain("--uri patient Jane Doe is not an absolute URI");
        const brokenName = await cli(
          [
            "gov",
            "propose",
            "schema-register",
            "--name",
            "lab\nresult",
            "--version",
            "1.0",
            "--uri",
            "https://x.example/s",
          ],
          member,
        );
        expect(brokenName.code).to.equal(2);
        expect(brokenName.stderr).to.contain("--name lab\\nresult must be plain text");
        const batchTextUri = await run(
          "anchor",
          dir,
          "--schema",
          SCHEMA,
          "--batch",
          "--uri",
          "results of J. Doe",
        );
        expect(batchTextUri.code).to.equal(2);
        expect(batchTextUri.stderr).to.contain("--uri results of J. Doe is not an absolute URI");
        expect((await run("gov", "list", "--json")).stdout, "no proposal was submitted").to.equal(before);
        for (const result of [
          unknown,
          badAddress,
          future,
          stranger,
          accredit,
          ungrantable,
          noThreshold,
          lockout,
          textAsUri,
          brokenName,
          batchTextUri,
        ]) {
          expect(result.stderr).not.to.match(/\n\s+at /);
        }
      },
    );

    it("anchors a document, verifies it valid, and reports a flipped byte as mismatch", async function () {
      const file = join(dir, "test-report.txt");
      // Readable by its owner only: so is its package, which holds the salt.
      await writeFile(file, "PCR test: negative\n", { mode: 0o600 });
      const anchored = await run("anchor", file, "--schema", SCHEMA, "--json");
      expect(anchored.code, anchored.stderr).to.equal(0);
      const dataPackage = JSON.parse(await readFile(`${file}.proof.json`, "utf8")) as Record<string, unknown>;
      expect(dataPackage.issuer).to.equal(ISSUER);
      expect((await stat(`${file}.proof.json`)).mode & 0o777).to.equal(0o600);

      const valid = await run("verify", file, "--json");
      expect(valid.code, valid.stderr).to.equal(0);
      expect(valid.json.status).to.equal("valid");

      const bytes = await readFile(file);
      bytes[0] = bytes[0]! ^ 0x01;
      await writeFile(file, bytes);
      const tampered = await run("verify", file, "--json");
      expect(tampered.code).to.equal(1);
      expect(tampered.json.status).to.equal("mismatch");
    });

    it("reports revoked after the issuer revokes", async function () {
      const file = join(dir, "to-revoke.txt");
      await writeFile(file, "record to revoke");
      expect((await run("anchor", file, "--schema", SCHEMA)).code).to.equal(0);
      const revoked = await run("revoke", file, "--reason", "issued-in-error");
      expect(revoked.code, revoked.stderr).to.equal(0);
      const result = await run("verify", file, "--json");
      expect(result.code).to.equal(1);
      expect(result.json.status).to.equal("revoked");
      expect(result.json.revocationReason).to.equal(2);
      expect(revoked.stdout).to.contain("(issued-in-error)");
      // Its schema is not reinstatable: the contract's refusal, in words.
      const refused = await run("reinstate", file);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain("The schema does not allow reinstatement");
    });

    it("reinstates a revoked document of a reinstatable schema, single or in a batch", async function () {
      const file = join(dir, "record.txt");
      await writeFile(file, "medical record revoked in error");
      expect((await run("anchor", file, "--schema", REINSTATABLE_SCHEMA)).code).to.equal(0);
      expect((await run("revoke", file, "--reason", "issued-in-error")).code).to.equal(0);
      const reinstated = await run("reinstate", file, "--json");
      expect(reinstated.code, reinstated.stderr).to.equal(0);
      expect((await run("verify", file, "--json")).json.status).to.equal("valid");
      const again = await run("reinstate", file);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain("The record is not revoked: there is nothing to reinstate");

      const batchDir = join(dir, "records");
      await mkdir(batchDir);
      for (let i = 0; i < 3; i++) await writeFile(join(batchDir, `record-${i}.txt`), `record ${i}`);
      expect((await run("anchor", batchDir, "--schema", REINSTATABLE_SCHEMA, "--batch")).code).to.equal(0);
      const leaf = join(batchDir, "record-1.txt");
      expect((await run("revoke", leaf, "--reason", "withdrawn")).code).to.equal(0);
      expect((await run("verify", leaf, "--json")).json.status).to.equal("revoked");
      expect((await run("reinstate", leaf)).code).to.equal(0);
      expect((await run("verify", leaf, "--json")).json.status).to.equal("valid");
    });

    itOnce(
      "refuses to revoke through a package of another deployment, or a malformed fingerprint",
      async function () {
        const file = join(dir, "elsewhere.txt");
        await writeFile(file, "anchored here, package edited");
        expect((await run("anchor", file, "--schema", SCHEMA)).code).to.equal(0);
        const packagePath = `${file}.proof.json`;
        const dataPackage = JSON.parse(await readFile(packagePath, "utf8")) as { registry: string };
        dataPackage.registry = "0x0000000000000000000000000000000000000004";
        const edited = join(dir, "elsewhere-edited.proof.json");
        await writeFile(edited, JSON.stringify(dataPackage));
        const refused = await run("revoke", file, "--package", edited, "--reason", "other");
        expect(refused.code).to.equal(2);
        expect(refused.stderr).to.contain(
          "names the fingerprint registry 0x0000000000000000000000000000000000000004, but this deployment's is",
        );
        expect((await run("verify", file, "--json")).json.status).to.equal("valid");
        const short = await run("revoke", "0x1234", "--reason", "other");
        expect(short.code).to.equal(2);
        expect(short.stderr).to.contain("0x1234 is not a fingerprint (0x and 64 hex digits)");
        const prototypeName = await run("revoke", file, "--reason", "constructor");
        expect(prototypeName.code).to.equal(2);
        expect(prototypeName.stderr).to.contain("--reason constructor is not a reason");
      },
    );

    it("reports expired once the chain passes the expiry", async function () {
      const file = join(dir, "expiring.txt");
      await writeFile(file, "valid for one day");
      const block = (await chain!.rpc("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
      const expires = new Date((Number(block.timestamp) + 86_400) * 1000).toISOString();
      expect((await run("anchor", file, "--schema", SCHEMA, "--expires", expires)).code).to.equal(0);
      expect((await run("verify", file)).code).to.equal(0);
      await chain!.rpc("evm_increaseTime", [2 * 86_400]);
      await chain!.rpc("evm_mine", []);
      const result = await run("verify", file, "--json");
      expect(result.code).to.equal(1);
      expect(result.json.status).to.equal("expired");
    });

    it("anchors a directory as one Merkle batch; every leaf verifies, a revoked leaf and a bad proof do not", async function () {
      const batchDir = join(dir, "batch");
      await mkdir(batchDir);
      for (let i = 0; i < 5; i++) await writeFile(join(batchDir, `doc-${i}.txt`), `document ${i}`);
      // What a package write killed before its rename leaves behind is not a document.
      await writeFile(join(batchDir, "doc-0.txt.proof.json.4242.tmp"), "{");
      const anchored = await run("anchor", batchDir, "--schema", SCHEMA, "--batch", "--json");
      expect(anchored.code, anchored.stderr).to.equal(0);
      expect(anchored.json.leafCount).to.equal(5);
      for (let i = 0; i < 5; i++) {
        const result = await run("verify", join(batchDir, `doc-${i}.txt`), "--json");
        expect(result.json.status, `doc-${i}`).to.equal("valid");
      }
      expect((await run("revoke", join(batchDir, "doc-1.txt"), "--reason", "superseded")).code).to.equal(0);
      expect((await run("verify", join(batchDir, "doc-1.txt"), "--json")).json.status).to.equal("revoked");
      expect((await run("verify", join(batchDir, "doc-0.txt"), "--json")).json.status).to.equal("valid");

      const packagePath = join(batchDir, "doc-2.txt.proof.json");
      const dataPackage = JSON.parse(await readFile(packagePath, "utf8")) as { anchor: { proof: string[] } };
      dataPackage.anchor.proof[0] = `0x${"ab".repeat(32)}`;
      await writeFile(packagePath, JSON.stringify(dataPackage));
      const badProof = await run("verify", join(batchDir, "doc-2.txt"), "--json");
      expect(badProof.code).to.equal(1);
      expect(badProof.json.status).to.equal("bad-proof");
      // A bad proof has no record to show: no zero issuer, schema or "anchored at never".
      const badProofText = await run("verify", join(batchDir, "doc-2.txt"));
      expect(badProofText.stdout).to.match(/^BAD-PROOF {2}/);
      expect(badProofText.stdout).not.to.contain("issuer");
    });

    itOnce(
      "anchors a batch big enough for worker threads, listed in a file; its leaves verify",
      async function () {
        // From the bundle: the worker is a file of its own there (scripts/build-cli.ts).
        await ensureCliBundle();
        expect(availableParallelism(), "this test needs two cores to start workers").to.be.at.least(2);
        const bigDir = join(dir, "big-batch");
        await mkdir(bigDir);
        const names = Array.from({ length: PARALLEL_THRESHOLD }, (_, i) => `bill-${i}.txt`);
        for (let i = 0; i < names.length; i += 512)
          await Promise.all(
            names.slice(i, i + 512).map((name, j) => writeFile(join(bigDir, name), `bill ${i + j}`)),
          );
        const list = join(dir, "big-batch.txt");
        await writeFile(list, names.map((name) => `big-batch/${name}\n`).join(""));
        // In the batch's directory: its journal (32,768 salts, kept if the run fails) goes there, not
        // into the project, nor where the pause test looks for one.
        const anchored = await cli(["anchor", "--list", list, "--schema", SCHEMA, "--batch", "--json"], env, {
          cwd: bigDir,
        });
        expect(anchored.code, anchored.stderr).to.equal(0);
        expect(anchored.json.leafCount).to.equal(PARALLEL_THRESHOLD);
        for (const name of [names[0]!, names.at(-1)!]) {
          const verified = await run("verify", join(bigDir, name), "--json");
          expect(verified.json.status, name).to.equal("valid");
        }
      },
    );

    /** Documents, their journal (as `anchor` writes it before sending) and a wallet, as if the CLI had died. */
    async function interruptedAnchor(name: string, batch: boolean) {
      const resumeDir = join(dir, name);
      await mkdir(resumeDir);
      const files = [0, 1, 2].map((i) => join(resumeDir, `scan-${i}.txt`));
      const items = await Promise.all(
        files.map(async (file, i) => {
          await writeFile(file, `${name} ${i}`);
          const salt = randomSalt();
          const documentHash = hashDocument(Buffer.from(`${name} ${i}`));
          return { file, salt, fingerprint: computeFingerprint({ documentHash, salt }) };
        }),
      );
      const manifest = JSON.parse(await readFile(join(chain!.deploymentsDir, `${chainId}.json`), "utf8")) as {
        contracts: { FingerprintRegistry: Hex };
      };
      const journal = join(resumeDir, "interrupted.ndjson");
      await writeJournal(
        journal,
        {
          type: "crossproof.anchor-journal",
          version: 1,
          chainId,
          registry: manifest.contracts.FingerprintRegistry,
          issuer: ISSUER,
          schemaId: schemaIdOf({ name: "health.test-report", version: "1.0" }),
          expiresAt: 0,
          batch,
          createdAt: new Date().toISOString(),
        },
        items,
      );
      const wallet = createWalletClient({
        account: privateKeyToAccount(DEV_KEYS[0]),
        transport: http(chain!.rpcUrl),
        chain: defineChain({
          id: chainId,
          name: "test chain",
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [chain!.rpcUrl] } },
        }),
      });
      return { files, items, journal, wallet, fingerprintRegistry: manifest.contracts.FingerprintRegistry };
    }

    async function packageTransaction(file: string): Promise<string> {
      const dataPackage = JSON.parse(await readFile(`${file}.proof.json`, "utf8")) as {
        anchor: { transactionHash: string };
      };
      return dataPackage.anchor.transactionHash;
    }

    it("resumes an interrupted batch from its journal without anchoring twice", async function () {
      const { files, items, journal, wallet, fingerprintRegistry } = await interruptedAnchor(
        "resume-batch",
        true,
      );
      // The process "died" after its transaction landed: the root is on chain, no package exists.
      const tree = buildMerkleTree(items.map((item) => item.fingerprint));
      const { transactionHash } = await anchorBatch(wallet, {
        fingerprintRegistry,
        root: merkleRoot(tree),
        leafCount: 3,
        schemaIndex: 1,
      });
      const resumed = await run("anchor", "--resume", journal, "--json");
      expect(resumed.code, resumed.stderr).to.equal(0);
      expect(resumed.json.root).to.equal(merkleRoot(tree));
      for (const file of files) {
        expect(await packageTransaction(file)).to.equal(transactionHash);
        expect((await run("verify", file, "--json")).json.status).to.equal("valid");
      }
      expect(existsSync(journal), "journal removed once every package is written").to.equal(false);
    });

    it("resumes interrupted single anchors: packages for what landed, anchors for what did not", async function () {
      const { files, items, journal, wallet, fingerprintRegistry } = await interruptedAnchor(
        "resume-many",
        false,
      );
      // The first chunk landed (two documents), the third document's transaction never went out.
      const { transactionHash } = await anchorFingerprints(wallet, {
        fingerprintRegistry,
        fingerprints: [items[0]!.fingerprint, items[1]!.fingerprint],
        schemaIndex: 1,
      });
      const resumed = await run("anchor", "--resume", journal);
      expect(resumed.code, resumed.stderr).to.equal(0);
      // What landed earlier gets its package and a line saying so; what did not, an anchor.
      expect(
        resumed.stdout.split("\n").filter((line) => line.startsWith("Wrote the package of ")),
      ).to.have.length(2);
      expect(resumed.stdout).to.contain(`anchored earlier as ${items[0]!.fingerprint} (${transactionHash}).`);
      expect(resumed.stdout).to.contain(`Anchored ${files[2]!} as ${items[2]!.fingerprint}`);
      expect(await packageTransaction(files[0]!)).to.equal(transactionHash);
      expect(await packageTransaction(files[1]!)).to.equal(transactionHash);
      expect(await packageTransaction(files[2]!)).not.to.equal(transactionHash);
      for (const file of files) expect((await run("verify", file, "--json")).json.status).to.equal("valid");
      expect(existsSync(journal)).to.equal(false);
    });

    itOnce("refuses a package that points at a registry other than this chain's", async function () {
      const file = join(dir, "forged.txt");
      await writeFile(file, "forged");
      expect((await run("anchor", file, "--schema", SCHEMA)).code).to.equal(0);
      const packagePath = `${file}.proof.json`;
      const dataPackage = JSON.parse(await readFile(packagePath, "utf8")) as { registry: string };
      dataPackage.registry = `0x${"12".repeat(20)}`;
      await writeFile(packagePath, JSON.stringify(dataPackage));
      const result = await run("verify", file);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain("which is not this chain's Crossproof registry");
    });

    itOnce("refuses a package made for another chain", async function () {
      const file = join(dir, "other-chain.txt");
      await writeFile(file, "made elsewhere");
      expect((await run("anchor", file, "--schema", SCHEMA)).code).to.equal(0);
      const packagePath = `${file}.proof.json`;
      const dataPackage = JSON.parse(await readFile(packagePath, "utf8")) as { chainId: number };
      dataPackage.chainId = 4242;
      await writeFile(packagePath, JSON.stringify(dataPackage));
      const result = await run("verify", file);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.equal(
        `crossproof: The data package is for chain 4242, but the RPC endpoint serves chain ${chainId}.`,
      );
    });

    itOnce("refuses an unknown schema with exit 2 and a hint", async function () {
      const file = join(dir, "unknown-schema.txt");
      await writeFile(file, "x");
      const result = await run("anchor", file, "--schema", "no.such-schema@9");
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain("Schema no.such-schema@9 (0x");
      expect(result.stderr).to.contain("is not registered on this chain");
      expect(result.stderr).not.to.contain("    at ");
      // Nor does a consent check answer "no" for a schema that does not exist: a typo is bad input.
      const check = await run(
        "consent",
        "check",
        "--owner",
        ISSUER,
        "--grantee",
        ISSUER,
        "--purpose",
        "credit-report",
        "--schema",
        "no.such-schema@9",
      );
      expect(check.code, check.stdout).to.equal(2);
      expect(check.stderr).to.contain("Schema no.such-schema@9 (0x");
    });

    itOnce("rejects a malformed package with exit 2 naming the field", async function () {
      const file = join(dir, "malformed.txt");
      await writeFile(file, "y");
      await writeFile(
        `${file}.proof.json`,
        JSON.stringify({ type: "crossproof.data-package", version: 1, salt: "0x12" }),
      );
      const result = await run("verify", file);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/is not a valid data package: field "chainId"/);
    });

    itOnce("refuses a manifest written for another chain, in one line", async function () {
      const manifestPath = join(chain!.deploymentsDir, `${chainId}.json`);
      const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { chainId: number };
      const otherPath = join(dir, "other-chain.json");
      await writeFile(otherPath, JSON.stringify({ ...manifest, chainId: 4242 }));
      const result = await run("schema", "list", "--manifest", otherPath);
      expect(result.code).to.equal(2);
      expect(result.stderr.trim()).to.equal(
        `crossproof: ${otherPath} is for chain 4242, but the RPC endpoint serves chain ${chainId}. Use the manifest of chain ${chainId} or point --rpc at chain 4242.`,
      );
    });

    itOnce("names a mistyped option, a missing value and a foreign manifest in our words", async function () {
      const typo = await run("anchor", "x.txt", "--expire", "2027-01-01");
      expect(typo.code).to.equal(2);
      expect(typo.stderr.trim()).to.equal(
        "crossproof: Unknown option --expire. See `crossproof anchor --help`.",
      );
      const missing = await run("anchor", "x.txt", "--schema");
      expect(missing.stderr).to.contain("Option --schema needs a value.");
      const dashed = await run("schema", "list", "--limit", "-5");
      expect(dashed.stderr).to.contain('Option --limit is followed by a value starting with "-"');
      const topic = await run("help", "reinstate");
      expect(topic.code).to.equal(0);
      expect(topic.stdout).to.contain("Usage: crossproof reinstate <file|fingerprint>");
      const notManifest = join(dir, "not-a-manifest.json");
      await writeFile(notManifest, JSON.stringify({ type: "crossproof.data-package", version: 1 }));
      const foreign = await run("schema", "list", "--manifest", notManifest);
      expect(foreign.code).to.equal(2);
      expect(foreign.stderr).to.contain(
        "is not a Crossproof deployment manifest (it is a crossproof.data-package file)",
      );
    });

    itOnce("asks for a key when a command must sign", async function () {
      const file = join(dir, "nokey.txt");
      await writeFile(file, "z");
      const result = await cli(["anchor", file, "--schema", SCHEMA], { ...env, CROSSPROOF_PRIVATE_KEY: "" });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.contain("pass --key or set CROSSPROOF_PRIVATE_KEY");
    });

    it("refuses to anchor as an unaccredited issuer before hashing or journalling anything", async function () {
      const workDir = await mkdtemp(join(tmpdir(), "crossproof-unaccredited-"));
      const file = join(workDir, "unaccredited.txt");
      await writeFile(file, "w");
      for (const batch of [[], ["--batch"]]) {
        const result = await runCli(
          ["anchor", file, "--schema", SCHEMA, ...batch],
          { ...env, CROSSPROOF_PRIVATE_KEY: DEV_KEYS[1] },
          { cwd: workDir },
        );
        expect(result.code, result.stderr).to.equal(1);
        // The custom error's NatSpec notice, with its arguments, then its name.
        expect(result.stderr)
          .to.contain("was rejected by the contract: The caller is not accredited for the schema")
          .and.contain("[IssuerNotAccredited]");
        // No journal of salts left behind, no package written.
        expect(existsSync(join(workDir, ".crossproof")), "journal directory").to.equal(false);
        expect(existsSync(`${file}.proof.json`)).to.equal(false);
      }
      await rm(workDir, { recursive: true, force: true });
    });

    itOnce(
      "refuses registry-pause and registry-unpause with --schedule: the pauser role acts without delay",
      async function () {
        const member = { ...env, CROSSPROOF_PRIVATE_KEY: devKey(10) };
        const before = (await run("gov", "list", "--json")).stdout;
        for (const kind of ["registry-pause", "registry-unpause"]) {
          const scheduled = await cli(["gov", "propose", kind, "--schedule"], member);
          expect(scheduled.code, kind).to.equal(2);
          expect(scheduled.stderr).to.equal(
            `crossproof: gov propose ${kind} takes no --schedule: the committee's pauser role acts without an execution delay, so the AccessManager refuses to schedule it. Propose it without --schedule; it executes as soon as enough members approve.\n`,
          );
        }
        // Refused before anything was sent: no proposal holds a Safe nonce.
        expect((await run("gov", "list", "--json")).stdout).to.equal(before);
      },
    );

    itOnce(
      "refuses --schedule for a change whose role the committee does not hold, naming the role",
      async function () {
        const member = (index: number) => ({ ...env, CROSSPROOF_PRIVATE_KEY: devKey(index) });
        const committee = (await run("gov", "status", "--json")).json.committee as string;
        const decide = async (...proposal: string[]) => {
          const proposed = await cli(["gov", "propose", ...proposal, "--json"], member(10));
          expect(proposed.code, proposed.stderr).to.equal(0);
          const executed = await cli(
            ["gov", "execute", String(proposed.json.proposalId), "--json"],
            member(11),
          );
          expect(executed.code, executed.stderr).to.equal(0);
          expect(executed.json.status).to.equal("executed");
        };
        // The committee, as the AccessManager's admin, revokes its own pauser role.
        await decide("role-revoke", "pauser", committee);
        const before = (await run("gov", "list", "--json")).stdout;
        const refused = await cli(["gov", "propose", "registry-pause", "--schedule"], member(10));
        const after = (await run("gov", "list", "--json")).stdout;
        // Following the refusal's advice restores the role (and the chain for the tests that follow).
        await decide("role-grant", "pauser", committee);
        const restored = await cli(["gov", "propose", "registry-pause", "--schedule"], member(10));

        expect(refused.code).to.equal(2);
        expect(refused.stderr).to.equal(
          `crossproof: gov propose registry-pause: the committee does not hold the pauser role, so neither the call nor a schedule of it can execute. Grant it first: gov propose role-grant pauser ${committee}.\n`,
        );
        expect(after, "refused before anything was sent").to.equal(before);
        expect(restored.code).to.equal(2);
        expect(restored.stderr).to.contain("takes no --schedule: the committee's pauser role acts without");
      },
    );

    itOnce(
      "pauses the registry by committee decision: anchor and revoke refuse, verify works, unpause resumes",
      async function () {
        const member = (index: number) => ({ ...env, CROSSPROOF_PRIVATE_KEY: devKey(index) });
        const paused =
          "The fingerprint registry is paused by the consortium committee: no anchoring, revocation or reinstatement until it is unpaused; verification still works.";
        const earlier = join(dir, "before-the-pause.txt");
        await writeFile(earlier, "anchored before the pause");
        expect((await run("anchor", earlier, "--schema", SCHEMA)).code).to.equal(0);

        const running = await run("gov", "status", "--json");
        expect(running.code, running.stderr).to.equal(0);
        const registry = (running.json.fingerprintRegistry as { address: string }).address;
        const committee = running.json.committee as string;
        expect(running.json).to.deep.include({
          threshold: 2,
          fingerprintRegistry: { address: registry, paused: false },
        });
        expect(running.json.members).to.have.length(3);
        expect((await run("gov", "status")).stdout).to.contain(
          `Fingerprint registry ${registry}\n  The fingerprint registry is running: issuers anchor, revoke and reinstate.\n`,
        );

        // Interrupted anchors whose transactions landed before the pause: all of them (singles, a
        // batch) or some (two of three singles).
        const landedSingles = await interruptedAnchor("landed-before-pause", false);
        const { transactionHash: singlesTransaction } = await anchorFingerprints(landedSingles.wallet, {
          fingerprintRegistry: landedSingles.fingerprintRegistry,
          fingerprints: landedSingles.items.map((item) => item.fingerprint),
          schemaIndex: 1,
        });
        const landedBatch = await interruptedAnchor("batch-landed-before-pause", true);
        const batchRoot = merkleRoot(buildMerkleTree(landedBatch.items.map((item) => item.fingerprint)));
        const { transactionHash: batchTransaction } = await anchorBatch(landedBatch.wallet, {
          fingerprintRegistry: landedBatch.fingerprintRegistry,
          root: batchRoot,
          leafCount: 3,
          schemaIndex: 1,
        });
        const partlyLanded = await interruptedAnchor("partly-landed-before-pause", false);
        const { transactionHash: partlyTransaction } = await anchorFingerprints(partlyLanded.wallet, {
          fingerprintRegistry: partlyLanded.fingerprintRegistry,
          fingerprints: [partlyLanded.items[0]!.fingerprint, partlyLanded.items[1]!.fingerprint],
          schemaIndex: 1,
        });

        // Proposed by one member (not approving), approved by a second, executed by a third.
        const proposed = await cli(
          ["gov", "propose", "registry-pause", "--no-approve", "--json"],
          member(10),
        );
        expect(proposed.code, proposed.stderr).to.equal(0);
        expect(proposed.stderr).to.equal("");
        expect(proposed.json).to.deep.include({
          to: registry,
          data: "0x8456cb59",
          description:
            "Pause the fingerprint registry: no anchoring, revocation or reinstatement until it is unpaused; verification still works",
        });
        const proposalId = String(proposed.json.proposalId);
        const approved = await cli(["gov", "approve", proposalId, "--json"], member(11));
        expect(approved.code, approved.stderr).to.equal(0);
        const executed = await cli(["gov", "execute", proposalId, "--json"], member(12));
        expect(executed.code, executed.stderr).to.equal(0);
        expect(executed.json.status).to.equal("executed");

        const status = await run("gov", "status", "--json");
        expect(status.json.fingerprintRegistry).to.deep.equal({ address: registry, paused: true });
        expect((await run("gov", "status")).stdout).to.contain(
          `Fingerprint registry ${registry}\n  ${paused}\n  The committee unpauses it with \`crossproof gov propose registry-unpause\`.\n`,
        );

        // anchor refuses in one line, before hashing or journaling anything (run where a journal would go).
        const during = join(dir, "during-the-pause.txt");
        await writeFile(during, "sent while paused");
        const refused = await runCli(["anchor", during, "--schema", SCHEMA], env, { cwd: dir });
        // Exit 1, as for any refusal by the chain (2 is bad input): nothing wrong with the command.
        const refusedMessage = `${paused} Nothing was sent: run the command again once the committee unpauses the registry (see \`crossproof gov status\`).`;
        expect(refused.code).to.equal(1);
        expect(refused.stderr).to.equal(`crossproof: ${refusedMessage}\n`);
        expect(existsSync(`${during}.proof.json`)).to.equal(false);
        expect(existsSync(join(dir, ".crossproof")), "an anchor journal was written").to.equal(false);
        const refusedJson = await run("anchor", during, "--schema", SCHEMA, "--json");
        expect(refusedJson.code).to.equal(1);
        expect(refusedJson.json).to.deep.equal({
          error: { code: "registry-paused", message: refusedMessage },
        });

        // anchor --resume with something left to send (nothing or only part landed) refuses the same
        // way, before writing any package, and keeps the journal for a --resume after the pause.
        const interrupted = await interruptedAnchor("resume-while-paused", false);
        for (const unsent of [interrupted, partlyLanded]) {
          const resumeRefused = await run("anchor", "--resume", unsent.journal);
          expect(resumeRefused.code).to.equal(1);
          expect(resumeRefused.stderr).to.equal(
            `crossproof: ${paused} Nothing was sent, and the journal ${unsent.journal} is kept: once the committee unpauses the registry (see \`crossproof gov status\`), continue this anchoring with \`crossproof anchor --resume ${unsent.journal}\`.\n`,
          );
          expect(existsSync(unsent.journal), "the journal was kept").to.equal(true);
          expect(
            unsent.files.some((file) => existsSync(`${file}.proof.json`)),
            "a package was written while something is left to send",
          ).to.equal(false);
        }

        // With nothing left to send, it sends nothing: it writes the packages of the transactions that
        // landed before the pause and removes the journal, as any completed anchor does.
        for (const [landed, transactionHash] of [
          [landedSingles, singlesTransaction],
          [landedBatch, batchTransaction],
        ] as const) {
          const resumed = await run("anchor", "--resume", landed.journal, "--json");
          expect(resumed.code, resumed.stderr).to.equal(0);
          expect(resumed.json.count).to.equal(3);
          expect(existsSync(landed.journal), "journal removed once every package is written").to.equal(false);
          for (const file of landed.files) {
            expect(await packageTransaction(file)).to.equal(transactionHash);
            expect((await run("verify", file, "--json")).json.status, file).to.equal("valid");
          }
        }

        // revoke: the contract itself rejects it with the same sentence.
        const revoke = await run("revoke", earlier, "--reason", "superseded");
        expect(revoke.code).to.equal(1);
        expect(revoke.stderr.trim()).to.equal(
          `crossproof: revoke was rejected by the contract: ${paused.replace(/\.$/, "")} [EnforcedPause].`,
        );

        // Verification is unaffected.
        const verified = await run("verify", earlier, "--json");
        expect(verified.code, verified.stderr).to.equal(0);
        expect(verified.json.status).to.equal("valid");

        // A second pause would revert: proposed as an alternative to the unpause (same nonce), it says so.
        const unpause = await cli(["gov", "propose", "registry-unpause", "--json"], member(10));
        expect(unpause.code, unpause.stderr).to.equal(0);
        expect(unpause.stderr).to.equal("");
        expect(unpause.json.data).to.equal("0x3f4ba83a");
        const repeat = await cli(
          ["gov", "propose", "registry-pause", "--nonce", String(unpause.json.nonce), "--json"],
          member(11),
        );
        expect(repeat.code, repeat.stderr).to.equal(0);
        expect(repeat.stderr.trim()).to.equal(
          "Note: the fingerprint registry is paused already: this proposal will revert (EnforcedPause) unless an unpause executes first.",
        );
        const resumed = await cli(["gov", "execute", String(unpause.json.proposalId), "--json"], member(12));
        expect(resumed.code, resumed.stderr).to.equal(0);
        expect((await run("gov", "show", String(repeat.json.proposalId), "--json")).json.status).to.equal(
          "superseded",
        );
        expect((await run("gov", "status", "--json")).json.fingerprintRegistry).to.deep.equal({
          address: registry,
          paused: false,
        });
        // An unpause of a running registry would execute next and never succeed, holding up every
        // later proposal (a pause included): refused, nothing proposed.
        const stuck = await cli(["gov", "propose", "registry-unpause"], member(10));
        expect(stuck.code).to.equal(2);
        expect(stuck.stderr).to.contain(
          "gov propose registry-unpause: the fingerprint registry is not paused: this proposal will revert (ExpectedPause) unless a pause executes first. It would execute next",
        );

        const after = await run("anchor", during, "--schema", SCHEMA, "--json");
        expect(after.code, after.stderr).to.equal(0);
        expect((await run("verify", during, "--json")).json.status).to.equal("valid");
        for (const unsent of [interrupted, partlyLanded]) {
          const resumedAnchor = await run("anchor", "--resume", unsent.journal, "--json");
          expect(resumedAnchor.code, resumedAnchor.stderr).to.equal(0);
          expect(existsSync(unsent.journal), "journal removed once every package is written").to.equal(false);
          for (const file of unsent.files)
            expect((await run("verify", file, "--json")).json.status, file).to.equal("valid");
        }
        expect(await packageTransaction(partlyLanded.files[0]!)).to.equal(partlyTransaction);
        expect(await packageTransaction(partlyLanded.files[2]!)).not.to.equal(partlyTransaction);

        // The audit index records both, by the committee, about the registry.
        const db = join(dir, "audit.sqlite");
        const synced = await run("audit", "sync", "--db", db, "--json");
        expect(synced.code, synced.stderr).to.equal(0);
        const events = await run(
          "audit",
          "events",
          "--db",
          db,
          "--contract",
          "FingerprintRegistry",
          "--actor",
          committee,
          "--json",
        );
        expect(events.code, events.stderr).to.equal(0);
        const trail = (
          events.json as { events: { event: string; actor: string; subject: string; args: unknown }[] }
        ).events;
        expect(trail.map((event) => [event.event, event.actor, event.subject, event.args])).to.deep.equal([
          ["Paused", committee.toLowerCase(), registry.toLowerCase(), { account: committee }],
          ["Unpaused", committee.toLowerCase(), registry.toLowerCase(), { account: committee }],
        ]);
      },
    );
  });
}

describe("crossproof CLI on a chain without fees (anvil, zero gas price)", function () {
  let chain: DeployedChain | undefined;

  before(async function () {
    chain = await startDeployedChain("anvil", 31_403, { zeroGasPrice: true });
  });

  after(async function () {
    await chain?.stop();
  });

  it("sends from an account with no funds with --gas-price 0, and says so when it is missing", async function () {
    const env = {
      CROSSPROOF_RPC_URL: chain!.rpcUrl,
      CROSSPROOF_DEPLOYMENTS_DIR: chain!.deploymentsDir,
      CROSSPROOF_PRIVATE_KEY: generatePrivateKey(),
      CROSSPROOF_GAS_PRICE: undefined,
    };
    const publish = [
      "did",
      "add-service",
      "--type",
      "Inbox",
      "--endpoint",
      "https://inbox.example/a",
      "--json",
    ];
    const unpaid = await cli(publish, env);
    expect(unpaid.code).to.equal(1);
    expect(unpaid.stderr).to.contain("The chain refused");
    expect(unpaid.stderr).to.contain("--gas-price 0");
    expect(unpaid.stderr).not.to.match(/\n\s+at /);
    const free = await cli([...publish, "--gas-price", "0"], env);
    expect(free.code, free.stderr).to.equal(0);
    const viaEnv = await cli(
      ["did", "add-service", "--type", "Inbox", "--endpoint", "https://inbox.example/b"],
      { ...env, CROSSPROOF_GAS_PRICE: "0" },
    );
    expect(viaEnv.code, viaEnv.stderr).to.equal(0);
    const bad = await cli([...publish, "--gas-price", "cheap"], env);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("--gas-price cheap is not a whole number of wei");
  });
});

describe("crossproof CLI without a chain", function () {
  it("exits 3 when the chain is unreachable", async function () {
    const dir = await mkdtemp(join(tmpdir(), "crossproof-down-"));
    try {
      const file = join(dir, "doc.txt");
      await writeFile(file, "doc");
      await writeFile(
        `${file}.proof.json`,
        JSON.stringify({
          type: "crossproof.data-package",
          version: 1,
          chainId: 1337,
          registry: `0x${"11".repeat(20)}`,
          schemaId: `0x${"22".repeat(32)}`,
          issuer: `0x${"33".repeat(20)}`,
          salt: `0x${"44".repeat(32)}`,
          fingerprint: `0x${"55".repeat(32)}`,
          expiresAt: 0,
          anchor: { kind: "single", transactionHash: `0x${"66".repeat(32)}`, blockNumber: 1 },
          createdAt: new Date().toISOString(),
        }),
      );
      const port = await freePort();
      const result = await cli(["verify", file, "--rpc", `http://127.0.0.1:${port}`]);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.contain("Cannot reach the chain");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 for an unreadable document, saying why in words", async function () {
    const result = await cli(["fingerprint", "/nonexistent/file.pdf"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain("Cannot read /nonexistent/file.pdf: no such file.");
    const folder = await cli(["fingerprint", tmpdir()]);
    expect(folder.code).to.equal(2);
    expect(folder.stderr).to.contain(`Cannot read ${tmpdir()}: it is a folder; give a file.`);
    // verify reads the document and its package: a missing document is named, not its package.
    const missing = await cli(["verify", "/nonexistent/file.pdf"]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("Cannot read /nonexistent/file.pdf: no such file.");
    const dir = await mkdtemp(join(tmpdir(), "crossproof-verify-"));
    try {
      await writeFile(join(dir, "a.txt"), "hello world");
      const noPackage = await cli(["verify", join(dir, "a.txt")]);
      expect(noPackage.code).to.equal(2);
      expect(noPackage.stderr).to.contain(
        `Cannot read data package ${join(dir, "a.txt")}.proof.json: no such file. Pass --package <file> if it lives elsewhere.`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("prints the same fingerprint for the same document and salt", async function () {
    const salt = `0x${"07".repeat(32)}`;
    const dir = await mkdtemp(join(tmpdir(), "crossproof-fp-"));
    try {
      await writeFile(join(dir, "a.txt"), "hello world");
      const first = await cli(["fingerprint", join(dir, "a.txt"), "--salt", salt, "--json"]);
      const second = await cli(["fingerprint", join(dir, "a.txt"), "--salt", salt, "--json"]);
      expect(first.code).to.equal(0);
      expect(first.json.documentHash).to.equal(
        "0xb94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
      );
      expect(first.json.fingerprint).to.equal(second.json.fingerprint);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
