import { toFunctionSelector } from "viem";

/**
 * AccessManager role ids. Mirrored by `roles` in src/sdk/roles.ts; test/governance/Committee.test.ts checks
 * they agree.
 */
export const ROLE_IDS = {
  /** Registers claim schemas: the committee. */
  schemaAdmin: 1n,
  /** Changes the FingerprintRegistry's accreditations: the IssuerRegistry contract, nobody else. */
  accreditationAdmin: 2n,
  /** Recognises, suspends, reinstates and removes issuers and grants them schemas: the committee. */
  issuerAdmin: 3n,
  /** Pauses and unpauses the FingerprintRegistry (every change to records): the committee, with no
   * execution delay, since an emergency stop cannot wait. */
  pauser: 4n,
} as const;

/** Selectors of the administrative functions each role may call. */
export const SCHEMA_ADMIN_SELECTORS = [
  toFunctionSelector("register((string,string,string,bytes32,bool,bool))"),
];
export const ACCREDITATION_ADMIN_SELECTORS = [
  toFunctionSelector("accredit(address,bytes32)"),
  toFunctionSelector("withdrawAccreditation(address,bytes32,uint64)"),
];
export const PAUSER_SELECTORS = [toFunctionSelector("pause()"), toFunctionSelector("unpause()")];
export const ISSUER_ADMIN_SELECTORS = [
  toFunctionSelector("recognize(address)"),
  toFunctionSelector("suspend(address,uint64)"),
  toFunctionSelector("reinstate(address)"),
  toFunctionSelector("remove(address,uint64)"),
  toFunctionSelector("grantSchema(address,bytes32)"),
  toFunctionSelector("revokeSchema(address,bytes32,uint64)"),
];
