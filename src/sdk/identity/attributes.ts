/**
 * DID attributes and delegate types as the ERC-1056 registry stores them and ethr-did-resolver reads
 * them: a `bytes32` name (UTF-8, right-padded with zeros) and a `bytes` value.
 *
 * - Public keys: `did/pub/<Secp256k1|Ed25519|X25519>/<veriKey|sigAuth|enc>/<hex|base64|base58>`,
 *   value = the raw key bytes (the encoding only says how the DID document shows the key).
 * - Service endpoints: `did/svc/<Type>`, value = the endpoint as UTF-8 (a URI, or JSON for a map).
 * - Delegates: type `veriKey` (may sign for the DID) or `sigAuth` (may also authenticate).
 *
 * Keep attributes to keys and endpoints: no personal data on chain (docs/privacy.md).
 */
import { bytesToHex, hexToBytes, isHex, type Hex } from "viem";

import { InvalidInputError } from "../errors.ts";
import { isAbsoluteUri } from "../uri.ts";

export const delegateTypes = ["veriKey", "sigAuth"] as const;
/** `veriKey`: the delegate may sign on behalf of the DID; `sigAuth`: it may also authenticate as it. */
export type DelegateType = (typeof delegateTypes)[number];

export const keyAlgorithms = ["Secp256k1", "Ed25519", "X25519"] as const;
export type KeyAlgorithm = (typeof keyAlgorithms)[number];

export const keyPurposes = ["veriKey", "sigAuth", "enc"] as const;
/** `veriKey`: assertion (signing) key; `sigAuth`: also authentication; `enc`: key agreement. */
export type KeyPurpose = (typeof keyPurposes)[number];

export const keyEncodings = ["hex", "base64", "base58"] as const;
/** How the DID document shows the key: publicKeyHex, publicKeyBase64 or publicKeyBase58. */
export type KeyEncoding = (typeof keyEncodings)[number];

/** Key lengths in bytes, per algorithm. */
const KEY_LENGTHS: Record<KeyAlgorithm, readonly number[]> = {
  Secp256k1: [33, 65],
  Ed25519: [32],
  X25519: [32],
};

/** Purposes each algorithm can serve (X25519 only agrees keys; the others only sign). */
const PURPOSES: Record<KeyAlgorithm, readonly KeyPurpose[]> = {
  Secp256k1: ["veriKey", "sigAuth"],
  Ed25519: ["veriKey", "sigAuth"],
  X25519: ["enc"],
};

/** An attribute ready for `setAttribute`: the bytes32 name, its text, and the value bytes. */
export type DidAttribute = { name: Hex; nameText: string; value: Hex };

/** An attribute read back, classified. */
export type DecodedDidAttribute =
  | {
      kind: "publicKey";
      name: string;
      algorithm: KeyAlgorithm;
      purpose: KeyPurpose;
      encoding: KeyEncoding;
      publicKey: Hex;
    }
  | { kind: "service"; name: string; type: string; endpoint: string }
  | { kind: "other"; name: string | null; value: Hex };

/**
 * Encodes a text of at most 32 UTF-8 bytes as bytes32 (right-padded with zeros), as the registry
 * and ethr-did-resolver expect for attribute names and delegate types.
 *
 * @example
 * encodeBytes32Text("did/svc/LinkedDomains");
 */
export function encodeBytes32Text(text: string, what = "The attribute name"): Hex {
  if (typeof text !== "string" || text === "") throw new InvalidInputError(`${what} is empty.`);
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > 32) {
    throw new InvalidInputError(
      `${what} "${text}" is ${bytes.length} bytes; the registry stores names of at most 32 bytes.`,
    );
  }
  if (bytes.includes(0)) throw new InvalidInputError(`${what} "${text}" contains a NUL character.`);
  const padded = new Uint8Array(32);
  padded.set(bytes);
  return bytesToHex(padded);
}

/** Decodes a bytes32 text (trailing zeros dropped); null when it is not UTF-8. */
export function decodeBytes32Text(value: Hex): string | null {
  if (!isHex(value) || value.length !== 66) {
    throw new InvalidInputError(`"${value}" is not 32 bytes of 0x-prefixed hex.`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(hexToBytes(value)).replace(/\0+$/, "");
  } catch {
    return null;
  }
}

/** The bytes32 of a delegate type (`veriKey` or `sigAuth`). */
export function encodeDelegateType(type: string): Hex {
  return encodeBytes32Text(expectDelegateType(type), "The delegate type");
}

/** Checks a delegate type name, with the allowed ones in the error. */
export function expectDelegateType(type: string): DelegateType {
  if (!(delegateTypes as readonly string[]).includes(type)) {
    throw new InvalidInputError(
      `Unknown delegate type "${type}"; use veriKey (may sign for the DID) or sigAuth (may also authenticate).`,
    );
  }
  return type as DelegateType;
}

/** The attribute name text of a public key, e.g. `did/pub/Secp256k1/veriKey/hex`. */
export function publicKeyAttributeName({
  algorithm,
  purpose,
  encoding = "hex",
}: {
  algorithm: string;
  purpose: string;
  encoding?: string;
}): string {
  const checkedAlgorithm = oneOf(algorithm, keyAlgorithms, "key type");
  const checkedPurpose = oneOf(purpose, keyPurposes, "key purpose");
  const checkedEncoding = oneOf(encoding, keyEncodings, "key encoding");
  if (!PURPOSES[checkedAlgorithm].includes(checkedPurpose)) {
    throw new InvalidInputError(
      `${article(checkedAlgorithm)} ${checkedAlgorithm} key cannot have purpose ${checkedPurpose}; use ${PURPOSES[checkedAlgorithm].join(" or ")}.`,
    );
  }
  return `did/pub/${checkedAlgorithm}/${checkedPurpose}/${checkedEncoding}`;
}

/**
 * A public-key attribute: the name and the raw key bytes, checked for the algorithm's key length.
 *
 * @example
 * const attribute = publicKeyAttribute({ algorithm: "Ed25519", purpose: "veriKey", encoding: "base58", publicKey });
 * await setDidAttribute(wallet, { didRegistry, identity, ...attribute, validity: 86_400n * 365n });
 */
export function publicKeyAttribute({
  algorithm,
  purpose,
  encoding = "hex",
  publicKey,
}: {
  algorithm: string;
  purpose: string;
  encoding?: string;
  publicKey: Hex | Uint8Array;
}): DidAttribute {
  const nameText = publicKeyAttributeName({ algorithm, purpose, encoding });
  const bytes = typeof publicKey === "string" ? keyBytes(publicKey) : publicKey;
  const lengths = KEY_LENGTHS[algorithm as KeyAlgorithm];
  if (!lengths.includes(bytes.length)) {
    throw new InvalidInputError(
      `${article(algorithm)} ${algorithm} public key is ${lengths.join(" or ")} bytes; this one is ${bytes.length}.`,
    );
  }
  if (algorithm === "Secp256k1") {
    const prefix = bytes[0];
    const ok = bytes.length === 33 ? prefix === 0x02 || prefix === 0x03 : prefix === 0x04;
    if (!ok) {
      throw new InvalidInputError(
        "A Secp256k1 public key starts with 02 or 03 (compressed, 33 bytes) or 04 (uncompressed, 65 bytes).",
      );
    }
  }
  return { name: encodeBytes32Text(nameText), nameText, value: bytesToHex(bytes) };
}

/**
 * A service-endpoint attribute: `did/svc/<type>` and the endpoint (a URI; an object or array is
 * stored as JSON, which ethr-did-resolver turns back into a structured endpoint).
 *
 * @example
 * const attribute = serviceAttribute({ type: "LinkedDomains", endpoint: "https://issuer.example" });
 */
export function serviceAttribute({
  type,
  endpoint,
}: {
  type: string;
  endpoint: string | Record<string, unknown> | readonly unknown[];
}): DidAttribute {
  if (typeof type !== "string" || !/^\w+$/.test(type)) {
    throw new InvalidInputError(
      `The service type "${type}" must be letters, digits or _ only (e.g. LinkedDomains, DIDCommMessaging).`,
    );
  }
  let text: string;
  if (typeof endpoint === "string") {
    if (!isAbsoluteUri(endpoint)) {
      throw new InvalidInputError(
        `The service endpoint "${endpoint}" is not an absolute URI (e.g. https://issuer.example/inbox).`,
      );
    }
    text = endpoint;
  } else {
    text = JSON.stringify(endpoint);
  }
  const nameText = `did/svc/${type}`;
  return {
    name: encodeBytes32Text(nameText, "The service attribute name"),
    nameText,
    value: bytesToHex(new TextEncoder().encode(text)),
  };
}

/** Classifies an attribute read from the registry's events. */
export function decodeDidAttribute({ name, value }: { name: Hex; value: Hex }): DecodedDidAttribute {
  const text = decodeBytes32Text(name);
  if (text === null) return { kind: "other", name: null, value };
  const pub = /^did\/pub\/(\w+)\/(\w+)(?:\/(\w+))?$/.exec(text);
  if (pub) {
    const [, algorithm, purpose, encoding = "hex"] = pub as unknown as [string, string, string, string?];
    if (
      (keyAlgorithms as readonly string[]).includes(algorithm) &&
      (keyPurposes as readonly string[]).includes(purpose) &&
      (keyEncodings as readonly string[]).includes(encoding)
    ) {
      return {
        kind: "publicKey",
        name: text,
        algorithm: algorithm as KeyAlgorithm,
        purpose: purpose as KeyPurpose,
        encoding: encoding as KeyEncoding,
        publicKey: value,
      };
    }
  }
  const svc = /^did\/svc\/(\w+)$/.exec(text);
  if (svc) {
    try {
      const endpoint = new TextDecoder("utf-8", { fatal: true }).decode(hexToBytes(value));
      return { kind: "service", name: text, type: svc[1]!, endpoint };
    } catch {
      // not UTF-8: not a service endpoint
    }
  }
  return { kind: "other", name: text, value };
}

/**
 * Parses a validity or deadline duration: whole seconds (`3600`) or a number with a unit
 * (`30s`, `15m`, `12h`, `7d`, `2w`, `1y` = 365 days). Returns seconds.
 *
 * @example
 * parseDuration("7d"); // 604800n
 */
export function parseDuration(value: string, what = "The duration"): bigint {
  const match = /^(\d+)\s*(s|m|h|d|w|y)?$/.exec(value.trim());
  if (!match) {
    throw new InvalidInputError(
      `${what} "${value}" is not a duration; give seconds (3600) or a number and unit: 30s, 15m, 12h, 7d, 2w, 1y.`,
    );
  }
  const unit = { s: 1n, m: 60n, h: 3_600n, d: 86_400n, w: 604_800n, y: 31_536_000n }[match[2] ?? "s"]!;
  const seconds = BigInt(match[1]!) * unit;
  if (seconds === 0n) throw new InvalidInputError(`${what} must be longer than 0 seconds.`);
  return seconds;
}

function keyBytes(hex: string): Uint8Array {
  if (!/^0x([0-9a-fA-F]{2})+$/.test(hex)) {
    throw new InvalidInputError(`The public key must be 0x-prefixed hex with whole bytes, got "${hex}".`);
  }
  return hexToBytes(hex as Hex);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`Unknown ${what} "${value}"; use ${allowed.join(", ")}.`);
  }
  return value as T;
}

/** "An Ed25519", "An X25519", "A Secp256k1". */
function article(algorithm: string): string {
  return /^[AEIOX]/.test(algorithm) ? "An" : "A";
}
