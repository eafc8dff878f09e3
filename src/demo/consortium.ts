/**
 * The demo consortium `npm start` seeds: the Greater Bay Area institutions of the seed story, each a
 * well-known development account. These keys are public (every Hardhat/anvil install prints them):
 * for a local demo chain only, never for anything real.
 */
import { zeroHash } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

import type { SchemaDefinition } from "../sdk/schemas/schemas.ts";

/** The mnemonic of Hardhat's and anvil's development accounts. Public. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export type Member = { name: string; role: string; account: HDAccount };

function member(addressIndex: number, name: string, role: string): Member {
  return { name, role, account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex }) };
}

/** Who is who on the demo chain. Index 0 deploys and administers until the governance issue lands. */
export const consortium = {
  operator: member(0, "Consortium operator", "deployer; schema and accreditation admin"),
  macaoLab: member(1, "Macao Public Health Laboratory", "issues test reports"),
  hongKongHospital: member(2, "Hong Kong Queen Mary Hospital", "issues medical records"),
  zhuhaiHospital: member(3, "Zhuhai People's Hospital", "verifies records, issues medical bills"),
  macaoBorder: member(4, "Macao Border Agency", "verifies health codes"),
  insurer: member(5, "Macao Health Insurer", "verifies medical bills"),
  bank: member(6, "Guangzhou Commercial Bank", "orders credit reports (consent/credit issue)"),
  creditAgency: member(
    7,
    "Pearl River Delta Credit Agency",
    "delivers credit reports (consent/credit issue)",
  ),
  regulator: member(8, "Greater Bay Area Regulator", "reads the audit trail"),
} as const;

/** The document kinds the scenarios use, and which member may issue each. */
export const demoSchemas: { definition: SchemaDefinition; issuers: (keyof typeof consortium)[] }[] = [
  {
    definition: schema(
      "health.test-report",
      "Result of a laboratory test (health-code recognition)",
      true,
      false,
    ),
    issuers: ["macaoLab"],
  },
  {
    definition: schema("medical.record", "Cross-border medical record carried by the patient", true, true),
    issuers: ["hongKongHospital"],
  },
  {
    definition: schema("medical.bill", "Hospital bill presented to an insurer", true, false),
    issuers: ["zhuhaiHospital"],
  },
];

function schema(
  name: string,
  description: string,
  revocable: boolean,
  reinstatable: boolean,
): SchemaDefinition {
  return {
    name,
    version: "1.0",
    definitionURI: `https://schemas.crossproof.example/${name}/1.0.json#${encodeURIComponent(description)}`,
    definitionHash: zeroHash,
    revocable,
    reinstatable,
  };
}
