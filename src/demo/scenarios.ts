/**
 * The seed's scenarios, run against a deployed Crossproof chain with the SDK — the same calls a
 * lab, a hospital, a border agency or an insurer would make. Used by `npm start` (printed) and by
 * test/start (asserted). Each document is a file the person carries, with its data package beside it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import {
  createWalletClient,
  encodeFunctionData,
  http,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { readContract } from "viem/actions";

import { schemaRegistryAbi } from "../sdk/abis.ts";
import type { SigningClient } from "../sdk/actions/transact.ts";
import type { DeploymentManifest } from "../sdk/deployments.ts";
import { anchorFingerprint, revokeFingerprint } from "../sdk/fingerprints/actions.ts";
import { createDataPackage, type DataPackage } from "../sdk/fingerprints/package.ts";
import { revocationReasons } from "../sdk/fingerprints/reasons.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../sdk/fingerprints/spec.ts";
import { verifyDataPackage, type DocumentVerification } from "../sdk/fingerprints/verify-package.ts";
import { codeOf, signConsent, submitSignedConsent } from "../sdk/consent/consent.ts";
import {
  acceptOrder,
  confirmOrder,
  deliverOrder,
  disputeOrder,
  getOrder,
  orderTimeline,
  requestOrder,
} from "../sdk/credit/orders.ts";
import { committeeDecision, type ProposalCall } from "../sdk/governance/committee.ts";
import { getDidChanged, submitSignedDidRequest } from "../sdk/identity/actions.ts";
import { serviceAttribute } from "../sdk/identity/attributes.ts";
import { didOf } from "../sdk/identity/did.ts";
import { createDidResolver } from "../sdk/identity/resolver.ts";
import { signDidChange } from "../sdk/identity/typed-data.ts";
import { applyForRecognition, getIssuer, issuerCalls } from "../sdk/issuers/issuers.ts";
import { schemaIdOf } from "../sdk/schemas/schemas.ts";
import {
  consortium,
  DEMO_COMMITTEE_THRESHOLD,
  demoCommittee,
  demoSchemas,
  person,
  type Member,
} from "./consortium.ts";

export type DemoContext = {
  chain: Chain;
  rpcUrl: string;
  publicClient: PublicClient;
  manifest: DeploymentManifest;
  /** Where the person's documents and packages are written. */
  documentsDir: string;
  log: (line: string) => void;
};

function wallet(context: DemoContext, member: Member): SigningClient {
  return createWalletClient({
    account: member.account,
    chain: context.chain,
    transport: http(context.rpcUrl),
  });
}

export type SeedSummary = { registered: number; recognized: number; granted: number; decisions: number };

/**
 * Sets the consortium up the way its committee would: every institution applies to the
 * IssuerRegistry with its DID, and the committee (2 of its 3 members) registers the schemas,
 * recognises the institutions and grants each issuer its schemas — each a proposal submitted,
 * approved and executed by the committee Safe. Skips whatever is already on chain.
 */
export async function seedConsortium(context: DemoContext): Promise<SeedSummary> {
  const { SchemaRegistry, IssuerRegistry, Committee, CommitteeProposals } = context.manifest.contracts;
  const issuerRegistry = IssuerRegistry as Hex;
  const members = demoCommittee.slice(0, DEMO_COMMITTEE_THRESHOLD).map((member) => wallet(context, member));
  const committee = { committee: Committee as Hex, committeeProposals: CommitteeProposals as Hex, members };
  const summary: SeedSummary = { registered: 0, recognized: 0, granted: 0, decisions: 0 };
  const decide = async (description: string, call: ProposalCall) => {
    await committeeDecision({ ...committee, ...call, description });
    summary.decisions++;
  };

  for (const { definition } of demoSchemas) {
    const exists = await readContract(context.publicClient, {
      address: SchemaRegistry as Hex,
      abi: schemaRegistryAbi,
      functionName: "exists",
      args: [schemaIdOf(definition)],
    });
    if (exists) continue;
    await decide(`Register schema ${definition.name} ${definition.version}`, {
      to: SchemaRegistry as Hex,
      data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [definition] }),
    });
    summary.registered++;
  }

  for (const member of Object.values(consortium)) {
    if (!member.institution) continue;
    const account = member.account.address;
    let issuer = await getIssuer(context.publicClient, { issuerRegistry, account });
    if (issuer.status === "none") {
      await applyForRecognition(wallet(context, member), {
        issuerRegistry,
        did: account,
        type: member.institution.type,
        name: member.name,
        jurisdiction: member.institution.jurisdiction,
      });
      issuer = await getIssuer(context.publicClient, { issuerRegistry, account });
    }
    if (issuer.status === "applied") {
      await decide(`Recognise ${member.name}`, issuerCalls.recognize(issuerRegistry, account));
      summary.recognized++;
    }
  }

  for (const { definition, issuers } of demoSchemas) {
    const schemaId = schemaIdOf(definition);
    for (const key of issuers) {
      const member = consortium[key];
      const issuer = await getIssuer(context.publicClient, {
        issuerRegistry,
        account: member.account.address,
      });
      if (issuer.schemaIds.includes(schemaId)) continue;
      await decide(
        `Grant ${definition.name} ${definition.version} to ${member.name}`,
        issuerCalls.grantSchema(issuerRegistry, member.account.address, schemaId),
      );
      summary.granted++;
    }
  }
  return summary;
}

export type PairwiseDid = {
  relationship: string;
  did: string;
  /** The service endpoint the resolved DID document lists (what the institution reaches the person by). */
  serviceEndpoint: string | undefined;
  /** Whether this run published it (false when an earlier run had). */
  published: boolean;
};

export type IdentityOutcome = { institutions: { name: string; did: string }[]; pairwise: PairwiseDid[] };

/**
 * DIDs: each institution's DID is its account's `did:ethr`; the person holds one pairwise DID per
 * institution, so that no two institutions can link their records by identifier. The person's keys
 * never hold funds: each publishes a private inbox endpoint with a signed request that the
 * institution relays (and pays for). Every DID is then resolved by the stock ethr-did-resolver.
 */
export async function identityScenario(context: DemoContext): Promise<IdentityOutcome> {
  const chainId = context.chain.id;
  const didRegistry = context.manifest.contracts.DIDRegistry as Hex;
  const resolver = createDidResolver({ chainId, rpcUrl: context.rpcUrl, didRegistry });
  try {
    const institutions = Object.values(consortium)
      .filter((member) => member.institution)
      .map((member) => ({ name: member.name, did: didOf({ chainId, address: member.account.address }) }));
    context.log(
      "Identity — every institution is a did:ethr DID; the person holds one pairwise DID per institution.",
    );
    const pairwise: PairwiseDid[] = [];
    for (const [key, account] of Object.entries(person.pairwise) as [
      keyof typeof person.pairwise,
      LocalAccount,
    ][]) {
      const institution = consortium[key];
      const did = didOf({ chainId, address: account.address });
      const published =
        (await getDidChanged(context.publicClient, { didRegistry, identity: account.address })) === 0n;
      if (published) {
        const holder = createWalletClient({ account, chain: context.chain, transport: http(context.rpcUrl) });
        const request = await signDidChange(holder, {
          didRegistry,
          change: {
            action: "setAttribute",
            identity: account.address,
            ...serviceAttribute({
              type: "MessagingService",
              endpoint: `https://wallet.crossproof.example/inbox/${randomSalt().slice(2, 18)}`,
            }),
            validity: 365n * 86_400n,
          },
        });
        await submitSignedDidRequest(wallet(context, institution), { didRegistry, request });
      }
      const { didDocument } = await resolver.resolve(did);
      const service = didDocument?.service?.[0]?.serviceEndpoint;
      pairwise.push({
        relationship: institution.name,
        did,
        serviceEndpoint: typeof service === "string" ? service : undefined,
        published,
      });
      context.log(
        `  with ${institution.name}: ${did}${published ? " (published by a signed request the institution relayed)" : ""}`,
      );
    }
    return { institutions, pairwise };
  } finally {
    resolver.destroy();
  }
}

type Issued = { file: string; dataPackage: DataPackage };

/** An issuer anchors `content` as a document file and writes its data package beside it. */
async function issue(
  context: DemoContext,
  issuer: Member,
  schemaName: string,
  fileName: string,
  content: string,
  expiresAt = 0,
): Promise<Issued> {
  await mkdir(context.documentsDir, { recursive: true });
  const file = join(context.documentsDir, fileName);
  await writeFile(file, content);
  const schemaId = schemaIdOf({ name: schemaName, version: "1.0" });
  const schemaIndex = await readContract(context.publicClient, {
    address: context.manifest.contracts.SchemaRegistry as Hex,
    abi: schemaRegistryAbi,
    functionName: "indexOf",
    args: [schemaId],
  });
  const salt = randomSalt();
  const fingerprint = computeFingerprint({ documentHash: hashDocument(Buffer.from(content)), salt });
  const fingerprintRegistry = context.manifest.contracts.FingerprintRegistry as Hex;
  const { transactionHash, receipt } = await anchorFingerprint(wallet(context, issuer), {
    fingerprintRegistry,
    fingerprint,
    schemaIndex,
    expiresAt,
  });
  const dataPackage = createDataPackage({
    chainId: context.chain.id,
    registry: fingerprintRegistry,
    schemaId,
    issuer: issuer.account.address,
    salt,
    fingerprint,
    expiresAt,
    anchor: { kind: "single", transactionHash, blockNumber: Number(receipt.blockNumber) },
  });
  await writeFile(`${file}.proof.json`, `${JSON.stringify(dataPackage, null, 2)}\n`);
  context.log(
    `  ${issuer.name} anchors ${fileName} (${fingerprint.slice(0, 18)}…) in block ${receipt.blockNumber}`,
  );
  return { file, dataPackage };
}

export type Check = DocumentVerification & { by: string; document: string; latencyMs: number };

/** A verifier checks a file (as received) against the package it came with: one hash, one chain read. */
async function check(
  context: DemoContext,
  verifier: Member,
  file: string,
  dataPackage: DataPackage,
): Promise<Check> {
  const started = performance.now();
  const documentHash = hashDocument(await readFile(file));
  const report = await verifyDataPackage(context.publicClient, {
    documentHash,
    dataPackage,
    trustedRegistry: context.manifest.contracts.FingerprintRegistry as Hex,
  });
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const name = file.slice(context.documentsDir.length + 1);
  context.log(`  ${verifier.name} verifies ${name}: ${report.status.toUpperCase()} in ${latencyMs} ms`);
  return { ...report, by: verifier.name, document: name, latencyMs };
}

export type HealthCodeOutcome = { fingerprint: Hex; genuine: Check; tampered: Check; afterRevocation: Check };

/**
 * Scenario 1, health-code mutual recognition: a Macao lab anchors a test report for a traveller; at
 * the border the agency verifies the traveller's copy (valid), a tampered copy (mismatch), and the
 * same report after the lab revokes it (revoked).
 */
export async function healthCodeScenario(context: DemoContext, stamp: string): Promise<HealthCodeOutcome> {
  context.log("Scenario 1 — health code: a lab report checked at the Macao border");
  const content = `Macao Public Health Laboratory\nTest: SARS-CoV-2 RT-PCR\nResult: NEGATIVE\nSample: ${stamp}\nHolder: traveller #A-1043 (pairwise id)\n`;
  const week = Math.floor(Date.now() / 1000) + 7 * 86_400;
  const report = await issue(
    context,
    consortium.macaoLab,
    "health.test-report",
    `test-report-${stamp}.txt`,
    content,
    week,
  );
  const genuine = await check(context, consortium.macaoBorder, report.file, report.dataPackage);

  const tamperedFile = report.file.replace(".txt", "-tampered.txt");
  await writeFile(tamperedFile, content.replace("NEGATIVE", "NEGATIVE (valid 30 days)"));
  const tampered = await check(context, consortium.macaoBorder, tamperedFile, report.dataPackage);

  await revokeFingerprint(wallet(context, consortium.macaoLab), {
    fingerprintRegistry: report.dataPackage.registry,
    fingerprint: report.dataPackage.fingerprint,
    reason: revocationReasons["issued-in-error"],
  });
  context.log("  Macao Public Health Laboratory revokes the report (issued in error)");
  const afterRevocation = await check(context, consortium.macaoBorder, report.file, report.dataPackage);
  return { fingerprint: report.dataPackage.fingerprint, genuine, tampered, afterRevocation };
}

export type MedicalOutcome = { recordFingerprint: Hex; billFingerprint: Hex; record: Check; bill: Check };

/**
 * Scenario 2, cross-border medical records and bills: a Hong Kong hospital anchors a record the
 * patient carries to Zhuhai; the Zhuhai hospital verifies it without receiving any data from Hong
 * Kong, treats the patient and anchors the bill; the insurer verifies the bill.
 */
export async function medicalScenario(context: DemoContext, stamp: string): Promise<MedicalOutcome> {
  context.log("Scenario 2 — medical record from Hong Kong, treatment in Zhuhai, bill to the insurer");
  const record = await issue(
    context,
    consortium.hongKongHospital,
    "medical.record",
    `medical-record-${stamp}.txt`,
    `Queen Mary Hospital, Hong Kong\nDischarge summary ${stamp}\nDiagnosis: type 2 diabetes, stable\nMedication: metformin 500 mg\n`,
  );
  const recordCheck = await check(context, consortium.zhuhaiHospital, record.file, record.dataPackage);
  const bill = await issue(
    context,
    consortium.zhuhaiHospital,
    "medical.bill",
    `medical-bill-${stamp}.txt`,
    `Zhuhai People's Hospital\nInvoice ${stamp}\nConsultation and HbA1c test: CNY 680.00\n`,
  );
  const billCheck = await check(context, consortium.insurer, bill.file, bill.dataPackage);
  return {
    recordFingerprint: record.dataPackage.fingerprint,
    billFingerprint: bill.dataPackage.fingerprint,
    record: recordCheck,
    bill: billCheck,
  };
}

export type CreditOutcome = {
  consentId: Hex;
  orderId: Hex;
  reportFingerprint: Hex;
  /** The bank's check of the delivered report file against the chain. */
  report: Check;
  /** Whether the delivered file is the one the order names. */
  reportMatchesOrder: boolean;
  finalState: string;
  /** The regulator's timeline, rebuilt from events alone. */
  timeline: { at: string; event: string; actor: string; state: string }[];
};

/**
 * Scenario 3, the Pearl River Delta credit chain: the enterprise consents by an EIP-712 signature
 * (it pays nothing: the bank relays it), the bank orders a report from the credit agency with that
 * consent, the agency accepts, anchors the report and delivers its fingerprint, the bank verifies
 * the file it received and confirms, and the regulator rebuilds the whole order from events.
 */
export async function creditScenario(context: DemoContext, stamp: string): Promise<CreditOutcome> {
  const { ConsentRegistry, CreditOrderBook } = context.manifest.contracts;
  const consentRegistry = ConsentRegistry as Hex;
  const creditOrderBook = CreditOrderBook as Hex;
  const { bank, creditAgency, enterprise, regulator } = consortium;
  context.log(
    "Scenario 3 — credit: a bank orders an enterprise's credit report with the enterprise's consent",
  );

  const { timestamp } = await context.publicClient.getBlock();
  const schemaId = schemaIdOf({ name: "credit.report", version: "1.0" });
  const purpose = codeOf("credit-report");
  const signed = await signConsent(wallet(context, enterprise), {
    consentRegistry,
    terms: {
      grantee: bank.account.address,
      purpose,
      scope: [schemaId],
      validFrom: timestamp,
      validUntil: timestamp + 30n * 86_400n,
      maxUses: 1,
    },
  });
  const { consentId } = await submitSignedConsent(wallet(context, bank), { consentRegistry, signed });
  context.log(
    `  ${enterprise.name} signs a consent (credit report, 30 days, one use); the bank relays it: ${consentId.slice(0, 18)}…`,
  );

  // The request travels off chain; only its SHA-256 goes on chain, salted by a random line so the
  // hash cannot be confirmed by guessing the text.
  const requestDocument = `Credit report request ${stamp}\nSubject: ${enterprise.name}\nProduct: enterprise-credit-basic\nNonce: ${randomSalt()}\n`;
  const { orderId } = await requestOrder(wallet(context, bank), {
    creditOrderBook,
    order: {
      provider: creditAgency.account.address,
      subject: enterprise.account.address,
      productCode: codeOf("enterprise-credit-basic"),
      consentId,
      requestHash: hashDocument(Buffer.from(requestDocument)),
      responseDeadline: timestamp + 7n * 86_400n,
    },
  });
  context.log(`  ${bank.name} orders the report from ${creditAgency.name}: order ${orderId.slice(0, 18)}…`);
  await acceptOrder(wallet(context, creditAgency), { creditOrderBook, orderId });
  context.log(`  ${creditAgency.name} accepts`);
  const report = await issue(
    context,
    creditAgency,
    "credit.report",
    `credit-report-${stamp}.txt`,
    `Pearl River Delta Credit Agency\nCredit report ${stamp}\nSubject: ${enterprise.name}\nRating: A-\nOverdue loans: none\n`,
  );
  await deliverOrder(wallet(context, creditAgency), {
    creditOrderBook,
    orderId,
    reportFingerprint: report.dataPackage.fingerprint,
  });
  context.log(
    `  ${creditAgency.name} delivers the report's fingerprint; the report itself goes to the bank off chain`,
  );
  const reportCheck = await check(context, bank, report.file, report.dataPackage);
  const order = await getOrder(context.publicClient, { creditOrderBook, orderId });
  const reportMatchesOrder = order.reportFingerprint === report.dataPackage.fingerprint;
  if (reportCheck.status === "valid" && reportMatchesOrder) {
    await confirmOrder(wallet(context, bank), { creditOrderBook, orderId });
    context.log(`  ${bank.name} confirms the order`);
  } else {
    await disputeOrder(wallet(context, bank), {
      creditOrderBook,
      orderId,
      reasonCode: codeOf("report-mismatch"),
    });
    context.log(`  ${bank.name} disputes the order: the report does not check out`);
  }

  const timeline = await orderTimeline(context.publicClient, {
    creditOrderBook,
    consentRegistry,
    orderId,
    fromBlock: BigInt(context.manifest.startBlock),
  });
  const names = new Map(
    Object.values(consortium).map((member) => [member.account.address.toLowerCase(), member.name] as const),
  );
  names.set(creditOrderBook.toLowerCase(), "the credit order book");
  context.log(`  ${regulator.name} rebuilds the order from events (observer node):`);
  const labels = {
    ConsentGranted: "consent granted",
    ConsentConsumed: "consent used",
    OrderRequested: "requested",
  };
  for (const entry of timeline) {
    const label = entry.event === "OrderStateChanged" ? entry.state : labels[entry.event];
    const actor = names.get(entry.actor.toLowerCase()) ?? entry.actor;
    context.log(`    ${entry.at.toISOString()}  ${label.padEnd(16)} by ${actor}`);
  }
  const final = await getOrder(context.publicClient, { creditOrderBook, orderId });
  return {
    consentId,
    orderId,
    reportFingerprint: report.dataPackage.fingerprint,
    report: reportCheck,
    reportMatchesOrder,
    finalState: final.state,
    timeline: timeline.map((entry) => ({
      at: entry.at.toISOString(),
      event: entry.event,
      actor: entry.actor,
      state: entry.state,
    })),
  };
}
