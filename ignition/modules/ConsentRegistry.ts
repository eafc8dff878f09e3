import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import AccessManagerModule from "./AccessManager.ts";

/**
 * The consent registry. Granting, revoking and consuming need no role; `setTrustedConsumer` is
 * `restricted` without a function role, so only ADMIN_ROLE (the committee, after the hand-over) may
 * trust a consumer contract.
 */
export default buildModule("ConsentRegistry", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const consentRegistry = m.contract("ConsentRegistry", [accessManager]);
  return { accessManager, consentRegistry };
});
