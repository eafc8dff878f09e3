/**
 * src/indexer/decode.ts against viem: every event of every Crossproof contract, encoded with random
 * arguments, decodes to the same JSON text as viem's decodeEventLog + toJsonArgs; logs it must not
 * judge (malformed, or outside what it handles) are left to viem.
 */
import { expect } from "chai";
import {
  decodeEventLog,
  encodeAbiParameters,
  encodeEventTopics,
  getAddress,
  toHex,
  type AbiEvent,
  type AbiParameter,
  type Hex,
} from "viem";

import { CONTRACTS, CONTRACT_NAMES, toJsonArgs } from "../../src/indexer/catalogue.ts";
import { fastDecoder } from "../../src/indexer/decode.ts";
import { prng } from "../utils/prng.ts";

const random = prng(0xdec0de);
const int = (below: number) => Math.floor(random() * below);
const randomHex = (bytes: number): Hex => toHex(Uint8Array.from({ length: bytes }, () => int(256)));
const TEXTS = ["", "a", "health.test-report", 'quote " and \\ backslash', "ünïcødé 😀 中文", "x".repeat(70)];

/** A random value of an ABI type, as viem's encoders take it. */
function valueOf(param: AbiParameter): unknown {
  const array = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (array) {
    const length = array[2] === "" ? int(4) : Number(array[2]);
    return Array.from({ length }, () => valueOf({ ...param, type: array[1]! }));
  }
  if (param.type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    return Object.fromEntries(components.map((c) => [c.name!, valueOf(c)]));
  }
  if (param.type === "address") return getAddress(randomHex(20));
  if (param.type === "bool") return random() < 0.5;
  if (param.type === "string") return TEXTS[int(TEXTS.length)];
  if (param.type === "bytes") return randomHex(int(70));
  const fixed = /^bytes(\d+)$/.exec(param.type);
  if (fixed) return randomHex(Number(fixed[1]));
  const bits = Number(/^u?int(\d*)$/.exec(param.type)![1] || 256);
  // Edge values too: 0 and the largest of the width.
  const pick = int(4);
  if (pick === 0) return bits <= 48 ? 0 : 0n;
  const max = 2n ** BigInt(bits) - 1n;
  const value = pick === 1 ? max : BigInt(randomHex(bits / 8)) % (max + 1n);
  return bits <= 48 ? Number(value) : value;
}

/** Topics and data of a log of `item` with random arguments. */
function logOf(item: AbiEvent): { topics: Hex[]; data: Hex } {
  const args = Object.fromEntries(item.inputs.map((input) => [input.name!, valueOf(input)]));
  const topics = encodeEventTopics({
    abi: [item],
    eventName: item.name,
    args: Object.fromEntries(item.inputs.filter((i) => i.indexed).map((i) => [i.name!, args[i.name!]])),
  }) as Hex[];
  const unindexed = item.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(
    unindexed,
    unindexed.map((i) => args[i.name!]),
  );
  return { topics, data };
}

const viemJson = (item: AbiEvent, log: { topics: Hex[]; data: Hex }) =>
  JSON.stringify(
    toJsonArgs(
      (
        decodeEventLog({
          abi: [item],
          topics: log.topics as [Hex, ...Hex[]],
          data: log.data,
          strict: true,
        }) as {
          args: Record<string, unknown>;
        }
      ).args,
    ),
  );

const EVENTS: AbiEvent[] = [
  ...new Map(
    CONTRACT_NAMES.flatMap((name) =>
      (CONTRACTS[name] as readonly { type: string }[])
        .filter((item): item is AbiEvent => item.type === "event")
        .map((item) => [`${item.name}(${item.inputs.map((i) => i.type).join(",")})`, item] as const),
    ),
  ).values(),
];

describe("audit event decoder (src/indexer/decode.ts)", function () {
  it("decodes every Crossproof event exactly as viem does", function () {
    expect(EVENTS.length).to.be.greaterThan(30);
    const undecided: string[] = [];
    for (const item of EVENTS) {
      const decode = fastDecoder(item);
      if (!decode) {
        if (item.inputs.length > 0) undecided.push(item.name);
        continue;
      }
      for (let run = 0; run < 25; run++) {
        const log = logOf(item);
        const fast = decode(log.topics, log.data);
        expect(fast, `${item.name} run ${run}`).to.not.equal(undefined);
        expect(JSON.stringify(fast), `${item.name} run ${run}`).to.equal(viemJson(item, log));
      }
    }
    // Every event with arguments takes the fast path (none is unnamed or of an unknown type).
    expect(undecided).to.deep.equal([]);
  });

  it("decodes the fingerprint registry's Paused and Unpaused (Pausable) as viem does", function () {
    const registryEvents = (CONTRACTS.FingerprintRegistry as readonly { type: string }[]).filter(
      (item): item is AbiEvent => item.type === "event",
    );
    for (const name of ["Paused", "Unpaused"]) {
      const item = registryEvents.find((event) => event.name === name);
      expect(item, `FingerprintRegistry.${name}`).to.not.equal(undefined);
      expect(item!.inputs).to.deep.equal([
        { indexed: false, internalType: "address", name: "account", type: "address" },
      ]);
      const decode = fastDecoder(item!)!;
      // The committee Safe's address, lowercase in the log; checksummed in the index, as viem gives it.
      const account = "0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2";
      const topics = encodeEventTopics({ abi: [item!], eventName: name }) as Hex[];
      const data: Hex = `0x${account.slice(2).padStart(64, "0")}`;
      expect(decode(topics, data)).to.deep.equal({ account: getAddress(account) });
      expect(JSON.stringify(decode(topics, data))).to.equal(viemJson(item!, { topics, data }));
      // Upper-case hex and dirty padding above the 20 bytes: still exactly viem's answer.
      const upper: Hex = `0x${data.slice(2).toUpperCase()}`;
      expect(JSON.stringify(decode(topics, upper))).to.equal(viemJson(item!, { topics, data: upper }));
      const dirty: Hex = `0x${"ff".repeat(12)}${account.slice(2)}`;
      expect(JSON.stringify(decode(topics, dirty))).to.equal(viemJson(item!, { topics, data: dirty }));
      // No data, or a short word: left to viem, which refuses it too.
      expect(decode(topics, "0x")).to.equal(undefined);
      expect(decode(topics, `0x${account.slice(2)}`)).to.equal(undefined);
      expect(() => viemJson(item!, { topics, data: `0x${account.slice(2)}` })).to.throw();
    }
  });

  it("leaves malformed logs to viem", function () {
    const event = (name: string) => EVENTS.find((e) => e.name === name)!;
    // A bool that is neither 0 nor 1 (RoleGranted: uint32 delay, uint48 since, bool newMember).
    const granted = event("RoleGranted");
    const log = logOf(granted);
    const words = log.data.slice(2).match(/.{64}/g)!;
    words[2] = `${"0".repeat(63)}2`;
    expect(fastDecoder(granted)!(log.topics, `0x${words.join("")}`)).to.equal(undefined);
    expect(() => viemJson(granted, { topics: log.topics, data: `0x${words.join("")}` })).to.throw();

    // IssuerApplied: two strings after three topics.
    const applied = event("IssuerApplied");
    const full = logOf(applied);
    const decode = fastDecoder(applied)!;
    expect(JSON.stringify(decode(full.topics, full.data))).to.equal(viemJson(applied, full));
    // Truncated, topics missing, no data, an offset past the end.
    expect(decode(full.topics, full.data.slice(0, -64) as Hex)).to.equal(undefined);
    expect(decode(full.topics.slice(0, 2), full.data)).to.equal(undefined);
    expect(decode(full.topics, "0x")).to.equal(undefined);
    expect(decode(full.topics, `0x${"0".repeat(56)}ffffffff${full.data.slice(66)}`)).to.equal(undefined);
  });
});
