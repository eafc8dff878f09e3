/**
 * Event logs decoded straight from the hex text the node sent, into the index's JSON form
 * (catalogue.ts: integers wider than 48 bits as decimal strings, addresses checksummed, bytes as
 * 0x-hex, named tuples as objects). The values, and the order of the keys, are viem's
 * `decodeEventLog` + `toJsonArgs`; viem converts every log to bytes and walks it with a generic
 * cursor, which took most of the indexer's decoding time.
 *
 * Anything this decoder does not handle exactly like viem — an unnamed input, a missing topic, an
 * offset or length out of bounds or not padded, a bool that is neither 0 nor 1, an integer with
 * bits above its type's width — makes it return undefined, and the caller decodes the log with
 * viem instead: a malformed log fails, or decodes, exactly as before.
 */
import { checksumAddress, type AbiEvent, type AbiParameter, type Hex } from "viem";

import type { EventArgs, JsonValue } from "../sdk/audit.ts";

/** Decodes a log of one event; undefined when viem must decide. */
export type FastDecoder = (topics: readonly Hex[], data: Hex) => EventArgs | undefined;

/** Thrown inside the decoder to hand the log to viem; one instance, made once. */
const FALL_BACK = new Error("left to viem");

const ZERO_PREFIX = "0".repeat(52);
const FALSE_WORD = "0".repeat(64);
const TRUE_WORD = `${"0".repeat(63)}1`;
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const utf8 = new TextDecoder();

/** The hex digits of a log's data (no 0x, lowercase), read one 32-byte word at a time. */
class Words {
  readonly hex: string;

  constructor(hex: string) {
    this.hex = hex;
  }

  word(at: number): string {
    if (at < 0 || at + 64 > this.hex.length) throw FALL_BACK;
    return this.hex.slice(at, at + 64);
  }

  /** A word that must hold a number below 2^48 (offsets, lengths, small integers). */
  small(at: number): number {
    const word = this.word(at);
    if (!word.startsWith(ZERO_PREFIX)) throw FALL_BACK;
    return Number.parseInt(word.slice(52), 16);
  }

  /** `length` bytes at `at`, which must be padded to whole words within the data. */
  bytes(at: number, length: number): string {
    if (at + Math.ceil(length / 32) * 64 > this.hex.length) throw FALL_BACK;
    return this.hex.slice(at, at + 2 * length);
  }
}

/** Reads one value whose head is at `at`; offsets count from `base` (positions in hex digits). */
type Reader = (words: Words, at: number, base: number) => JsonValue;
type Compiled = { read: Reader; dynamic: boolean; /** head size in hex digits */ size: number };

const checksums = new Map<string, string>();

function checksummed(lower: string): string {
  let address = checksums.get(lower);
  if (address === undefined) {
    if (checksums.size >= 100_000) checksums.clear();
    address = checksumAddress(lower as Hex);
    checksums.set(lower, address);
  }
  return address;
}

function compile(param: AbiParameter): Compiled {
  const { type } = param;
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    const child = compile({ ...param, type: array[1]! });
    if (array[2] === "") {
      const read: Reader = (words, at, base) => {
        const start = base + 2 * words.small(at);
        const length = words.small(start);
        if (length > words.hex.length / 64) throw FALL_BACK;
        const data = start + 64;
        const out: JsonValue[] = [];
        for (let i = 0; i < length; i++)
          out.push(child.read(words, data + (child.dynamic ? 64 : child.size) * i, data));
        return out;
      };
      return { read, dynamic: true, size: 64 };
    }
    const length = Number(array[2]);
    if (child.dynamic) {
      const read: Reader = (words, at, base) => {
        const start = base + 2 * words.small(at);
        return Array.from({ length }, (_, i) => child.read(words, start + 64 * i, start));
      };
      return { read, dynamic: true, size: 64 };
    }
    const read: Reader = (words, at, base) =>
      Array.from({ length }, (_, i) => child.read(words, at + child.size * i, base));
    return { read, dynamic: false, size: child.size * length };
  }
  if (type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    const parts = components.map(compile);
    const named = components.length > 0 && components.every((c) => c.name);
    const dynamic = parts.some((part) => part.dynamic);
    const readAll = (words: Words, at: number, base: number): JsonValue => {
      const values = readSequence(parts, words, at, base);
      return named ? Object.fromEntries(components.map((c, i) => [c.name!, values[i]!])) : values;
    };
    if (dynamic) {
      const read: Reader = (words, at, base) => {
        const start = base + 2 * words.small(at);
        return readAll(words, start, start);
      };
      return { read, dynamic: true, size: 64 };
    }
    return { read: readAll, dynamic: false, size: parts.reduce((sum, part) => sum + part.size, 0) };
  }
  if (type === "string" || type === "bytes") {
    const text = type === "string";
    const read: Reader = (words, at, base) => {
      const start = base + 2 * words.small(at);
      const length = words.small(start);
      const hex = words.bytes(start + 64, length);
      return text ? utf8.decode(Buffer.from(hex, "hex")) : `0x${hex}`;
    };
    return { read, dynamic: true, size: 64 };
  }
  if (type === "address")
    return { read: (words, at) => checksummed(`0x${words.word(at).slice(24)}`), dynamic: false, size: 64 };
  if (type === "bool") {
    const read: Reader = (words, at) => {
      const word = words.word(at);
      if (word === FALSE_WORD) return false;
      if (word === TRUE_WORD) return true;
      throw FALL_BACK;
    };
    return { read, dynamic: false, size: 64 };
  }
  const fixedBytes = /^bytes(\d+)$/.exec(type);
  if (fixedBytes) {
    const length = Number(fixedBytes[1]);
    return { read: (words, at) => `0x${words.word(at).slice(0, 2 * length)}`, dynamic: false, size: 64 };
  }
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer) {
    const signed = integer[1] === "";
    const bits = Number(integer[2] || 256);
    const read: Reader = (words, at) => {
      const word = words.word(at);
      if (!signed) {
        if (bits <= 48) return words.small(at);
        return BigInt(`0x${word}`).toString();
      }
      const value = BigInt.asIntN(256, BigInt(`0x${word}`));
      if (BigInt.asIntN(bits, value) !== value) throw FALL_BACK;
      return bits <= 48 ? Number(value) : value.toString();
    };
    return { read, dynamic: false, size: 64 };
  }
  throw FALL_BACK;
}

function readSequence(parts: Compiled[], words: Words, at: number, base: number): JsonValue[] {
  const values: JsonValue[] = [];
  let head = at;
  for (const part of parts) {
    values.push(part.read(words, head, base));
    head += part.size;
  }
  return values;
}

/**
 * The fast decoder of one event, or undefined when the event has a type or shape this module
 * leaves to viem (unnamed or no inputs, an unsupported type).
 */
export function fastDecoder(item: AbiEvent): FastDecoder | undefined {
  const inputs = item.inputs;
  if (inputs.length === 0 || inputs.some((input) => !input.name)) return undefined;
  let indexed: { name: string; read: Reader | undefined }[];
  let unindexed: { name: string; part: Compiled }[];
  try {
    indexed = inputs
      .filter((input) => input.indexed)
      .map((input) => {
        const part = compile(input);
        // Indexed strings, bytes, arrays and tuples are topics holding their hash: kept as is.
        const hashed = input.type === "tuple" || input.type.endsWith("]") || part.dynamic;
        return { name: input.name!, read: hashed ? undefined : part.read };
      });
    unindexed = inputs
      .filter((input) => !input.indexed)
      .map((input) => ({ name: input.name!, part: compile(input) }));
  } catch (error) {
    if (error === FALL_BACK) return undefined;
    throw error;
  }
  const parts = unindexed.map(({ part }) => part);
  return (topics, data) => {
    try {
      if (topics.length < indexed.length + 1) return undefined;
      const args: EventArgs = {};
      for (const [i, { name, read }] of indexed.entries()) {
        const topic = topics[i + 1]!;
        if (!read) args[name] = topic;
        else {
          if (topic.length !== 66 || !HEX.test(topic)) return undefined;
          args[name] = read(new Words(lowerHex(topic)), 0, 0);
        }
      }
      if (parts.length > 0) {
        if (data.length <= 2 || !HEX.test(data)) return undefined;
        const values = readSequence(parts, new Words(lowerHex(data)), 0, 0);
        for (const [i, { name }] of unindexed.entries()) args[name] = values[i]!;
      }
      return args;
    } catch (error) {
      if (error === FALL_BACK) return undefined;
      throw error;
    }
  };
}

function lowerHex(value: string): string {
  const hex = value.slice(2);
  return /[A-F]/.test(hex) ? hex.toLowerCase() : hex;
}
