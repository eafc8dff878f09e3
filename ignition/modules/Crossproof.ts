import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import CommitteeModule from "./Committee.ts";
import CreditOrderBookModule from "./CreditOrderBook.ts";
import IssuerRegistryModule from "./IssuerRegistry.ts";
import { ROLE_IDS } from "./roles.ts";

/**
 * The whole Crossproof system, wired together and handed to the committee: the committee Safe
 * receives the schema-admin, issuer-admin and pauser roles and ADMIN_ROLE, then the deployer renounces
 * ADMIN_ROLE — after this module the deployer has no power left (test/governance). Parameters:
 * `Committee.members`, `Committee.threshold` and the optional `Crossproof.executionDelay`
 * (docs/deploy.md).
 */
export default buildModule("Crossproof", (m) => {
  const registries = m.useModule(IssuerRegistryModule);
  const { committee, committeeProposals } = m.useModule(CommitteeModule);
  const { consentRegistry, creditOrderBook } = m.useModule(CreditOrderBookModule);
  const { accessManager } = registries;
  // Seconds between a committee decision being scheduled on the AccessManager and its execution
  // (0: immediate). With a delay, every change is first proposed with `--schedule`, then again once
  // the delay has passed: a window in which the consortium sees what is coming (docs/decisions/0003).
  const executionDelay = m.getParameter<number>("executionDelay", 0);
  const grantSchemaAdmin = m.call(
    accessManager,
    "grantRole",
    [ROLE_IDS.schemaAdmin, committee, executionDelay],
    {
      id: "GrantSchemaAdminToCommittee",
    },
  );
  const grantIssuerAdmin = m.call(
    accessManager,
    "grantRole",
    [ROLE_IDS.issuerAdmin, committee, executionDelay],
    {
      id: "GrantIssuerAdminToCommittee",
    },
  );
  // Without the execution delay: pausing is the emergency stop (docs/decisions/0003).
  const grantPauser = m.call(accessManager, "grantRole", [ROLE_IDS.pauser, committee, 0], {
    id: "GrantPauserToCommittee",
  });
  const grantAdmin = m.call(accessManager, "grantRole", [0n, committee, executionDelay], {
    id: "GrantAdminToCommittee",
    after: [IssuerRegistryModule, CreditOrderBookModule, grantSchemaAdmin, grantIssuerAdmin, grantPauser],
  });
  const deployer = m.getAccount(0);
  m.call(accessManager, "renounceRole", [0n, deployer], {
    id: "DeployerRenouncesAdmin",
    after: [grantAdmin],
  });
  return { ...registries, committee, committeeProposals, consentRegistry, creditOrderBook };
});
