/**
 * A scripted history for the audit tests: the `npm start` scenarios, then every other kind of
 * event the Crossproof contracts emit (many and batch anchors, leaf revocation and reinstatement,
 * DID owner/delegate/attribute changes and deactivation, issuer suspension, reinstatement,
 * schema revocation and removal, a withdrawn accreditation, a revoked consent, rejected and
 * cancelled orders, a consent use the grantee recorded itself under an order's id, the fingerprint registry paused and unpaused, a committee member added and the
 * threshold changed).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  http,
  keccak256,
  stringToHex,
  type Hex,
  type PublicClient,
} from "viem";
import { getBlock } from "viem/actions";

import { startDeployedChain, type DeployedChain } from "../../scripts/lib/local-chain.ts";
import {
  consortium,
  demoCommittee,
  demoSchemas,
  DEMO_COMMITTEE_THRESHOLD,
  type Member,
} from "../../src/demo/consortium.ts";
import {
  creditScenario,
  healthCodeScenario,
  identityScenario,
  medicalScenario,
  seedConsortium,
  type DemoContext,
} from "../../src/demo/scenarios.ts";
import { consentRegistryAbi, safeAbi } from "../../src/sdk/abis.ts";
import { transact, type SigningClient } from "../../src/sdk/actions/transact.ts";
import { codeOf, grantConsent, revokeConsent } from "../../src/sdk/consent/consent.ts";
import { cancelOrder, rejectOrder, requestOrder } from "../../src/sdk/credit/orders.ts";
import { parseDeploymentManifest, type DeploymentManifest } from "../../src/sdk/deployments.ts";
import {
  anchorBatch,
  anchorFingerprints,
  getSchemaIndex,
  registryPauseCalls,
  reinstateFingerprint,
  revokeFingerprint,
} from "../../src/sdk/fingerprints/actions.ts";
import { buildMerkleTree, merkleProof, merkleRoot } from "../../src/sdk/fingerprints/merkle.ts";
import { committeeDecision } from "../../src/sdk/governance/committee.ts";
import {
  addDidDelegate,
  changeDidOwner,
  deactivateDid,
  revokeDidAttribute,
  revokeDidDelegate,
  setDidAttribute,
} from "../../src/sdk/identity/actions.ts";
import { serviceAttribute } from "../../src/sdk/identity/attributes.ts";
import { issuerCalls } from "../../src/sdk/issuers/issuers.ts";
import { schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

export type HistoryChain = {
  chain: DeployedChain;
  manifest: DeploymentManifest;
  publicClient: PublicClient;
  context: DemoContext;
  wallet(member: Member): SigningClient;
};

/** Starts a deployed chain and a client for it. */
export async function startHistoryChain(engine: "hardhat" | "anvil", chainId: number): Promise<HistoryChain> {
  const chain = await startDeployedChain(engine, chainId);
  const manifest = parseDeploymentManifest(
    JSON.parse(await readFile(join(chain.deploymentsDir, `${chainId}.json`), "utf8")),
    "manifest",
  );
  const viemChain = defineChain({
    id: chainId,
    name: `audit test ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain: viemChain, transport: http(chain.rpcUrl) });
  const context: DemoContext = {
    chain: viemChain,
    rpcUrl: chain.rpcUrl,
    publicClient,
    manifest,
    documentsDir: join(chain.deploymentsDir, "documents"),
    log: () => {},
  };
  return {
    chain,
    manifest,
    publicClient,
    context,
    wallet: (member) =>
      createWalletClient({ account: member.account, chain: viemChain, transport: http(chain.rpcUrl) }),
  };
}

const fingerprint = (label: string): Hex => keccak256(stringToHex(`audit-history:${label}`));

export type History = {
  manyFingerprints: Hex[];
  batchRoot: Hex;
  batchLeaves: Hex[];
  consentId: Hex;
  revokedConsentId: Hex;
  rejectedOrderId: Hex;
  cancelledOrderId: Hex;
  confirmedOrderId: Hex;
};

/** Writes the whole history; returns the ids the tests look up. */
export async function writeHistory(h: HistoryChain): Promise<History> {
  const { context, manifest } = h;
  const c = manifest.contracts;
  await seedConsortium(context);
  await identityScenario(context);
  await healthCodeScenario(context, "audit");
  await medicalScenario(context, "audit");
  const credit = await creditScenario(context, "audit");

  const committee = {
    committee: c.Committee as Hex,
    committeeProposals: c.CommitteeProposals as Hex,
    members: demoCommittee.slice(0, DEMO_COMMITTEE_THRESHOLD).map((m) => h.wallet(m)),
  };
  const fingerprintRegistry = c.FingerprintRegistry as Hex;
  const issuerRegistry = c.IssuerRegistry as Hex;
  const hospital = h.wallet(consortium.hongKongHospital);
  const recordSchema = schemaIdOf(demoSchemas[1]!.definition);
  const recordIndex = await getSchemaIndex(h.publicClient, {
    schemaRegistry: c.SchemaRegistry as Hex,
    schemaId: recordSchema,
  });

  // Fingerprints: many, batch with URI, leaf revoked then reinstated (medical.record is reinstatable).
  const manyFingerprints = [fingerprint("many-1"), fingerprint("many-2"), fingerprint("many-3")];
  await anchorFingerprints(hospital, {
    fingerprintRegistry,
    fingerprints: manyFingerprints,
    schemaIndex: recordIndex,
  });
  const batchLeaves = Array.from({ length: 5 }, (_, i) => fingerprint(`leaf-${i}`));
  const tree = buildMerkleTree(batchLeaves);
  const batchRoot = merkleRoot(tree);
  await anchorBatch(hospital, {
    fingerprintRegistry,
    root: batchRoot,
    leafCount: batchLeaves.length,
    schemaIndex: recordIndex,
    uri: "https://records.example/hk/batch-1.json",
  });
  const leafProof = merkleProof(tree, 2);
  await revokeFingerprint(hospital, {
    fingerprintRegistry,
    fingerprint: batchLeaves[2]!,
    reason: 1,
    batch: { root: batchRoot, proof: leafProof },
  });
  await reinstateFingerprint(hospital, {
    fingerprintRegistry,
    fingerprint: batchLeaves[2]!,
    batch: { root: batchRoot, proof: leafProof },
  });
  await revokeFingerprint(hospital, {
    fingerprintRegistry,
    fingerprint: manyFingerprints[0]!,
    reason: 3,
    supersededBy: manyFingerprints[1]!,
  });
  await reinstateFingerprint(hospital, { fingerprintRegistry, fingerprint: manyFingerprints[0]! });

  // DIDs: the insurer's own DID gets a delegate and an attribute, both revoked, then a new owner;
  // the regulator's DID is deactivated.
  const didRegistry = c.DIDRegistry as Hex;
  const insurer = h.wallet(consortium.insurer);
  const identity = consortium.insurer.account.address;
  await addDidDelegate(insurer, {
    didRegistry,
    identity,
    delegateType: "veriKey",
    delegate: consortium.bank.account.address,
    validity: 86_400,
  });
  await revokeDidDelegate(insurer, {
    didRegistry,
    identity,
    delegateType: "veriKey",
    delegate: consortium.bank.account.address,
  });
  const service = serviceAttribute({ type: "AuditTest", endpoint: "https://insurer.example/audit" });
  await setDidAttribute(insurer, { didRegistry, identity, ...service, validity: 86_400 });
  await revokeDidAttribute(insurer, { didRegistry, identity, ...service });
  await changeDidOwner(insurer, { didRegistry, identity, newOwner: consortium.operator.account.address });
  await deactivateDid(h.wallet(consortium.regulator), {
    didRegistry,
    identity: consortium.regulator.account.address,
  });

  // Issuers: the Zhuhai hospital suspended and reinstated; the Macao lab loses its schema
  // (AccreditationWithdrawn) and is removed.
  const now = async () => new Date(Number((await getBlock(h.publicClient)).timestamp) * 1000);
  const zhuhai = consortium.zhuhaiHospital.account.address;
  await committeeDecision({
    ...committee,
    ...issuerCalls.suspend(issuerRegistry, zhuhai, await now()),
    description: "Suspend Zhuhai",
  });
  // Reinstating in the second the suspension began would leave an empty window (ReaccreditationTooEarly).
  await h.chain.rpc("evm_increaseTime", [5]);
  await h.chain.rpc("evm_mine", []);
  await committeeDecision({
    ...committee,
    ...issuerCalls.reinstate(issuerRegistry, zhuhai),
    description: "Reinstate Zhuhai",
  });
  const lab = consortium.macaoLab.account.address;
  await committeeDecision({
    ...committee,
    ...issuerCalls.revokeSchema(issuerRegistry, lab, schemaIdOf(demoSchemas[0]!.definition), await now()),
    description: "Revoke health.test-report from the Macao lab",
  });
  await committeeDecision({
    ...committee,
    ...issuerCalls.remove(issuerRegistry, lab, await now()),
    description: "Remove the Macao lab",
  });

  // Consents: one granted and revoked; orders rejected and cancelled.
  const enterprise = h.wallet(consortium.enterprise);
  const bank = h.wallet(consortium.bank);
  const agency = h.wallet(consortium.creditAgency);
  const consentRegistry = c.ConsentRegistry as Hex;
  const creditOrderBook = c.CreditOrderBook as Hex;
  const t = BigInt(Math.floor((await now()).getTime() / 1000));
  const terms = {
    grantee: consortium.bank.account.address,
    purpose: codeOf("credit-report"),
    scope: [schemaIdOf(demoSchemas[3]!.definition)],
    validFrom: t,
    validUntil: t + 30n * 86_400n,
    maxUses: 3,
  };
  const { consentId: revokedConsentId } = await grantConsent(enterprise, { consentRegistry, terms });
  await revokeConsent(enterprise, { consentRegistry, consentId: revokedConsentId });
  const { consentId } = await grantConsent(enterprise, { consentRegistry, terms });
  const order = {
    provider: consortium.creditAgency.account.address,
    subject: consortium.enterprise.account.address,
    productCode: codeOf("enterprise-credit-basic"),
    consentId,
    requestHash: fingerprint("request"),
    responseDeadline: t + 7n * 86_400n,
  };
  const { orderId: rejectedOrderId } = await requestOrder(bank, { creditOrderBook, order });
  await rejectOrder(agency, {
    creditOrderBook,
    orderId: rejectedOrderId,
    reasonCode: codeOf("insufficient-data"),
  });
  const { orderId: cancelledOrderId } = await requestOrder(bank, { creditOrderBook, order });
  await cancelOrder(bank, { creditOrderBook, orderId: cancelledOrderId });
  // The bank records the consent's third use itself, naming the rejected order as its reference:
  // a use of the consent, which the rejected order's timeline must not claim as its own.
  await transact(bank, {
    address: consentRegistry,
    abi: consentRegistryAbi,
    functionName: "consume",
    args: [consentId, bank.account.address, terms.purpose, terms.scope[0]!, rejectedOrderId],
  });

  // The consortium's emergency stop: the fingerprint registry paused, then unpaused.
  await committeeDecision({
    ...committee,
    ...registryPauseCalls.pause(fingerprintRegistry),
    description: "Pause the fingerprint registry",
  });
  await committeeDecision({
    ...committee,
    ...registryPauseCalls.unpause(fingerprintRegistry),
    description: "Unpause the fingerprint registry",
  });

  // Committee: a fourth member joins and the threshold becomes 3.
  await committeeDecision({
    ...committee,
    to: c.Committee as Hex,
    data: encodeFunctionData({
      abi: safeAbi,
      functionName: "addOwnerWithThreshold",
      args: [consortium.regulator.account.address, 3n],
    }),
    description: "Add the regulator to the committee, 3 of 4",
  });

  return {
    manyFingerprints,
    batchRoot,
    batchLeaves,
    consentId,
    revokedConsentId,
    rejectedOrderId,
    cancelledOrderId,
    confirmedOrderId: credit.orderId,
  };
}
