/**
 * Governance gas at the IssuerRegistry's cap: `suspend`, `reinstate` and `remove` walk every schema
 * an issuer holds (withdrawing or restoring each accreditation in the FingerprintRegistry), so their
 * cost grows with the schemas; the registry allows at most 64 per issuer (`TooManySchemas`) so that
 * each always fits one transaction. Measured as the committee sends them: a 2-of-3 Safe executing
 * a proposal through the SDK (submit, approve, execute), so each figure is the executing
 * transaction's receipt gasUsed (Safe `execTransaction`, AccessManager `restricted`, the registry's
 * walk, the events), on an in-process EDR chain (Cancun). Each figure is one transaction on an
 * issuer of its own (the same storage work on every run; calldata varies by a few gas).
 *
 * Writes bench/results/gov-gas.json. Run: `npx hardhat run bench/gov-gas.ts` (or `npm run bench -- gov-gas`).
 */
import { performance } from "node:perf_hooks";

import hre from "hardhat";
import { encodeFunctionData, keccak256, stringToHex, type Address, type Hex } from "viem";

import { schemaRegistryAbi } from "../src/sdk/abis.ts";
import { applyForRecognition, getIssuer, issuerCalls } from "../src/sdk/issuers/issuers.ts";
import { schemaIdOf, type SchemaDefinition } from "../src/sdk/schemas/schemas.ts";
import { compilerOf } from "./lib/compiler.ts";
import { deployBenchConsortium } from "./lib/consortium.ts";
import { machineInfo, writeResult, type GovGasMeasurement } from "./lib/common.ts";

/** IssuerRegistry `_MAX_SCHEMAS_PER_ISSUER` (a grant beyond it reverts with `TooManySchemas`). */
const MAX_SCHEMAS_PER_ISSUER = 64;
/** EIP-7825's per-transaction gas cap (Osaka), which the EDR engine applies here too. */
const TRANSACTION_GAS_CAP = 16_777_216;
/** Schemas held by the issuers measured: one, and the most allowed. */
const SCHEMA_COUNTS = [1, MAX_SCHEMAS_PER_ISSUER] as const;

const machine = machineInfo();
const started = performance.now();
const { connection, publicClient, account, contracts, decide, describe } = await deployBenchConsortium();
const { schemaRegistry, issuerRegistry } = contracts;

// ------------------------------------------------------------------ set-up: schemas and issuers

const schemaIds: Hex[] = [];
for (let i = 0; i < MAX_SCHEMAS_PER_ISSUER; i++) {
  const definition: SchemaDefinition = {
    name: `bench.kind-${String(i).padStart(2, "0")}`,
    version: "1.0",
    definitionURI: `https://schemas.example/bench/kind-${i}.json`,
    definitionHash: keccak256(stringToHex(`bench kind ${i}`)),
    revocable: true,
    reinstatable: true,
  };
  await decide(`Register schema ${definition.name}`, {
    to: schemaRegistry,
    data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [definition] }),
  });
  schemaIds.push(schemaIdOf(definition));
}

/** An issuer that applied, was recognised and holds the first `count` schemas. */
async function issuerHolding(index: number, count: number): Promise<Address> {
  const client = account(index);
  const address = client.account.address;
  await applyForRecognition(client, {
    issuerRegistry,
    did: address,
    type: "laboratory",
    name: `Bench laboratory ${index}`,
    jurisdiction: "MO",
  });
  await decide(`Recognise account ${index}`, issuerCalls.recognize(issuerRegistry, address));
  for (const schemaId of schemaIds.slice(0, count)) {
    await decide(
      `Grant a schema to account ${index}`,
      issuerCalls.grantSchema(issuerRegistry, address, schemaId),
    );
  }
  const issuer = await getIssuer(publicClient, { issuerRegistry, account: address });
  if (issuer.status !== "recognized" || issuer.schemaIds.length !== count)
    throw new Error(
      `Account ${index} is ${issuer.status} with ${issuer.schemaIds.length} schemas, not recognized with ${count}.`,
    );
  return address;
}

async function expectStatus(address: Address, status: string): Promise<void> {
  const issuer = await getIssuer(publicClient, { issuerRegistry, account: address });
  if (issuer.status !== status) throw new Error(`${address} is ${issuer.status}, not ${status}.`);
}

async function chainTime(): Promise<Date> {
  return new Date(Number((await publicClient.getBlock()).timestamp) * 1000);
}

// ------------------------------------------------------------------ measurements

const measurements: GovGasMeasurement[] = [];
function record(measurement: Omit<GovGasMeasurement, "pass">): void {
  const withVerdict =
    measurement.target === undefined
      ? measurement
      : { ...measurement, pass: measurement.gas <= measurement.target };
  measurements.push(withVerdict);
  console.log(`${measurement.operation.padEnd(70)} ${String(measurement.gas).padStart(10)}`);
}

// Accounts 1-4: for each schema count, one issuer suspended then reinstated, one removed while recognised.
let nextAccount = 1;
const byCount = new Map<number, { suspend: number; reinstate: number; remove: number }>();
for (const count of SCHEMA_COUNTS) {
  const cycled = await issuerHolding(nextAccount++, count);
  const removed = await issuerHolding(nextAccount++, count);
  const suspend = await decide(
    `Suspend an issuer with ${count} schemas`,
    issuerCalls.suspend(issuerRegistry, cycled, await chainTime()),
  );
  await expectStatus(cycled, "suspended");
  const reinstate = await decide(
    `Reinstate an issuer with ${count} schemas`,
    issuerCalls.reinstate(issuerRegistry, cycled),
  );
  await expectStatus(cycled, "recognized");
  const remove = await decide(
    `Remove an issuer with ${count} schemas`,
    issuerCalls.remove(issuerRegistry, removed, await chainTime()),
  );
  await expectStatus(removed, "removed");
  byCount.set(count, { suspend, reinstate, remove });
}

const few = byCount.get(SCHEMA_COUNTS[0])!;
const most = byCount.get(MAX_SCHEMAS_PER_ISSUER)!;
const atTheCap = `${MAX_SCHEMAS_PER_ISSUER} schemas, the most allowed`;
const withOne = (gas: number) => `${gas.toLocaleString("en-US")} gas with 1 schema`;
const operations = [
  ["suspend", "suspend", "withdraws every accreditation (opens an untrusted window per schema)"],
  ["reinstate", "reinstate", "restores every accreditation"],
  ["remove", "remove of a recognised issuer", "withdraws every accreditation and forgets every schema"],
] as const;
for (const [key, label, what] of operations) {
  record({
    id: `issuer.${key}.max`,
    operation: `IssuerRegistry ${label} (${atTheCap})`,
    schemas: MAX_SCHEMAS_PER_ISSUER,
    gas: most[key],
    target: TRANSACTION_GAS_CAP,
    notes: `must fit one transaction (EIP-7825 cap); ${what}; ${withOne(few[key])}`,
  });
}
for (const [key, label] of operations) {
  record({
    id: `issuer.${key}.perSchema`,
    operation: `IssuerRegistry ${label}: each further schema`,
    schemas: MAX_SCHEMAS_PER_ISSUER,
    gas: Math.round((most[key] - few[key]) / (MAX_SCHEMAS_PER_ISSUER - 1)),
    notes: `(${key} with ${MAX_SCHEMAS_PER_ISSUER} − with 1) / ${MAX_SCHEMAS_PER_ISSUER - 1}`,
  });
}

await writeResult("gov-gas", {
  benchmark: "gov-gas",
  machine,
  chain: {
    engine: "Hardhat EDR, in-process (network.create())",
    hardfork: "cancun",
    chainId: publicClient.chain.id,
    compiler: compilerOf(hre),
  },
  method:
    "receipt gasUsed of the committee's executing transaction (Safe execTransaction by the second of two members: the Safe, AccessManager `restricted`, the IssuerRegistry's walk over the issuer's schemas and the FingerprintRegistry's accreditation writes, every event), one transaction per figure on an issuer of its own (the same storage work on every run; only calldata such as the effective time varies, by a few gas). Sent through the SDK (committeeDecision: submit, approve, execute).",
  setup: describe(
    `${MAX_SCHEMAS_PER_ISSUER} schemas registered; accounts 1-4 apply, are recognised and are granted 1 or ${MAX_SCHEMAS_PER_ISSUER} schemas each, then suspended and reinstated, or removed`,
  ),
  measurements,
  durationMs: Math.round(performance.now() - started),
});
console.log("wrote bench/results/gov-gas.json");
await connection.close();
