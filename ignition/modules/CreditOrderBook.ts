import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { encodeAbiParameters, keccak256, stringToHex } from "viem";

import ConsentRegistryModule from "./ConsentRegistry.ts";
import IssuerRegistryModule from "./IssuerRegistry.ts";

/** The schema credit reports are anchored under (registered by the committee): credit.report@1.0. */
export const CREDIT_REPORT_SCHEMA = { name: "credit.report", version: "1.0" } as const;
/** The purpose code a consent must carry for a credit report to be ordered with it. */
export const CREDIT_REPORT_PURPOSE = stringToHex("credit-report", { size: 32 });
const THIRTY_DAYS = 30 * 24 * 60 * 60;

/** keccak256(abi.encode(name, version)): contracts/libraries/SchemaIds.sol. */
const creditReportSchemaId = keccak256(
  encodeAbiParameters(
    [{ type: "string" }, { type: "string" }],
    [CREDIT_REPORT_SCHEMA.name, CREDIT_REPORT_SCHEMA.version],
  ),
);

/**
 * The credit order book, wired to the issuer, consent and fingerprint registries, and trusted by the
 * consent registry to record consent uses for the banks that order (an ADMIN_ROLE call, made here
 * while the deployer still holds the role; the composed module hands it over afterwards).
 */
export default buildModule("CreditOrderBook", (m) => {
  const { accessManager, fingerprintRegistry, issuerRegistry } = m.useModule(IssuerRegistryModule);
  const { consentRegistry } = m.useModule(ConsentRegistryModule);
  const creditReportSchema = m.getParameter("creditReportSchema", creditReportSchemaId);
  const creditReportPurpose = m.getParameter("creditReportPurpose", CREDIT_REPORT_PURPOSE);
  const maxResponseTime = m.getParameter("maxResponseTime", THIRTY_DAYS);
  const creditOrderBook = m.contract("CreditOrderBook", [
    issuerRegistry,
    consentRegistry,
    fingerprintRegistry,
    creditReportSchema,
    creditReportPurpose,
    maxResponseTime,
  ]);
  m.call(consentRegistry, "setTrustedConsumer", [creditOrderBook, true], { id: "TrustCreditOrderBook" });
  return { accessManager, consentRegistry, creditOrderBook };
});
