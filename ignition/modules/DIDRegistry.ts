import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** The ERC-1056-compatible `did:ethr` registry. Permissionless: it has no admin. */
export default buildModule("DIDRegistry", (m) => {
  const didRegistry = m.contract("DIDRegistry");
  return { didRegistry };
});
