/** Revocation reason codes (docs/events.md). 0 is reserved and rejected by the contract. */
export const revocationReasons = {
  superseded: 1,
  "issued-in-error": 2,
  "key-compromise": 3,
  withdrawn: 4,
  other: 5,
} as const;

export type RevocationReasonName = keyof typeof revocationReasons;

/** The name of a reason code, or `code-N` for codes this version does not name. */
export function revocationReasonName(code: number): string {
  const entry = Object.entries(revocationReasons).find(([, value]) => value === code);
  return entry ? entry[0] : `code-${code}`;
}
