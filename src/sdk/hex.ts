import { InvalidInputError } from "./errors.ts";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** Whether `value` is a 0x-prefixed 32-byte hex string. */
export function isBytes32(value: unknown): value is Hex {
  return typeof value === "string" && HEX32.test(value);
}

/** Returns `value` lower-cased when it is 32-byte hex; throws {@link InvalidInputError} naming `what` otherwise. */
export function expectBytes32(value: unknown, what: string): Hex {
  if (!isBytes32(value)) {
    throw new InvalidInputError(
      `${what} must be 32 bytes of 0x-prefixed hex (66 characters), got ${describe(value)}.`,
    );
  }
  return value.toLowerCase() as Hex;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export function bytesToHex(bytes: Uint8Array): Hex {
  let out = "0x";
  for (const byte of bytes) out += HEX_BYTES[byte]!;
  return out as Hex;
}

export function hexToBytes(hex: Hex): Uint8Array {
  const body = hex.slice(2);
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new InvalidInputError(`${describe(hex)} is not valid hex.`);
  }
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(body.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function describe(value: unknown): string {
  if (typeof value === "string") return value.length > 80 ? `"${value.slice(0, 77)}..."` : `"${value}"`;
  return value === undefined ? "nothing" : typeof value;
}
