/**
 * DID registry gas, side by side: our DIDRegistry (EIP-712 / ERC-1271 signed writes) against the
 * stock ERC-1056 EthereumDIDRegistry deployed from the ethr-did-registry package's own artifact, on
 * the same in-process EDR chain (Cancun). Every figure is a receipt's gasUsed, median of RUNS
 * transactions, each on its own identity; ours and stock get the same identities and the same
 * arguments (only the signature encoding differs: ours `bytes signature` + deadline, stock v/r/s).
 *
 * Conditions (storage state of the identity before the measured transaction):
 * - `fresh`: the identity's first-ever change (its `changed` slot is zero; for signed writes its
 *   nonce is zero too).
 * - `changed`: the identity already had one change in an earlier block (an unsigned write by the
 *   identity itself), so `changed` is non-zero; for signed writes the nonce is still zero (the
 *   identity's first signed write).
 * - `signedBefore` (signed writes only): the earlier change was itself a signed write, so both
 *   `changed` and the nonce are non-zero: the steady state of a relayer-driven identity.
 * The earlier change is the natural predecessor where there is one (revokeAttribute after
 * setAttribute of the same attribute, revokeDelegate after addDelegate of the same delegate) and
 * otherwise setAttribute of another attribute.
 *
 * Writes bench/results/did-gas.json. Run: `npx hardhat run bench/did-gas.ts` (or `npm run bench -- did-gas`).
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  Interface,
  SigningKey,
  Wallet,
  encodeBytes32String,
  getAddress,
  keccak256,
  solidityPacked,
  toUtf8Bytes,
  type InterfaceAbi,
  type Signer,
  type TypedDataField,
} from "ethers";
import hre, { network } from "hardhat";

import { PROJECT_ROOT, machineInfo, median, writeResult } from "./lib/common.ts";

/** Transactions per measurement. */
const RUNS = 7;
/** Signed writes' deadline: a fixed far-future time (2100-01-01), so the calldata is reproducible. */
const DEADLINE = 4_102_444_800n;
/** Validity of attributes and delegates: one year. */
const VALIDITY = 365n * 24n * 3600n;

/**
 * The stock figures quoted in the issue ("Gas at or below the stock ERC-1056 registry"), each on the
 * condition it reproduces. Measured here, the stock registry lands within ~350 gas of each figure
 * in exactly one condition and ~17,000 gas away in the other (one cold zero → non-zero SSTORE of
 * `changed`): setAttribute and setAttributeSigned are first changes of fresh identities (stock
 * 51,564 / 79,972 with a 32-byte value), addDelegate and changeOwner follow an earlier change
 * (55,128 / 51,728). The remaining differences are the attribute values, which the issue does not
 * give; `issueFigures` in the output lists the stock figure of every condition.
 */
const ISSUE_FIGURES: { id: string; condition: Condition; gas: number }[] = [
  { id: "setAttribute.key", condition: "fresh", gas: 51_907 },
  { id: "addDelegate", condition: "changed", gas: 55_030 },
  { id: "changeOwner", condition: "changed", gas: 51_644 },
  { id: "setAttributeSigned.key", condition: "fresh", gas: 79_687 },
];

type Condition = "fresh" | "changed" | "signedBefore";
type Kind = "setAttribute" | "revokeAttribute" | "addDelegate" | "revokeDelegate" | "changeOwner";
type RegistryName = "ours" | "stock";

/** The arguments after `identity`, in the order of the unsigned function, the EIP-712 struct and the stock digest. */
const SHAPES: Record<Kind, { typeName: string; fields: TypedDataField[] }> = {
  setAttribute: {
    typeName: "SetAttribute",
    fields: [
      { name: "name", type: "bytes32" },
      { name: "value", type: "bytes" },
      { name: "validity", type: "uint256" },
    ],
  },
  revokeAttribute: {
    typeName: "RevokeAttribute",
    fields: [
      { name: "name", type: "bytes32" },
      { name: "value", type: "bytes" },
    ],
  },
  addDelegate: {
    typeName: "AddDelegate",
    fields: [
      { name: "delegateType", type: "bytes32" },
      { name: "delegate", type: "address" },
      { name: "validity", type: "uint256" },
    ],
  },
  revokeDelegate: {
    typeName: "RevokeDelegate",
    fields: [
      { name: "delegateType", type: "bytes32" },
      { name: "delegate", type: "address" },
    ],
  },
  changeOwner: { typeName: "ChangeOwner", fields: [{ name: "newOwner", type: "address" }] },
};

/** One registry write: its kind and the values of SHAPES[kind].fields. */
type Op = { kind: Kind; values: (string | bigint)[] };

type Registry = { name: RegistryName; address: string; iface: Interface };

/** Who authorises a write: the identity's key sending it itself, or a key signing it for a relayer. */
type Actor = { mode: "direct"; identity: Wallet } | { mode: "signed"; identity: string; key: Wallet };

/** What each run writes; `i` is the run index, `identity` the identity's address. */
type Spec = {
  id: string;
  operation: string;
  signed: boolean;
  op: (i: number) => Op;
  /** The earlier change of the `changed` / `signedBefore` conditions. */
  before: (i: number) => Op;
  notes?: Partial<Record<Condition, string>>;
};

// ------------------------------------------------------------------ values

const seed = (label: string) => keccak256(toUtf8Bytes(`crossproof did-gas ${label}`));
const addressOf = (label: string) => getAddress(`0x${seed(label).slice(26)}`);

/** Ed25519 verification key: a 32-byte value (ethr-did-resolver's did/pub/... naming). */
const KEY_NAME = encodeBytes32String("did/pub/Ed25519/veriKey/base64");
const keyValue = (i: number) => seed(`ed25519 key ${i}`);
/** secp256k1 verification key, compressed: a 33-byte value. */
const SECP_NAME = encodeBytes32String("did/pub/Secp256k1/veriKey/hex");
const secpValue = (i: number) => SigningKey.computePublicKey(seed(`secp256k1 key ${i}`), true);
/** A service endpoint. */
const SERVICE_NAME = encodeBytes32String("did/svc/DIDCommMessaging");
const SERVICE_URL = "https://agent.crossproof.example/didcomm/v2";
const serviceValue = (i: number) => `0x${Buffer.from(`${SERVICE_URL}?n=${i}`).toString("hex")}`;
const VERI_KEY = encodeBytes32String("veriKey");
const delegateOf = (i: number) => addressOf(`delegate ${i}`);

const setKey = (i: number): Op => ({ kind: "setAttribute", values: [KEY_NAME, keyValue(i), VALIDITY] });
const setSecp = (i: number): Op => ({ kind: "setAttribute", values: [SECP_NAME, secpValue(i), VALIDITY] });
const setService = (i: number): Op => ({
  kind: "setAttribute",
  values: [SERVICE_NAME, serviceValue(i), VALIDITY],
});
const revokeKey = (i: number): Op => ({ kind: "revokeAttribute", values: [KEY_NAME, keyValue(i)] });
const addDelegate = (i: number): Op => ({
  kind: "addDelegate",
  values: [VERI_KEY, delegateOf(i), VALIDITY],
});
const revokeDelegate = (i: number): Op => ({ kind: "revokeDelegate", values: [VERI_KEY, delegateOf(i)] });
const changeOwner = (i: number): Op => ({ kind: "changeOwner", values: [addressOf(`new owner ${i}`)] });
/** The earlier change for operations without a natural predecessor: another attribute. */
const otherAttribute = (i: number): Op => setSecp(i);

const SECP_BYTES = (secpValue(0).length - 2) / 2;
const SERVICE_BYTES = (serviceValue(0).length - 2) / 2;
const UNSIGNED: Spec[] = [
  {
    id: "setAttribute.key",
    operation: "setAttribute (32-byte Ed25519 public key)",
    signed: false,
    op: setKey,
    before: otherAttribute,
  },
  {
    id: "setAttribute.secp256k1",
    operation: `setAttribute (${SECP_BYTES}-byte compressed secp256k1 public key)`,
    signed: false,
    op: setSecp,
    before: setKey,
  },
  {
    id: "setAttribute.service",
    operation: `setAttribute (${SERVICE_BYTES}-byte service endpoint URL)`,
    signed: false,
    op: setService,
    before: otherAttribute,
  },
  {
    id: "revokeAttribute",
    operation: "revokeAttribute (32-byte key)",
    signed: false,
    op: revokeKey,
    before: setKey,
    notes: {
      fresh: "revokes an attribute never set",
      changed: "revokes the attribute set by the earlier change",
      signedBefore: "revokes the attribute set by the earlier (signed) change",
    },
  },
  {
    id: "addDelegate",
    operation: "addDelegate (veriKey, first add of that delegate)",
    signed: false,
    op: addDelegate,
    before: otherAttribute,
  },
  {
    id: "revokeDelegate",
    operation: "revokeDelegate (veriKey)",
    signed: false,
    op: revokeDelegate,
    before: addDelegate,
    notes: {
      fresh: "revokes a never-added delegate (delegate slot zero → non-zero)",
      changed: "revokes the delegate added by the earlier change (delegate slot non-zero → non-zero)",
      signedBefore: "revokes the delegate added by the earlier (signed) change (slot non-zero → non-zero)",
    },
  },
  {
    id: "changeOwner",
    operation: "changeOwner (first owner change)",
    signed: false,
    op: changeOwner,
    before: otherAttribute,
  },
];
const SIGNED: Spec[] = UNSIGNED.filter((spec) => spec.id !== "setAttribute.secp256k1").map((spec) => ({
  ...spec,
  id: spec.id.replace(/^(\w+)/, "$1Signed"),
  operation: spec.operation.replace(/^(\w+)/, "$1Signed"),
  signed: true,
}));
const SPECS = [...UNSIGNED, ...SIGNED];
const conditionsOf = (spec: Spec): Condition[] =>
  spec.signed ? ["fresh", "changed", "signedBefore"] : ["fresh", "changed"];

// ------------------------------------------------------------------ chain and registries

const machine = machineInfo();
const started = performance.now();
const connection = await network.create();
const { ethers } = connection;
const [deployer, relayer] = await ethers.getSigners();
if (!deployer || !relayer) throw new Error("Need two signers on the in-process chain.");
const chainId = (await ethers.provider.getNetwork()).chainId;

type Receipt = { gasUsed: bigint; status: number | null; hash: string };
async function gasOf(sending: Promise<{ wait(): Promise<Receipt | null> }>): Promise<number> {
  const receipt = await (await sending).wait();
  if (!receipt || receipt.status !== 1) throw new Error(`Transaction reverted: ${receipt?.hash ?? "?"}`);
  return Number(receipt.gasUsed);
}

async function deploy(
  abi: InterfaceAbi,
  bytecode: string,
  args: unknown[] = [],
): Promise<{ address: string; iface: Interface; gas: number; codeBytes: number }> {
  const factory = new ethers.ContractFactory(abi, bytecode, deployer);
  const contract = await factory.deploy(...args);
  const receipt = await contract.deploymentTransaction()?.wait();
  if (!receipt || receipt.status !== 1) throw new Error("Deployment failed.");
  const address = await contract.getAddress();
  const code = await ethers.provider.getCode(address);
  return {
    address,
    iface: new Interface(abi),
    gas: Number(receipt.gasUsed),
    codeBytes: (code.length - 2) / 2,
  };
}

const oursArtifact = await hre.artifacts.readArtifact("DIDRegistry");
const oursDeployed = await deploy(oursArtifact.abi, oursArtifact.bytecode);
const stockPackage = JSON.parse(
  await readFile(join(PROJECT_ROOT, "node_modules/ethr-did-registry/package.json"), "utf8"),
) as { version: string };
const STOCK_ARTIFACT =
  "node_modules/ethr-did-registry/artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json";
const stockArtifact = JSON.parse(await readFile(join(PROJECT_ROOT, STOCK_ARTIFACT), "utf8")) as {
  abi: InterfaceAbi;
  bytecode: string;
};
const stockDeployed = await deploy(stockArtifact.abi, stockArtifact.bytecode);
const registries: Record<RegistryName, Registry> = {
  ours: { name: "ours", address: oursDeployed.address, iface: oursDeployed.iface },
  stock: { name: "stock", address: stockDeployed.address, iface: stockDeployed.iface },
};

async function read(registry: Registry, fn: string, args: unknown[]): Promise<unknown> {
  const data = registry.iface.encodeFunctionData(fn, args);
  return registry.iface.decodeFunctionResult(
    fn,
    await ethers.provider.call({ to: registry.address, data }),
  )[0];
}

/** A registry call as (function, arguments), for the given actor. */
async function encode(registry: Registry, op: Op, actor: Actor): Promise<{ fn: string; args: unknown[] }> {
  if (actor.mode === "direct") return { fn: op.kind, args: [actor.identity.address, ...op.values] };
  const { identity, key } = actor;
  const shape = SHAPES[op.kind];
  if (registry.name === "ours") {
    const nonce = (await read(registry, "nonce", [identity])) as bigint;
    const message: Record<string, unknown> = { identity, nonce, deadline: DEADLINE };
    shape.fields.forEach((field, index) => (message[field.name] = op.values[index]));
    const signature = await key.signTypedData(
      { name: "Crossproof DIDRegistry", version: "1", chainId, verifyingContract: registry.address },
      {
        [shape.typeName]: [
          { name: "identity", type: "address" },
          ...shape.fields,
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      message,
    );
    return { fn: `${op.kind}Signed`, args: [identity, ...op.values, DEADLINE, signature] };
  }
  // Stock ERC-1056: an ERC-191 version-0 digest signed raw, nonce kept per owner.
  const owner = (await read(registry, "identityOwner", [identity])) as string;
  const nonce = (await read(registry, "nonce", [owner])) as bigint;
  const digest = keccak256(
    solidityPacked(
      ["bytes1", "bytes1", "address", "uint256", "address", "string", ...shape.fields.map((f) => f.type)],
      ["0x19", "0x00", registry.address, nonce, identity, op.kind, ...op.values],
    ),
  );
  const { v, r, s } = key.signingKey.sign(digest);
  return { fn: `${op.kind}Signed`, args: [identity, v, r, s, ...op.values] };
}

/** Sends `op` on `registry` (by the identity itself, or relayed) and returns its gasUsed. */
async function write(registry: Registry, op: Op, actor: Actor): Promise<number> {
  const { fn, args } = await encode(registry, op, actor);
  const from: Signer = actor.mode === "direct" ? actor.identity : relayer!;
  const data = registry.iface.encodeFunctionData(fn, args);
  return gasOf(from.sendTransaction({ to: registry.address, data }));
}

/** A funded wallet for identity `label`: the same key (so the same address) for ours and stock. */
async function identityWallet(label: string): Promise<Wallet> {
  const wallet = new Wallet(seed(`identity ${label}`), ethers.provider);
  await ethers.provider.send("hardhat_setBalance", [wallet.address, "0x56bc75e2d63100000"]);
  return wallet;
}

/** One run: prepares the identity for `condition` on `registry`, then measures the write. */
async function measure(registry: Registry, spec: Spec, condition: Condition, i: number): Promise<number> {
  const wallet = await identityWallet(`${spec.id}/${condition}/${i}`);
  const signedActor: Actor = { mode: "signed", identity: wallet.address, key: wallet };
  const directActor: Actor = { mode: "direct", identity: wallet };
  if (condition === "changed") await write(registry, spec.before(i), directActor);
  if (condition === "signedBefore") await write(registry, spec.before(i), signedActor);
  return write(registry, spec.op(i), spec.signed ? signedActor : directActor);
}

async function series(run: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await run(i));
  return out;
}

// ------------------------------------------------------------------ measurements

type DidGasMeasurement = {
  id: string;
  operation: string;
  signed: boolean;
  condition: Condition;
  ours: number;
  stock: number;
  delta: number;
  /** The stock figure ours must not exceed: the issue's number where it quotes one for this
   * operation and condition, otherwise the stock registry measured here in the same condition. */
  target: number;
  targetSource: "issue" | "stock (measured)";
  pass: boolean;
  /** ours <= stock measured in the same condition (the same as `pass` unless the target is the issue's). */
  atOrBelowStock: boolean;
  oursRuns: number[];
  stockRuns: number[];
  notes?: string;
};

const measurements: DidGasMeasurement[] = [];
console.log(
  `${"operation".padEnd(62)} ${"condition".padEnd(12)} ${"ours".padStart(8)} ${"stock".padStart(8)} ${"delta".padStart(8)}`,
);
for (const spec of SPECS) {
  for (const condition of conditionsOf(spec)) {
    const oursRuns = await series((i) => measure(registries.ours, spec, condition, i));
    const stockRuns = await series((i) => measure(registries.stock, spec, condition, i));
    const ours = median(oursRuns);
    const stock = median(stockRuns);
    const issue = ISSUE_FIGURES.find((figure) => figure.id === spec.id && figure.condition === condition);
    const target = issue?.gas ?? stock;
    const measurement: DidGasMeasurement = {
      id: spec.id,
      operation: spec.operation,
      signed: spec.signed,
      condition,
      ours,
      stock,
      delta: ours - stock,
      target,
      targetSource: issue ? "issue" : "stock (measured)",
      pass: ours <= target,
      atOrBelowStock: ours <= stock,
      oursRuns,
      stockRuns,
      ...(spec.notes?.[condition] ? { notes: spec.notes[condition] } : {}),
    };
    measurements.push(measurement);
    console.log(
      `${spec.operation.padEnd(62)} ${condition.padEnd(12)} ${String(ours).padStart(8)} ${String(stock).padStart(8)} ${String(ours - stock).padStart(8)}${issue ? `  target ${target} (issue)` : ""}${measurement.pass ? "" : "  MISS"}`,
    );
  }
}

/** How the stock registry measured here compares with each figure of the issue, in every condition. */
const issueFigures = ISSUE_FIGURES.map((figure) => {
  const rows = measurements.filter((m) => m.id === figure.id);
  const chosen = rows.find((m) => m.condition === figure.condition)!;
  return {
    id: figure.id,
    operation: chosen.operation,
    issueGas: figure.gas,
    condition: figure.condition,
    stockByCondition: Object.fromEntries(rows.map((m) => [m.condition, m.stock])),
    stockMinusIssue: chosen.stock - figure.gas,
    ours: chosen.ours,
    stock: chosen.stock,
    pass: chosen.ours <= figure.gas,
    atOrBelowStock: chosen.ours <= chosen.stock,
  };
});

// ------------------------------------------------------------------ ERC-1271 owner (ours only)

type Erc1271Measurement = {
  id: string;
  operation: string;
  condition: Condition;
  ours: number;
  oursEcdsa: number;
  overhead: number;
  runs: number[];
};
let erc1271: { measurements: Erc1271Measurement[]; walletGas: number; note: string } | { skipped: string };
const MOCK_SOURCE = "contracts/mocks/ERC1271WalletMock.sol";
if (!existsSync(join(PROJECT_ROOT, MOCK_SOURCE))) {
  erc1271 = { skipped: `${MOCK_SOURCE} does not exist` };
} else if (!(await hre.artifacts.artifactExists("ERC1271WalletMock"))) {
  erc1271 = { skipped: "ERC1271WalletMock has no artifact (build failed?)" };
} else {
  // One contract wallet, controlled by one EOA, owns every identity measured here: each identity
  // first hands its ownership to the wallet (changeOwner), so `changed` is non-zero; the signed
  // writes are then EIP-712 signatures by the EOA, checked through the wallet's isValidSignature.
  const walletKey = new Wallet(seed("erc1271 wallet owner"), ethers.provider);
  await ethers.provider.send("hardhat_setBalance", [walletKey.address, "0x56bc75e2d63100000"]);
  const mockArtifact = await hre.artifacts.readArtifact("ERC1271WalletMock");
  const mock = await deploy(mockArtifact.abi, mockArtifact.bytecode, [walletKey.address]);
  const ours = registries.ours;
  const results: Erc1271Measurement[] = [];
  console.log("\nERC-1271 contract-wallet owner (ours only)");
  for (const spec of SIGNED) {
    for (const condition of ["changed", "signedBefore"] as const) {
      const runs = await series(async (i) => {
        const wallet = await identityWallet(`erc1271/${spec.id}/${condition}/${i}`);
        await write(
          ours,
          { kind: "changeOwner", values: [mock.address] },
          { mode: "direct", identity: wallet },
        );
        const signedActor: Actor = { mode: "signed", identity: wallet.address, key: walletKey };
        if (condition === "changed") {
          // The earlier change, made by the wallet itself (execute), so the nonce stays zero.
          const before = spec.before(i);
          const data = ours.iface.encodeFunctionData(before.kind, [wallet.address, ...before.values]);
          const call = mock.iface.encodeFunctionData("execute", [ours.address, data]);
          await gasOf(walletKey.sendTransaction({ to: mock.address, data: call }));
        } else {
          await write(ours, spec.before(i), signedActor);
        }
        return write(ours, spec.op(i), signedActor);
      });
      const ecdsa = measurements.find((m) => m.id === spec.id && m.condition === condition)!;
      const gas = median(runs);
      results.push({
        id: spec.id,
        operation: spec.operation,
        condition,
        ours: gas,
        oursEcdsa: ecdsa.ours,
        overhead: gas - ecdsa.ours,
        runs,
      });
      console.log(
        `${spec.operation.padEnd(62)} ${condition.padEnd(12)} ${String(gas).padStart(8)} (ECDSA ${ecdsa.ours}, +${gas - ecdsa.ours})`,
      );
    }
  }
  erc1271 = {
    measurements: results,
    walletGas: mock.gas,
    note: "Owner: ERC1271WalletMock (contracts/mocks), one EOA's ECDSA signature checked by isValidSignature. `changed`: the identity changed its owner to the wallet, then the wallet made the earlier change itself (execute), nonce zero; `signedBefore`: the earlier change was a signed write through the wallet. The stock registry has no ERC-1271 support.",
  };
}

await writeResult("did-gas", {
  benchmark: "did-gas",
  machine,
  chain: {
    engine: "Hardhat EDR, in-process (network.create())",
    hardfork: "cancun",
    chainId: Number(chainId),
  },
  runsPerMeasurement: RUNS,
  method:
    "receipt gasUsed (includes the 21,000 intrinsic gas, calldata and refunds), median of the runs; each run on its own identity, the same identities and arguments for both registries. Unsigned writes are sent by the identity itself; signed writes are signed by the identity's key and sent by a different account (relayer). Ours signs EIP-712 typed data (ethers signTypedData) with a fixed deadline; stock signs the ERC-191 version-0 digest with the raw key (v, r, s).",
  conditions: {
    fresh: "first-ever change of the identity (`changed` zero; nonce zero)",
    changed:
      "the identity already had one change in an earlier block, an unsigned write by itself (`changed` non-zero; nonce still zero)",
    signedBefore:
      "signed writes only: the earlier change was a signed write (`changed` and nonce non-zero): a relayer-driven identity's steady state",
  },
  values: {
    key: "name did/pub/Ed25519/veriKey/base64, value 32 bytes",
    secp256k1: `name did/pub/Secp256k1/veriKey/hex, value ${SECP_BYTES} bytes (compressed public key)`,
    service: `name did/svc/DIDCommMessaging, value the ${SERVICE_BYTES}-byte URL ${SERVICE_URL}?n=<run>`,
    delegate: "delegateType veriKey, a fixed delegate address per run",
    validity: Number(VALIDITY),
    deadline: Number(DEADLINE),
  },
  registries: {
    ours: {
      contract: "contracts/identity/DIDRegistry.sol:DIDRegistry",
      address: registries.ours.address,
      deploymentGas: oursDeployed.gas,
      runtimeBytes: oursDeployed.codeBytes,
    },
    stock: {
      contract: `ethr-did-registry@${stockPackage.version} EthereumDIDRegistry (the package's artifact)`,
      artifact: STOCK_ARTIFACT,
      address: registries.stock.address,
      deploymentGas: stockDeployed.gas,
      runtimeBytes: stockDeployed.codeBytes,
    },
  },
  targetRule:
    "Ours must be at or below the stock ERC-1056 registry. Where the issue quotes a stock figure, the target is that figure on the condition it reproduces (issueFigures); every other row's target is the stock registry measured here in the same condition.",
  issueFigures,
  measurements,
  erc1271,
  durationMs: Math.round(performance.now() - started),
});
console.log("\nissue figures (stock measured here, by condition):");
for (const figure of issueFigures) {
  console.log(
    `  ${figure.id.padEnd(24)} issue ${figure.issueGas}  stock ${JSON.stringify(figure.stockByCondition)}  ours(${figure.condition}) ${figure.ours}  ${figure.pass ? "PASS" : "MISS"}`,
  );
}
console.log("wrote bench/results/did-gas.json");
await connection.close();
