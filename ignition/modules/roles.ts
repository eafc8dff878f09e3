import { toFunctionSelector } from "viem";

/**
 * AccessManager role ids. Mirrored by `roles` in src/sdk/roles.ts; test/sdk/roles.test.ts checks
 * they agree.
 */
export const ROLE_IDS = {
  schemaAdmin: 1n,
  accreditationAdmin: 2n,
} as const;

/** Selectors of the administrative functions each role may call. */
export const SCHEMA_ADMIN_SELECTORS = [
  toFunctionSelector("register((string,string,string,bytes32,bool,bool))"),
];
export const ACCREDITATION_ADMIN_SELECTORS = [
  toFunctionSelector("accredit(address,bytes32)"),
  toFunctionSelector("withdrawAccreditation(address,bytes32,uint64)"),
];
