/**
 * Mutation testing of the contracts: evidence beyond coverage that the tests check each condition's
 * effect (branch coverage, `npm run coverage:branches`, only shows that each arm ran). Each mutant flips or
 * drops one condition — every operand of every `if`, `&&`, `||` and ternary that guards state or
 * a revert — and the Solidity test suite must fail on it. Runs in a scratch copy of the project, so
 * the working tree is never touched. Writes bench/results/mutants.{json,md}.
 *
 * Usage: npm run mutants  (about a minute per mutant on 2 cores)
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { PROJECT_ROOT } from "./lib/local-chain.ts";

type Mutant = { file: string; find: string; replace: string; what: string };

const FR = "contracts/fingerprints/FingerprintRegistry.sol";
const SR = "contracts/schemas/SchemaRegistry.sol";
const ML = "contracts/libraries/FingerprintMerkle.sol";

const MUTANTS: Mutant[] = [
  // accreditation
  {
    file: FR,
    find: "if (issuer == address(0)) revert InvalidIssuer();",
    replace: "",
    what: "accredit: drop zero-issuer check",
  },
  {
    file: FR,
    find: "if (current.active) revert AlreadyAccredited",
    replace: "if (false) revert AlreadyAccredited",
    what: "accredit: allow double accreditation",
  },
  {
    file: FR,
    find: "if (now32 <= window.from)",
    replace: "if (now32 < window.from)",
    what: "accredit: allow re-accreditation in the window's first second",
  },
  { file: FR, find: "window.until = now32;", replace: "", what: "accredit: do not close the window" },
  {
    file: FR,
    find: "if (!current.active) revert NotAccredited",
    replace: "if (false) revert NotAccredited",
    what: "withdraw: allow withdrawing an inactive accreditation",
  },
  {
    file: FR,
    find: "effectiveFrom > _now32() ||",
    replace: "false ||",
    what: "withdraw: allow a future effectiveFrom",
  },
  {
    file: FR,
    find: "|| effectiveFrom < current.accreditedAt",
    replace: "|| false",
    what: "withdraw: allow effectiveFrom before accreditedAt",
  },
  // anchoring
  {
    file: FR,
    find: "if (count == 0) revert EmptyFingerprintList();",
    replace: "",
    what: "anchorMany: allow an empty list",
  },
  {
    file: FR,
    find: "if or(iszero(fingerprint), sload(slot))",
    replace: "if sload(slot)",
    what: "anchorMany: allow a zero fingerprint",
  },
  {
    file: FR,
    find: "if or(iszero(fingerprint), sload(slot))",
    replace: "if iszero(fingerprint)",
    what: "anchorMany: allow overwriting",
  },
  {
    file: FR,
    find: "if (leafCount == 0) revert EmptyBatch();",
    replace: "",
    what: "anchorBatch: allow an empty batch",
  },
  {
    file: FR,
    find: "if (accreditationWord & 0xff == 0)",
    replace: "if (false)",
    what: "anchor: skip the accreditation check",
  },
  {
    file: FR,
    find: "if (block.timestamp > type(uint32).max) revert TimestampOutOfRange(block.timestamp);\n        if (expiresAt",
    replace: "if (expiresAt",
    what: "anchor: accept 64-bit timestamps",
  },
  {
    file: FR,
    find: "expiresAt != 0 && (expiresAt <= block.timestamp ||",
    replace: "expiresAt != 0 && (expiresAt < block.timestamp ||",
    what: "anchor: accept expiry == now",
  },
  {
    file: FR,
    find: "|| expiresAt > type(uint32).max)",
    replace: "|| false)",
    what: "anchor: accept expiry beyond 32 bits",
  },
  {
    file: FR,
    find: "if (key == bytes32(0)) revert ZeroFingerprint();",
    replace: "",
    what: "anchor: allow a zero fingerprint",
  },
  {
    file: FR,
    find: "if (existing != 0) revert AlreadyAnchored",
    replace: "if (false) revert AlreadyAnchored",
    what: "anchor: allow overwriting",
  },
  // revocation
  {
    file: FR,
    find: "if (!revocable) revert SchemaNotRevocable(schemaId);",
    replace: "",
    what: "revoke: ignore the schema policy",
  },
  {
    file: FR,
    find: "if (reason == 0) revert InvalidRevocationReason();",
    replace: "",
    what: "revoke: accept reason 0",
  },
  {
    file: FR,
    find: "if (revocation.revokedAt != 0) revert AlreadyRevoked(fingerprint);",
    replace: "",
    what: "revoke: allow revoking twice",
  },
  {
    file: FR,
    find: "if (supersededBy != bytes32(0)) revocation.supersededBy = supersededBy;",
    replace: "",
    what: "revoke: drop supersededBy",
  },
  {
    file: FR,
    find: "if (!reinstatable) revert SchemaNotReinstatable(schemaId);",
    replace: "",
    what: "reinstate: ignore the schema policy",
  },
  {
    file: FR,
    find: "if (_revocations[batchRoot][fingerprint].revokedAt == 0) revert NotRevoked(fingerprint);",
    replace: "",
    what: "reinstate: allow reinstating a live record",
  },
  {
    file: FR,
    find: "bytes32 key = batchRoot == bytes32(0) ? fingerprint : batchRoot;",
    replace: "bytes32 key = fingerprint;",
    what: "errors: name the fingerprint instead of the batch root",
  },
  {
    file: FR,
    find: "if (issuer != msg.sender) revert NotRecordIssuer",
    replace: "if (false) revert NotRecordIssuer",
    what: "revoke: let any issuer revoke",
  },
  {
    file: FR,
    find: "if (!_accreditations[_accreditationKey(issuer, schemaIndex)].active) {",
    replace: "if (false) {",
    what: "revoke: let a withdrawn key revoke",
  },
  {
    file: FR,
    find: "_revoke(_batches[root], root, fingerprint, reason, supersededBy);",
    replace: "_revoke(_batches[root], bytes32(0), fingerprint, reason, supersededBy);",
    what: "revokeLeaf: key the revocation by fingerprint only (squatting)",
  },
  {
    file: FR,
    find: "if (!FingerprintMerkle.verify(proof, root, fingerprint)) revert InvalidProof",
    replace: "if (false) revert InvalidProof",
    what: "revokeLeaf: skip the proof",
  },
  // verification
  {
    file: FR,
    find: "if (batch.issuer != address(0) && !FingerprintMerkle.verify",
    replace: "if (false && !FingerprintMerkle.verify",
    what: "verifyLeaf: skip the proof",
  },
  {
    file: FR,
    find: "if (revocation.revokedAt != 0) {",
    replace: "if (false) {",
    what: "verify: ignore revocations",
  },
  {
    file: FR,
    find: "} else if (_anchoredWhileUntrusted(record)) {",
    replace: "} else if (false) {",
    what: "verify: ignore untrusted windows",
  },
  {
    file: FR,
    find: "record.expiresAt != 0 && block.timestamp >= record.expiresAt",
    replace: "record.expiresAt != 0 && block.timestamp > record.expiresAt",
    what: "verify: expire one second late",
  },
  {
    file: FR,
    find: "return window.until == 0 || record.anchoredAt < window.until;",
    replace: "return window.until == 0;",
    what: "verify: closed windows never count",
  },
  {
    file: FR,
    find: "return window.until == 0 || record.anchoredAt < window.until;",
    replace: "return true;",
    what: "verify: windows never close",
  },
  {
    file: FR,
    find: "if (record.anchoredAt >= window.from)",
    replace: "if (record.anchoredAt > window.from)",
    what: "verify: window start exclusive",
  },
  // Merkle
  {
    file: ML,
    find: "return sha256(abi.encode(sha256(abi.encode(fingerprint))));",
    replace: "return sha256(abi.encode(fingerprint));",
    what: "Merkle: single-hashed leaves",
  },
  { file: ML, find: "return a < b ?", replace: "return a > b ?", what: "Merkle: reverse pair order" },
  // schemas
  { file: SR, find: "nameLength == 0 ||", replace: "false ||", what: "register: accept an empty name" },
  {
    file: SR,
    find: "|| nameLength > _MAX_NAME_LENGTH ||",
    replace: "|| false ||",
    what: "register: accept a long name",
  },
  {
    file: SR,
    find: "|| versionLength == 0 ||",
    replace: "|| false ||",
    what: "register: accept an empty version",
  },
  {
    file: SR,
    find: "|| versionLength > _MAX_NAME_LENGTH",
    replace: "|| false",
    what: "register: accept a long version",
  },
  {
    file: SR,
    find: "bytes(definition.definitionURI).length == 0 && definition.definitionHash == bytes32(0)",
    replace: "bytes(definition.definitionURI).length == 0",
    what: "register: require a URI even with a hash",
  },
  {
    file: SR,
    find: "if (definition.reinstatable && !definition.revocable)",
    replace: "if (false)",
    what: "register: allow reinstatable without revocable",
  },
  {
    file: SR,
    find: "if (_schemas[schemaId].index != 0) revert SchemaAlreadyRegistered",
    replace: "if (false) revert SchemaAlreadyRegistered",
    what: "register: allow re-registration",
  },
  {
    file: SR,
    find: "if (index == 0) revert SchemaNotFound(schemaId);",
    replace: "",
    what: "indexOf: return 0 for unknown schemas",
  },
  {
    file: SR,
    find: "if (index == 0 || index > _schemaIds.length)",
    replace: "if (index > _schemaIds.length)",
    what: "schemaIdAt: accept index 0",
  },
  {
    file: SR,
    find: "if (offset >= total) return new bytes32[](0);",
    replace: "",
    what: "schemaIds: drop the past-the-end guard (underflow)",
  },
  {
    file: SR,
    find: "total - offset < limit ? total : offset + limit",
    replace: "total - offset <= limit ? offset + limit : total",
    what: "schemaIds: wrong page end",
  },
];

const only = process.argv.slice(2).map(Number).filter(Number.isInteger);
const scratch = mkdtempSync(join(tmpdir(), "crossproof-mutants-"));
for (const path of ["contracts", "test", "ignition", "hardhat.config.ts", "package.json", "tsconfig.json"]) {
  cpSync(join(PROJECT_ROOT, path), join(scratch, path), { recursive: true });
}
symlinkSync(join(PROJECT_ROOT, "node_modules"), join(scratch, "node_modules"));
const hardhat = join(PROJECT_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const runTests = () =>
  spawnSync(process.execPath, [hardhat, "test", "solidity", "--no-typechain"], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true" },
  });

type Outcome = { id: number; what: string; file: string; killed: boolean; by: string };
const outcomes: Outcome[] = [];
try {
  const baseline = runTests();
  if (baseline.status !== 0)
    throw new Error(`The unmutated suite fails:\n${baseline.stdout}${baseline.stderr}`);
  for (const [index, mutant] of MUTANTS.entries()) {
    const id = index + 1;
    if (only.length > 0 && !only.includes(id)) continue;
    const path = join(scratch, mutant.file);
    const original = readFileSync(path, "utf8");
    if (original.split(mutant.find).length !== 2)
      throw new Error(`Mutant ${id} does not match exactly once: ${mutant.find}`);
    writeFileSync(path, original.replace(mutant.find, mutant.replace));
    try {
      const result = runTests();
      const output = `${result.stdout}${result.stderr}`;
      const failing =
        /^\s+\d+\) (\S+#\S+)/m.exec(output)?.[1] ?? (result.status === 0 ? "" : "compilation or run failure");
      outcomes.push({ id, what: mutant.what, file: mutant.file, killed: result.status !== 0, by: failing });
      console.log(
        `${result.status !== 0 ? "killed  " : "SURVIVED"} #${id} ${mutant.what}${failing ? ` — ${failing}` : ""}`,
      );
    } finally {
      writeFileSync(path, original);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const killed = outcomes.filter((outcome) => outcome.killed).length;
console.log(`${killed} of ${outcomes.length} mutants killed`);
if (only.length === 0) {
  const results = join(PROJECT_ROOT, "bench", "results");
  writeFileSync(
    join(results, "mutants.json"),
    `${JSON.stringify({ date: new Date().toISOString(), killed, total: outcomes.length, outcomes }, null, 2)}\n`,
  );
  const rows = outcomes.map(
    (o) =>
      `| ${o.id} | ${o.what} | \`${o.file.split("/").pop()}\` | ${o.killed ? "killed" : "**survived**"} | ${o.by ? `\`${o.by}\`` : "—"} |`,
  );
  writeFileSync(
    join(results, "mutants.md"),
    [
      "# Contract mutation testing",
      "",
      "Generated by `npm run mutants` (scripts/mutants.ts). Each mutant flips or drops one condition of the contracts;",
      "the Solidity test suite must fail on it. Branch coverage (`npm run coverage:branches`) shows that every arm of every",
      "condition ran; a killed mutant shows that a test notices when a condition is wrong.",
      "",
      `**${killed} of ${outcomes.length} mutants killed.**`,
      "",
      "| # | Mutation | File | Result | First failing test |",
      "| ---: | --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
}
process.exitCode = killed === outcomes.length ? 0 : 1;
