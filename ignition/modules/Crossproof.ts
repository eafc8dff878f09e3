import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import FingerprintRegistryModule from "./FingerprintRegistry.ts";
import { ROLE_IDS } from "./roles.ts";

/**
 * The whole Crossproof system, wired together. `operator` (the deployer by default) receives the
 * schema-admin and accreditation-admin roles so a fresh chain can be set up; on a consortium chain
 * pass the committee's address instead (parameters file, see docs/deploy.md).
 */
export default buildModule("Crossproof", (m) => {
  const { accessManager, schemaRegistry, fingerprintRegistry } = m.useModule(FingerprintRegistryModule);
  const operator = m.getParameter("operator", m.getAccount(0));
  m.call(accessManager, "grantRole", [ROLE_IDS.schemaAdmin, operator, 0], { id: "GrantSchemaAdmin" });
  m.call(accessManager, "grantRole", [ROLE_IDS.accreditationAdmin, operator, 0], {
    id: "GrantAccreditationAdmin",
  });
  return { accessManager, schemaRegistry, fingerprintRegistry };
});
