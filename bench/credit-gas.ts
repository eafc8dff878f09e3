/**
 * Consent and credit-order gas: every write of the ConsentRegistry (grant with a scope of 1 and of 4
 * schemas, grantBySig relayed, revoke, revokeBySig, consume by the grantee) and every transition of
 * the CreditOrderBook (request, accept, reject, cancel, deliver, confirm, dispute, expire), plus the
 * FingerprintRegistry anchor of the report a delivery needs. Each figure is a receipt's gasUsed on an
 * in-process EDR chain (Cancun), median of RUNS transactions, each run on its own fresh consent and
 * order (and its own fresh data owner).
 *
 * The system is the real one: deployed by the composed Ignition module (ignition/modules/Crossproof.ts),
 * the committee Safe (development accounts 10, 11, 12; 2 of 3) holding the administrative roles; the
 * committee registers the credit-report schema, recognises the bank and the credit agency and grants
 * the agency the schema, each a committee decision through the SDK (submit, approve, execute). Every
 * measured write goes through the SDK's action (simulate, send, wait), as the CLI and the demo do.
 *
 * Steady state: before anything is measured, one order sits in each of the eight order states and the
 * bank already holds consents, so no measured write pays for a storage list's first entry (the
 * bank's and the agency's order lists, each state's order set, the bank's consent list). What each run
 * does pay for is in the notes (e.g. the data owner's first consent).
 *
 * Writes bench/results/credit-gas.json. Run: `npx hardhat run bench/credit-gas.ts` (or
 * `npm run bench -- credit-gas`).
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

import hre from "hardhat";
import {
  createWalletClient,
  custom,
  encodeFunctionData,
  keccak256,
  stringToHex,
  type EIP1193Provider,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { signTypedData } from "viem/actions";

import { CREDIT_REPORT_PURPOSE, CREDIT_REPORT_SCHEMA } from "../ignition/modules/CreditOrderBook.ts";
import { demoSchemas } from "../src/demo/consortium.ts";
import { consentRegistryAbi, schemaRegistryAbi } from "../src/sdk/abis.ts";
import { transact, type SigningClient, type TransactReturnType } from "../src/sdk/actions/transact.ts";
import {
  codeOf,
  consentDomain,
  consentTypes,
  getConsent,
  grantConsent,
  revokeConsent,
  signConsent,
  submitSignedConsent,
  type ConsentTerms,
} from "../src/sdk/consent/consent.ts";
import {
  acceptOrder,
  cancelOrder,
  confirmOrder,
  deliverOrder,
  disputeOrder,
  expireOrder,
  getOrder,
  rejectOrder,
  requestOrder,
  type OrderState,
} from "../src/sdk/credit/orders.ts";
import { anchorFingerprint, getSchemaIndex } from "../src/sdk/fingerprints/actions.ts";
import { applyForRecognition, getIssuer, issuerCalls } from "../src/sdk/issuers/issuers.ts";
import { schemaIdOf } from "../src/sdk/schemas/schemas.ts";
import { compilerOf } from "./lib/compiler.ts";
import { deployBenchConsortium } from "./lib/consortium.ts";
import { machineInfo, median, writeResult } from "./lib/common.ts";

/** Transactions per measurement. */
const RUNS = 7;
/** Signatures' deadline: a fixed far-future time (2100-01-01), so the calldata is reproducible. */
const SIGNATURE_DEADLINE = 4_102_444_800n;
const DAY = 86_400n;
/** Consents last 30 days; orders get 7 days to be answered (the demo's terms). */
const CONSENT_VALIDITY = 30n * DAY;
const RESPONSE_TIME = 7n * DAY;
/** Orders meant to expire get a short deadline, then the chain's clock moves past it. */
const SHORT_RESPONSE_TIME = 300n;
const PRODUCT_CODE = codeOf("enterprise-credit-basic");
const REJECT_REASON = codeOf("insufficient-data");
const DISPUTE_REASON = codeOf("report-mismatch");
/** A development account's balance, for the data owners that send their own transactions. */
const FUNDS = "0x56bc75e2d63100000";

const machine = machineInfo();
const started = performance.now();
const { connection, publicClient, account, contracts, decide, decisions } = await deployBenchConsortium();
const { networkHelpers } = connection;
// The demo consortium's accounts (src/demo/consortium.ts): 0 operator (relays signed requests),
// 6 bank, 7 credit agency, 10-12 the committee.
const operator = account(0);
const bank = account(6);
const agency = account(7);
const { consentRegistry, creditOrderBook, fingerprintRegistry, issuerRegistry } = contracts;

const creditReport = demoSchemas.find(
  ({ definition }) =>
    definition.name === CREDIT_REPORT_SCHEMA.name && definition.version === CREDIT_REPORT_SCHEMA.version,
)?.definition;
if (!creditReport) throw new Error("The demo schemas have no credit.report@1.0.");
const creditReportSchema = schemaIdOf(creditReport);
const purpose = codeOf("credit-report");
if (purpose !== CREDIT_REPORT_PURPOSE) throw new Error("The SDK's purpose code differs from the module's.");

await decide(`Register schema ${creditReport.name} ${creditReport.version}`, {
  to: contracts.schemaRegistry,
  data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [creditReport] }),
});
for (const [client, type, name] of [
  [bank, "bank", "Guangzhou Commercial Bank"],
  [agency, "credit-agency", "Pearl River Delta Credit Agency"],
] as const) {
  await applyForRecognition(client, {
    issuerRegistry,
    did: client.account.address,
    type,
    name,
    jurisdiction: "CN-GD",
  });
  await decide(`Recognise ${name}`, issuerCalls.recognize(issuerRegistry, client.account.address));
}
await decide(
  `Grant ${creditReport.name} ${creditReport.version} to the credit agency`,
  issuerCalls.grantSchema(issuerRegistry, agency.account.address, creditReportSchema),
);
for (const client of [bank, agency]) {
  const issuer = await getIssuer(publicClient, { issuerRegistry, account: client.account.address });
  if (issuer.status !== "recognized") throw new Error(`${issuer.name} is ${issuer.status}, not recognized.`);
}
const creditReportIndex = await getSchemaIndex(publicClient, {
  schemaRegistry: contracts.schemaRegistry,
  schemaId: creditReportSchema,
});
console.log(`set up by ${decisions()} committee decisions; credit.report schema index ${creditReportIndex}`);

// ------------------------------------------------------------------ helpers

/** Three more schemas for a scope of 4: the consent registry takes any non-zero schema ids. */
const scope4 = [
  creditReportSchema,
  ...["tax.filing", "bank.statement", "customs.declaration"].map((name) =>
    schemaIdOf({ name, version: "1.0" }),
  ),
];

let labels = 0;
/** A reproducible 32-byte value, different on every call (fingerprints, usage references, keys). */
const nextValue = (what: string): Hex => keccak256(stringToHex(`crossproof credit-gas ${what} ${labels++}`));

/** A fresh data owner (an enterprise) with its own key; funded only when it sends transactions itself. */
async function newOwner(funded: boolean): Promise<SigningClient> {
  const owner = createWalletClient({
    account: privateKeyToAccount(nextValue("owner key")),
    chain: publicClient.chain,
    transport: custom(connection.provider as EIP1193Provider),
  });
  if (funded) await networkHelpers.setBalance(owner.account.address, BigInt(FUNDS));
  return owner;
}

async function now(): Promise<bigint> {
  return (await publicClient.getBlock()).timestamp;
}

/** The demo's consent: to the bank, for credit reports, 30 days. */
async function termsOf(scope: readonly Hex[], maxUses = 1): Promise<ConsentTerms> {
  const from = await now();
  return {
    grantee: bank.account.address,
    purpose,
    scope,
    validFrom: from,
    validUntil: from + CONSENT_VALIDITY,
    maxUses,
  };
}

/** The owner signs the consent; `relayer` submits it (the bank in the demo). */
async function grantSigned(owner: SigningClient, terms: ConsentTerms, relayer: SigningClient = bank) {
  const signed = await signConsent(owner, { consentRegistry, terms, deadline: SIGNATURE_DEADLINE });
  return submitSignedConsent(relayer, { consentRegistry, signed });
}

/** The owner signs the revocation (EIP-712 `Revoke`); `relayer` submits it. */
async function revokeSigned(
  owner: SigningClient,
  consentId: Hex,
  relayer: SigningClient,
): Promise<TransactReturnType> {
  const nonce = await publicClient.readContract({
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "nonces",
    args: [owner.account.address],
  });
  const signature = await signTypedData(owner, {
    account: owner.account,
    domain: consentDomain({ chainId: publicClient.chain.id, consentRegistry }),
    types: consentTypes,
    primaryType: "Revoke",
    message: { consentId, nonce, deadline: SIGNATURE_DEADLINE },
  });
  return transact(relayer, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "revokeBySig",
    args: [consentId, SIGNATURE_DEADLINE, signature],
  });
}

/** The bank records a use of a consent itself (no order book involved). */
function consumeDirect(consentId: Hex): Promise<TransactReturnType> {
  return transact(bank, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "consume",
    args: [consentId, bank.account.address, purpose, creditReportSchema, nextValue("usage reference")],
  });
}

/** The demo's flow up to an order: a fresh enterprise signs a one-use consent, the bank relays it and orders. */
async function placeOrder(responseTime = RESPONSE_TIME): Promise<{ orderId: Hex; gas: number }> {
  const subject = await newOwner(false);
  const { consentId } = await grantSigned(subject, await termsOf([creditReportSchema]));
  const requestDocument = `Credit report request ${labels}\nSubject: ${subject.account.address}\nProduct: enterprise-credit-basic\nNonce: ${nextValue("nonce")}\n`;
  const result = await requestOrder(bank, {
    creditOrderBook,
    order: {
      provider: agency.account.address,
      subject: subject.account.address,
      productCode: PRODUCT_CODE,
      consentId,
      requestHash: `0x${createHash("sha256").update(requestDocument).digest("hex")}`,
      responseDeadline: (await now()) + responseTime,
    },
  });
  return { orderId: result.orderId, gas: gasOf(result) };
}

/** The agency anchors a report under the credit-report schema (after the order was placed). */
async function anchorReport(): Promise<{ fingerprint: Hex; gas: number }> {
  const fingerprint = nextValue("report fingerprint");
  const result = await anchorFingerprint(agency, {
    fingerprintRegistry,
    fingerprint,
    schemaIndex: creditReportIndex,
  });
  return { fingerprint, gas: gasOf(result) };
}

async function deliveredOrder(): Promise<Hex> {
  const { orderId } = await placeOrder();
  await acceptOrder(agency, { creditOrderBook, orderId });
  const { fingerprint } = await anchorReport();
  await deliverOrder(agency, { creditOrderBook, orderId, reportFingerprint: fingerprint });
  return orderId;
}

/** An order whose short deadline has passed: the chain's clock moves past it. */
async function lapsedOrder(): Promise<Hex> {
  const { orderId } = await placeOrder(SHORT_RESPONSE_TIME);
  await networkHelpers.time.increase(Number(SHORT_RESPONSE_TIME) + 1);
  return orderId;
}

async function expectState(orderId: Hex, state: OrderState): Promise<void> {
  const found = await getOrder(publicClient, { creditOrderBook, orderId });
  if (found.state !== state) throw new Error(`Order ${orderId} is ${found.state}, expected ${state}.`);
}

function gasOf(result: TransactReturnType): number {
  return Number(result.receipt.gasUsed);
}

type Contract = "ConsentRegistry" | "CreditOrderBook" | "FingerprintRegistry";
type CreditGasMeasurement = {
  id: string;
  contract: Contract;
  operation: string;
  /** Who sends the transaction. */
  sender: string;
  runs: number[];
  median: number;
  notes: string;
};
const measurements: CreditGasMeasurement[] = [];

async function measure(
  id: string,
  contract: Contract,
  operation: string,
  sender: string,
  notes: string,
  run: (i: number) => Promise<number>,
): Promise<CreditGasMeasurement> {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(i));
  const measurement = { id, contract, operation, sender, runs, median: median(runs), notes };
  measurements.push(measurement);
  const spread = Math.max(...runs) - Math.min(...runs);
  console.log(
    `${`${contract}.${operation}`.padEnd(84)} ${String(measurement.median).padStart(8)}${spread ? `  (runs ${Math.min(...runs)}–${Math.max(...runs)})` : ""}`,
  );
  return measurement;
}

// ------------------------------------------------------------------ steady state

// One order resting in each state; the bank already holds consents and orders, the agency orders.
await placeOrder();
{
  const { orderId } = await placeOrder();
  await acceptOrder(agency, { creditOrderBook, orderId });
}
{
  const { orderId } = await placeOrder();
  await rejectOrder(agency, { creditOrderBook, orderId, reasonCode: REJECT_REASON });
}
{
  const { orderId } = await placeOrder();
  await cancelOrder(bank, { creditOrderBook, orderId });
}
await deliveredOrder();
await confirmOrder(bank, { creditOrderBook, orderId: await deliveredOrder() });
await disputeOrder(bank, { creditOrderBook, orderId: await deliveredOrder(), reasonCode: DISPUTE_REASON });
await expireOrder(operator, { creditOrderBook, orderId: await lapsedOrder() });

// ------------------------------------------------------------------ ConsentRegistry

const DEMO_TERMS = "to the bank, purpose credit-report, 30 days, maxUses 1";

await measure(
  "consent.grant.scope1",
  "ConsentRegistry",
  "grant (scope of 1 schema)",
  "the owner",
  `${DEMO_TERMS}; the owner's first consent (opens its consent list)`,
  async () =>
    gasOf(
      await grantConsent(await newOwner(true), {
        consentRegistry,
        terms: await termsOf([creditReportSchema]),
      }),
    ),
);
await measure(
  "consent.grant.scope4",
  "ConsentRegistry",
  "grant (scope of 4 schemas)",
  "the owner",
  `${DEMO_TERMS}; scope credit.report, tax.filing, bank.statement, customs.declaration (1.0); the owner's first consent`,
  async () =>
    gasOf(await grantConsent(await newOwner(true), { consentRegistry, terms: await termsOf(scope4) })),
);
await measure(
  "consent.grant.scope1.later",
  "ConsentRegistry",
  "grant (scope of 1 schema), the owner's second consent",
  "the owner",
  `${DEMO_TERMS}; the owner granted one consent before`,
  async () => {
    const owner = await newOwner(true);
    await grantConsent(owner, { consentRegistry, terms: await termsOf([creditReportSchema]) });
    return gasOf(await grantConsent(owner, { consentRegistry, terms: await termsOf([creditReportSchema]) }));
  },
);
await measure(
  "consent.grantBySig.scope1",
  "ConsentRegistry",
  "grantBySig (scope of 1 schema), relayed",
  "the bank (relayer)",
  `${DEMO_TERMS}; EIP-712 signature (65 bytes, ECDSA); the owner's first consent and first signature (nonce 0 → 1)`,
  async () => gasOf(await grantSigned(await newOwner(false), await termsOf([creditReportSchema]))),
);
await measure(
  "consent.grantBySig.scope4",
  "ConsentRegistry",
  "grantBySig (scope of 4 schemas), relayed",
  "the bank (relayer)",
  `${DEMO_TERMS}; scope of 4 as above; the owner's first consent and first signature`,
  async () => gasOf(await grantSigned(await newOwner(false), await termsOf(scope4))),
);
await measure(
  "consent.grantBySig.scope1.later",
  "ConsentRegistry",
  "grantBySig (scope of 1 schema), relayed, the owner's second signed consent",
  "the bank (relayer)",
  `${DEMO_TERMS}; the owner signed one consent before (nonce 1 → 2, consent list not empty)`,
  async () => {
    const owner = await newOwner(false);
    await grantSigned(owner, await termsOf([creditReportSchema]));
    return gasOf(await grantSigned(owner, await termsOf([creditReportSchema])));
  },
);
await measure(
  "consent.revoke",
  "ConsentRegistry",
  "revoke",
  "the owner",
  "a consent the owner granted directly, unused",
  async () => {
    const owner = await newOwner(true);
    const { consentId } = await grantConsent(owner, {
      consentRegistry,
      terms: await termsOf([creditReportSchema]),
    });
    return gasOf(await revokeConsent(owner, { consentRegistry, consentId }));
  },
);
await measure(
  "consent.revokeBySig",
  "ConsentRegistry",
  "revokeBySig, relayed",
  "the operator (relayer)",
  "a consent the owner granted by signature, unused; EIP-712 signature (ECDSA), nonce 1 → 2",
  async () => {
    const owner = await newOwner(false);
    const { consentId } = await grantSigned(owner, await termsOf([creditReportSchema]));
    const gas = gasOf(await revokeSigned(owner, consentId, operator));
    const found = await getConsent(publicClient, { consentRegistry, consentId });
    if (!found.revokedAt) throw new Error(`Consent ${consentId} was not revoked.`);
    return gas;
  },
);
await measure(
  "consent.consume.first",
  "ConsentRegistry",
  "consume (direct, by the grantee), first use",
  "the bank (grantee)",
  "purpose credit-report, schema credit.report (scope of 1), a 32-byte usage reference; the consent's first use (its use counter's slot goes zero → non-zero)",
  async () => {
    const { consentId } = await grantSigned(await newOwner(false), await termsOf([creditReportSchema], 2));
    return gasOf(await consumeDirect(consentId));
  },
);
await measure(
  "consent.consume.later",
  "ConsentRegistry",
  "consume (direct, by the grantee), second use",
  "the bank (grantee)",
  "as above, on a consent used once before",
  async () => {
    const { consentId } = await grantSigned(await newOwner(false), await termsOf([creditReportSchema], 2));
    await consumeDirect(consentId);
    const gas = gasOf(await consumeDirect(consentId));
    const found = await getConsent(publicClient, { consentRegistry, consentId });
    if (found.uses !== 2) throw new Error(`Consent ${consentId} has ${found.uses} uses, expected 2.`);
    return gas;
  },
);

// ------------------------------------------------------------------ CreditOrderBook

await measure(
  "order.request",
  "CreditOrderBook",
  "request (includes the consent's consume)",
  "the bank",
  "a fresh consent (one use, signed by the subject, relayed by the bank), the subject's first order; calls IssuerRegistry.standing twice, ConsentRegistry.consent and ConsentRegistry.consume (first use); stores the order, appends it to three lists and the Requested set",
  async () => {
    const { orderId, gas } = await placeOrder();
    await expectState(orderId, "requested");
    return gas;
  },
);
await measure(
  "order.accept",
  "CreditOrderBook",
  "accept",
  "the credit agency",
  "Requested → Accepted; checks the agency's standing (IssuerRegistry)",
  async () => {
    const { orderId } = await placeOrder();
    const gas = gasOf(await acceptOrder(agency, { creditOrderBook, orderId }));
    await expectState(orderId, "accepted");
    return gas;
  },
);
await measure(
  "order.reject",
  "CreditOrderBook",
  "reject",
  "the credit agency",
  "Requested → Rejected, reason code stored",
  async () => {
    const { orderId } = await placeOrder();
    const gas = gasOf(await rejectOrder(agency, { creditOrderBook, orderId, reasonCode: REJECT_REASON }));
    await expectState(orderId, "rejected");
    return gas;
  },
);
await measure("order.cancel", "CreditOrderBook", "cancel", "the bank", "Requested → Cancelled", async () => {
  const { orderId } = await placeOrder();
  const gas = gasOf(await cancelOrder(bank, { creditOrderBook, orderId }));
  await expectState(orderId, "cancelled");
  return gas;
});
const anchorRuns: number[] = [];
await measure(
  "order.deliver",
  "CreditOrderBook",
  "deliver (without the report's anchor)",
  "the credit agency",
  "Accepted → Delivered; reads the report's record (FingerprintRegistry.verify), stores the fingerprint and the report → order link",
  async () => {
    const { orderId } = await placeOrder();
    await acceptOrder(agency, { creditOrderBook, orderId });
    const anchored = await anchorReport();
    anchorRuns.push(anchored.gas);
    const gas = gasOf(
      await deliverOrder(agency, { creditOrderBook, orderId, reportFingerprint: anchored.fingerprint }),
    );
    await expectState(orderId, "delivered");
    return gas;
  },
);
await measure(
  "report.anchor",
  "FingerprintRegistry",
  "anchor (the report a delivery needs; separate transaction)",
  "the credit agency",
  "FingerprintRegistry.anchor of the report's fingerprint under credit.report, no expiry; sent between accept and deliver (the runs of the deliver measurement)",
  (i) => Promise.resolve(anchorRuns[i]!),
);
await measure(
  "order.confirm",
  "CreditOrderBook",
  "confirm",
  "the bank",
  "Delivered → Confirmed",
  async () => {
    const orderId = await deliveredOrder();
    const gas = gasOf(await confirmOrder(bank, { creditOrderBook, orderId }));
    await expectState(orderId, "confirmed");
    return gas;
  },
);
await measure(
  "order.dispute",
  "CreditOrderBook",
  "dispute",
  "the bank",
  "Delivered → Disputed, reason code stored",
  async () => {
    const orderId = await deliveredOrder();
    const gas = gasOf(await disputeOrder(bank, { creditOrderBook, orderId, reasonCode: DISPUTE_REASON }));
    await expectState(orderId, "disputed");
    return gas;
  },
);
await measure(
  "order.expire",
  "CreditOrderBook",
  "expire",
  "anyone (the operator)",
  "Requested → Expired, after the response deadline (the chain's clock moved past it)",
  async () => {
    const orderId = await lapsedOrder();
    const gas = gasOf(await expireOrder(operator, { creditOrderBook, orderId }));
    await expectState(orderId, "expired");
    return gas;
  },
);

// ------------------------------------------------------------------ totals and output

const medianOf = (id: string): number => {
  const found = measurements.find((m) => m.id === id);
  if (!found) throw new Error(`No measurement ${id}.`);
  return found.median;
};
const flows = [
  {
    name: "The demo's order, end to end (consent signed and relayed, request, accept, anchor, deliver, confirm)",
    steps: [
      "consent.grantBySig.scope1",
      "order.request",
      "order.accept",
      "report.anchor",
      "order.deliver",
      "order.confirm",
    ],
  },
  {
    name: "Delivery including the report's anchor (two transactions of the agency)",
    steps: ["report.anchor", "order.deliver"],
  },
].map((flow) => ({ ...flow, total: flow.steps.reduce((sum, id) => sum + medianOf(id), 0) }));
for (const flow of flows) console.log(`${flow.name}: ${flow.total}`);

await writeResult("credit-gas", {
  benchmark: "credit-gas",
  machine,
  chain: {
    engine: "Hardhat EDR, in-process (network.create())",
    hardfork: "cancun",
    chainId: publicClient.chain.id,
    compiler: compilerOf(hre),
  },
  runsPerMeasurement: RUNS,
  method:
    "receipt gasUsed (includes the 21,000 intrinsic gas, calldata and refunds), median of the runs; every run on its own fresh consent and order, granted by its own fresh data owner. Every write is sent through the SDK's action (src/sdk/consent, src/sdk/credit, src/sdk/fingerprints; simulate, send, wait); signatures are EIP-712 by the owner's key with a fixed deadline (2100-01-01).",
  setup: {
    deployment:
      "ignition/modules/Crossproof.ts (the composed module): the committee Safe holds the administrative roles, the deployer none; the consent registry trusts the order book as a consumer",
    committee: "2-of-3 Safe of development accounts 10, 11, 12",
    decisions: `${decisions()} committee decisions through the SDK (committeeDecision): register credit.report@1.0, recognise the bank and the credit agency, grant the agency credit.report`,
    accounts:
      "bank: account 6, credit agency: account 7, operator/relayer: account 0, data owners: a fresh key per run",
    "steady state":
      "before measuring, one order rests in each of the eight order states and the bank already holds consents and orders, so no measured write opens an empty list or set of the bank, the agency or a state; the data owners are fresh (their first consent, first order as a subject)",
  },
  targets: "The issue gives no targets: figures only.",
  measurements,
  flows,
  durationMs: Math.round(performance.now() - started),
});
console.log("wrote bench/results/credit-gas.json");
await connection.close();
