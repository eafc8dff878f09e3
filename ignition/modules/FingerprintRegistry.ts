import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { ACCREDITATION_ADMIN_SELECTORS, PAUSER_SELECTORS, ROLE_IDS } from "./roles.ts";
import SchemaRegistryModule from "./SchemaRegistry.ts";

/**
 * The fingerprint registry, with accreditation open to the accreditation-admin role only and
 * pausing to the pauser role only.
 */
export default buildModule("FingerprintRegistry", (m) => {
  const { accessManager, schemaRegistry } = m.useModule(SchemaRegistryModule);
  const fingerprintRegistry = m.contract("FingerprintRegistry", [accessManager, schemaRegistry]);
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [fingerprintRegistry, ACCREDITATION_ADMIN_SELECTORS, ROLE_IDS.accreditationAdmin],
    { id: "AllowAccreditationAdmin" },
  );
  m.call(accessManager, "setTargetFunctionRole", [fingerprintRegistry, PAUSER_SELECTORS, ROLE_IDS.pauser], {
    id: "AllowPauser",
  });
  return { accessManager, schemaRegistry, fingerprintRegistry };
});
