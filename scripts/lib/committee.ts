/**
 * Setting up an issuer on a freshly deployed local chain the way the consortium does it: the
 * issuer applies, and the demo committee (development accounts 10 and 11 of the 2-of-3 Safe)
 * registers the schema, recognises the issuer and grants it the schema. For tests and benchmarks.
 */
import { createWalletClient, encodeFunctionData, http, type Chain, type Hex, type LocalAccount } from "viem";

import { DEMO_COMMITTEE_THRESHOLD, demoCommittee } from "../../src/demo/consortium.ts";
import { schemaRegistryAbi } from "../../src/sdk/abis.ts";
import type { DeploymentManifest } from "../../src/sdk/deployments.ts";
import { committeeDecision } from "../../src/sdk/governance/committee.ts";
import { applyForRecognition, issuerCalls, type IssuerType } from "../../src/sdk/issuers/issuers.ts";
import { schemaIdOf, type SchemaDefinition } from "../../src/sdk/schemas/schemas.ts";

export async function setUpIssuer({
  chain,
  rpcUrl,
  manifest,
  issuer,
  definition,
  type = "laboratory",
}: {
  chain: Chain;
  rpcUrl: string;
  manifest: DeploymentManifest;
  issuer: LocalAccount;
  definition: SchemaDefinition;
  type?: IssuerType;
}): Promise<{ schemaId: Hex }> {
  const wallet = (account: LocalAccount) => createWalletClient({ account, chain, transport: http(rpcUrl) });
  const committee = {
    committee: manifest.contracts.Committee as Hex,
    committeeProposals: manifest.contracts.CommitteeProposals as Hex,
    members: demoCommittee.slice(0, DEMO_COMMITTEE_THRESHOLD).map((member) => wallet(member.account)),
  };
  const issuerRegistry = manifest.contracts.IssuerRegistry as Hex;
  const schemaId = schemaIdOf(definition);
  await committeeDecision({
    ...committee,
    to: manifest.contracts.SchemaRegistry as Hex,
    data: encodeFunctionData({ abi: schemaRegistryAbi, functionName: "register", args: [definition] }),
    description: `Register schema ${definition.name}@${definition.version}`,
  });
  await applyForRecognition(wallet(issuer), {
    issuerRegistry,
    did: issuer.address,
    type,
    name: `Test issuer ${issuer.address.slice(0, 10)}`,
    jurisdiction: "MO",
  });
  await committeeDecision({
    ...committee,
    ...issuerCalls.recognize(issuerRegistry, issuer.address),
    description: `Recognise ${issuer.address}`,
  });
  await committeeDecision({
    ...committee,
    ...issuerCalls.grantSchema(issuerRegistry, issuer.address, schemaId),
    description: `Grant ${definition.name}@${definition.version} to ${issuer.address}`,
  });
  return { schemaId };
}
