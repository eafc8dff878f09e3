import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import CompatibilityFallbackHandler from "@safe-global/safe-smart-account/build/artifacts/contracts/handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json" with { type: "json" };
import SafeProxyFactory from "@safe-global/safe-smart-account/build/artifacts/contracts/proxies/SafeProxyFactory.sol/SafeProxyFactory.json" with { type: "json" };
import SafeL2 from "@safe-global/safe-smart-account/build/artifacts/contracts/SafeL2.sol/SafeL2.json" with { type: "json" };

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/**
 * The consortium committee: an M-of-N Safe (safe-smart-account 1.5.0, the L2 variant whose
 * executions are events) plus the public agenda its members submit proposals to. Parameters:
 * `members` (the owners' addresses) and `threshold` (M). See docs/decisions/0003-committee-safe.md.
 */
export default buildModule("Committee", (m) => {
  const members = m.getParameter<string[]>("members");
  const threshold = m.getParameter<number>("threshold");
  const singleton = m.contract("SafeL2", SafeL2, []);
  const factory = m.contract("SafeProxyFactory", SafeProxyFactory, []);
  const fallbackHandler = m.contract("CompatibilityFallbackHandler", CompatibilityFallbackHandler, []);
  const setup = m.encodeFunctionCall(singleton, "setup", [
    members,
    threshold,
    ZERO_ADDRESS,
    "0x",
    fallbackHandler,
    ZERO_ADDRESS,
    0,
    ZERO_ADDRESS,
  ]);
  const creation = m.call(factory, "createProxyWithNonce", [singleton, setup, 0], {
    id: "CreateCommitteeSafe",
  });
  const committeeAddress = m.readEventArgument(creation, "ProxyCreation", "proxy", { emitter: factory });
  const committee = m.contractAt("CommitteeSafe", SafeL2, committeeAddress);
  const committeeProposals = m.contract("CommitteeProposals");
  return { committee, committeeProposals };
});
