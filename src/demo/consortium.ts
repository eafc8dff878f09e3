/**
 * The demo consortium `npm start` seeds: the Greater Bay Area institutions of the seed story, each a
 * well-known development account. These keys are public (every Hardhat/anvil install prints them):
 * for a local demo chain only, never for anything real.
 */
import { zeroHash } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

import type { IssuerType } from "../sdk/issuers/issuers.ts";
import type { SchemaDefinition } from "../sdk/schemas/schemas.ts";

/** The mnemonic of Hardhat's and anvil's development accounts. Public. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export type Member = {
  name: string;
  role: string;
  account: HDAccount;
  /** Institutions register in the IssuerRegistry with this type and jurisdiction (ISO 3166). */
  institution?: { type: IssuerType; jurisdiction: string };
};

function member(
  addressIndex: number,
  name: string,
  role: string,
  institution?: { type: IssuerType; jurisdiction: string },
): Member {
  return {
    name,
    role,
    account: mnemonicToAccount(DEV_MNEMONIC, { addressIndex }),
    ...(institution ? { institution } : {}),
  };
}

/** Who is who on the demo chain. Index 0 deploys, hands every power to the committee, and relays. */
export const consortium = {
  operator: member(0, "Consortium operator", "deploys, then holds no power; relays signed requests"),
  macaoLab: member(1, "Macao Public Health Laboratory", "issues test reports", {
    type: "laboratory",
    jurisdiction: "MO",
  }),
  hongKongHospital: member(2, "Hong Kong Queen Mary Hospital", "issues medical records", {
    type: "hospital",
    jurisdiction: "HK",
  }),
  zhuhaiHospital: member(3, "Zhuhai People's Hospital", "verifies records, issues medical bills", {
    type: "hospital",
    jurisdiction: "CN-GD",
  }),
  macaoBorder: member(4, "Macao Border Agency", "verifies health codes", {
    type: "border-agency",
    jurisdiction: "MO",
  }),
  insurer: member(5, "Macao Health Insurer", "verifies medical bills", {
    type: "insurer",
    jurisdiction: "MO",
  }),
  bank: member(6, "Guangzhou Commercial Bank", "orders credit reports (consent/credit issue)", {
    type: "bank",
    jurisdiction: "CN-GD",
  }),
  creditAgency: member(
    7,
    "Pearl River Delta Credit Agency",
    "delivers credit reports (consent/credit issue)",
    {
      type: "credit-agency",
      jurisdiction: "CN-GD",
    },
  ),
  regulator: member(8, "Greater Bay Area Regulator", "reads the audit trail", {
    type: "regulator",
    jurisdiction: "CN-GD",
  }),
  enterprise: member(9, "Zhongshan Precision Manufacturing Co.", "credit subject; grants consent"),
} as const;

/**
 * The committee: one member per jurisdiction of the Greater Bay Area, a 2-of-3 Safe that holds
 * ADMIN_ROLE and every administrative role.
 */
export const demoCommittee: readonly Member[] = [
  member(10, "Guangdong committee member", "approves consortium changes"),
  member(11, "Hong Kong committee member", "approves consortium changes"),
  member(12, "Macao committee member", "approves consortium changes"),
];
export const DEMO_COMMITTEE_THRESHOLD = 2;

/**
 * The person of the scenarios, who holds one pairwise DID per relationship so that the Macao lab,
 * the Hong Kong hospital and the Zhuhai hospital cannot link their records by identifier. These
 * keys never hold funds: their DID documents are written with signed requests that the
 * institutions relay.
 */
export const person = {
  name: "Ms. Chan (a traveller between Macao, Hong Kong and Zhuhai)",
  pairwise: {
    macaoLab: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 100 }),
    hongKongHospital: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 101 }),
    zhuhaiHospital: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 102 }),
  },
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
  {
    // The schema the CreditOrderBook was deployed with (ignition/modules/CreditOrderBook.ts).
    definition: schema("credit.report", "Enterprise credit report delivered to a bank", true, false),
    issuers: ["creditAgency"],
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
