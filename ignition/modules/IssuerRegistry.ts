import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import DIDRegistryModule from "./DIDRegistry.ts";
import FingerprintRegistryModule from "./FingerprintRegistry.ts";
import { ISSUER_ADMIN_SELECTORS, ROLE_IDS } from "./roles.ts";

/**
 * The authority-issuer registry. It alone holds the accreditation-admin role, so every
 * accreditation of the FingerprintRegistry follows its decisions; its own lifecycle functions are
 * open to the issuer-admin role (the committee).
 */
export default buildModule("IssuerRegistry", (m) => {
  const { accessManager, schemaRegistry, fingerprintRegistry } = m.useModule(FingerprintRegistryModule);
  const { didRegistry } = m.useModule(DIDRegistryModule);
  const issuerRegistry = m.contract("IssuerRegistry", [accessManager, didRegistry, fingerprintRegistry]);
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [issuerRegistry, ISSUER_ADMIN_SELECTORS, ROLE_IDS.issuerAdmin],
    {
      id: "AllowIssuerAdmin",
    },
  );
  m.call(accessManager, "grantRole", [ROLE_IDS.accreditationAdmin, issuerRegistry, 0], {
    id: "GrantAccreditationAdminToIssuerRegistry",
  });
  return { accessManager, schemaRegistry, fingerprintRegistry, didRegistry, issuerRegistry };
});
