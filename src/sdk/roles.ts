/**
 * AccessManager role ids, mirroring ignition/modules/roles.ts (a test checks they agree).
 * ADMIN_ROLE (0) belongs to the consortium's committee; it grants the others.
 */
export const roles = {
  admin: 0n,
  schemaAdmin: 1n,
  accreditationAdmin: 2n,
  issuerAdmin: 3n,
  pauser: 4n,
} as const;

const ROLE_NAMES = new Map<bigint, string>(Object.entries(roles).map(([name, id]) => [id, name]));

/** The name of a role id ("accreditationAdmin"), or `#<id>` for a role Crossproof does not define. */
export function roleName(roleId: bigint): string {
  return ROLE_NAMES.get(roleId) ?? `#${roleId.toString()}`;
}
