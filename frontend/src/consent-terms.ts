/**
 * The Consent page's rules: the terms form checked into the SDK's ConsentTerms (each mistake named
 * in one sentence), times entered and shown in UTC, a consent's state as the CLI names it, and the
 * signed-consent file (the `crossproof consent sign` format, read back with parseSignedConsent).
 */
import { getAddress, type Address, type Hex } from "viem";

import {
  codeOf,
  parseSignedConsent,
  type ConsentTerms,
  type SignedConsent,
} from "../../src/sdk/consent/consent.ts";
import { InvalidInputError } from "../../src/sdk/errors.ts";
import { formatTime } from "./format.ts";
import { parseAddress } from "./inputs.ts";

/** Most schemas one consent may cover (ConsentRegistry._MAX_SCOPE). */
export const MAX_SCOPE = 16;
const MAX_USES = 4_294_967_295;

/** A Unix time as a datetime-local value ("2026-11-27T10:04"), in UTC. */
export function utcInputValue(seconds: number | bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 16);
}

/** A datetime-local value read as UTC, in Unix seconds; `what` names the field in the error. */
export function parseUtcInput(value: string, what: string): bigint {
  const text = value.trim();
  const millis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? Date.parse(`${text}Z`) : NaN;
  if (Number.isNaN(millis))
    throw new InvalidInputError(`${what} must be a date and time in UTC, e.g. 2027-06-30T12:00.`);
  return BigInt(Math.floor(millis / 1000));
}

/** A whole number of uses: empty or 0 means no limit. */
export function parseMaxUses(value: string): number {
  const text = value.trim();
  if (text === "") return 0;
  const uses = Number(text);
  if (!/^\d+$/.test(text) || uses > MAX_USES)
    throw new InvalidInputError(
      `Maximum uses "${text}" must be a whole number up to ${MAX_USES} (empty or 0 for no limit).`,
    );
  return uses;
}

export type TermsForm = {
  grantee: string;
  purpose: string;
  scope: readonly Hex[];
  /** datetime-local (UTC); empty: now. */
  validFrom: string;
  /** datetime-local (UTC). */
  validUntil: string;
  maxUses: string;
};

/** The form's terms, checked as the registry and the CLI check them, against the chain's `now`. */
export function termsOf(form: TermsForm, owner: Address, now: bigint): ConsentTerms {
  if (form.grantee.trim() === "") throw new InvalidInputError("Choose the grantee or enter its address.");
  const grantee = parseAddress(form.grantee, "The grantee");
  if (grantee === getAddress(owner))
    throw new InvalidInputError("The grantee is your own account; a consent is given to someone else.");
  const purpose = codeOf(form.purpose.trim(), "The purpose");
  if (form.scope.length === 0)
    throw new InvalidInputError("Choose at least one document kind for the scope.");
  if (form.scope.length > MAX_SCOPE)
    throw new InvalidInputError(
      `The scope lists ${form.scope.length} document kinds; a consent covers at most ${MAX_SCOPE}.`,
    );
  const validFrom = form.validFrom.trim() === "" ? now : parseUtcInput(form.validFrom, "Valid from");
  if (form.validUntil.trim() === "") throw new InvalidInputError("Say until when the consent is valid.");
  const validUntil = parseUtcInput(form.validUntil, "Valid until");
  if (validUntil <= validFrom)
    throw new InvalidInputError(
      `The consent would end (${formatTime(Number(validUntil))}) before it starts (${formatTime(Number(validFrom))}).`,
    );
  if (validUntil <= now)
    throw new InvalidInputError(
      `Valid until (${formatTime(Number(validUntil))}) has passed already; the chain's time is ${formatTime(Number(now))}.`,
    );
  return {
    grantee,
    purpose,
    scope: [...form.scope],
    validFrom,
    validUntil,
    maxUses: parseMaxUses(form.maxUses),
  };
}

export function usesText(uses: number, maxUses: number): string {
  return maxUses === 0 ? `${uses} (no limit)` : `${uses} of ${maxUses}`;
}

/** The file a signed consent is saved as. */
export function signedConsentFileName(signed: SignedConsent): string {
  return `consent-${signed.owner.slice(2, 10).toLowerCase()}-${signed.nonce}.json`;
}

/** The file's text: what `crossproof consent sign --out` writes. */
export function signedConsentText(signed: SignedConsent): string {
  return `${JSON.stringify(signed, null, 2)}\n`;
}

/** Reads a signed-consent file; refuses one made for another chain or registry, naming it. */
export async function readSignedConsentFile(
  file: File,
  chainId: number,
  consentRegistry: Address,
): Promise<SignedConsent> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new InvalidInputError(`${file.name} is not a JSON file; choose a signed consent (.json).`);
  }
  const signed = parseSignedConsent(json, file.name);
  if (signed.chainId !== chainId)
    throw new InvalidInputError(
      `${file.name} was signed for chain id ${signed.chainId}, but this app works on chain id ${chainId}.`,
    );
  if (getAddress(signed.consentRegistry) !== getAddress(consentRegistry))
    throw new InvalidInputError(
      `${file.name} names the consent registry ${signed.consentRegistry}, not this chain's ${consentRegistry}.`,
    );
  return signed;
}

/** A link target that downloads `text` (small JSON files: signed consents, data packages). */
export function dataUrl(text: string, type = "application/json"): string {
  return `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
}
