/**
 * AccessManager role ids, mirroring ignition/modules/roles.ts (a test checks they agree).
 * ADMIN_ROLE (0) belongs to the consortium's committee; it grants the others.
 */
export const roles = {
  admin: 0n,
  schemaAdmin: 1n,
  accreditationAdmin: 2n,
  issuerAdmin: 3n,
} as const;
