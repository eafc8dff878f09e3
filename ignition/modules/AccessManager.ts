import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The consortium's OpenZeppelin AccessManager: the single authority every Crossproof registry
 * asks for administrative permissions. `admin` receives ADMIN_ROLE (the deployer by default;
 * the governance issue hands it to the M-of-N committee).
 */
export default buildModule("AccessManager", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const accessManager = m.contract("AccessManager", [admin]);
  return { accessManager };
});
