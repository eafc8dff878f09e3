import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import AccessManagerModule from "./AccessManager.ts";
import { ROLE_IDS, SCHEMA_ADMIN_SELECTORS } from "./roles.ts";

/** The schema registry, with `register` open to the schema-admin role only. */
export default buildModule("SchemaRegistry", (m) => {
  const { accessManager } = m.useModule(AccessManagerModule);
  const schemaRegistry = m.contract("SchemaRegistry", [accessManager]);
  m.call(
    accessManager,
    "setTargetFunctionRole",
    [schemaRegistry, SCHEMA_ADMIN_SELECTORS, ROLE_IDS.schemaAdmin],
    {
      id: "AllowSchemaAdmin",
    },
  );
  return { accessManager, schemaRegistry };
});
