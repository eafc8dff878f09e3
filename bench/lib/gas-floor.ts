/**
 * The gas floor of a transaction, measured from its `debug_traceTransaction` struct logs: what the EVM
 * charges before any code runs (intrinsic gas), plus the opcodes the operation cannot do without
 * (UNAVOIDABLE_OPCODES). Everything else the transaction spends is code that an implementation could
 * in principle shave. Plain Node (no Hardhat): bench/gas.ts fetches the trace and the source map.
 */
import { z } from "zod";

import type { GasFloor, OpcodeGas } from "./common.ts";

/**
 * The opcodes an anchor cannot do without: the fresh slot per record (SSTORE), the accreditation read
 * and the "never overwrite" read (SLOAD), the event the audit trail needs (LOG0..LOG4) and the
 * mapping-slot hashes (KECCAK256).
 */
export const UNAVOIDABLE_OPCODES: readonly string[] = [
  "SSTORE",
  "SLOAD",
  "LOG0",
  "LOG1",
  "LOG2",
  "LOG3",
  "LOG4",
  "KECCAK256",
];

/** Base cost of every transaction. */
const TX_BASE_GAS = 21_000;

/** One step of a `debug_traceTransaction` answer (stack, memory and storage disabled). */
export type StructLog = { pc: number; op: string; gasCost: number; depth: number };

const traceSchema = z.object({
  structLogs: z.array(z.object({ pc: z.number(), op: z.string(), gasCost: z.number(), depth: z.number() })),
});

/** The steps of a `debug_traceTransaction` answer. */
export function structLogsOf(trace: unknown): StructLog[] {
  return traceSchema.parse(trace).structLogs;
}

/** Calldata gas (EIP-2028): 16 per non-zero byte, 4 per zero byte. */
export function calldataGas(data: string): { gas: number; bytes: number; zeroBytes: number } {
  const bytes = Buffer.from(data.slice(2), "hex");
  let zeroBytes = 0;
  for (const byte of bytes) if (byte === 0) zeroBytes++;
  return { gas: zeroBytes * 4 + (bytes.length - zeroBytes) * 16, bytes: bytes.length, zeroBytes };
}

/** The source map of a contract's deployed code, by program counter. */
export type SourceMappedCode = {
  /** Source index and jump annotation ("i" into a function, "o" out of one, "-" neither) per pc. */
  byPc: Map<number, { sourceIndex: number; jump: string }>;
  /** Indices of the compiler's own (generated) sources: ABI coders, checked arithmetic, validators. */
  isGenerated: (sourceIndex: number) => boolean;
};

/**
 * Maps solc's compressed `s:l:f:j:m` source map (one entry per instruction, empty fields repeat the
 * previous entry) onto the program counters of `bytecode`, skipping PUSH data. Source indices that are
 * neither -1 nor one of `sourceIds` belong to the compiler's generated sources.
 */
export function sourceMappedCode(
  bytecode: string,
  sourceMap: string,
  sourceIds: readonly number[],
): SourceMappedCode {
  const code = Buffer.from(bytecode.replace(/^0x/, ""), "hex");
  const entries = sourceMap.split(";");
  const byPc = new Map<number, { sourceIndex: number; jump: string }>();
  let sourceIndex = -1;
  let jump = "-";
  for (let pc = 0, instruction = 0; pc < code.length && instruction < entries.length; instruction++) {
    const [, , file, jumpField] = entries[instruction]!.split(":");
    if (file) sourceIndex = Number(file);
    if (jumpField) jump = jumpField;
    byPc.set(pc, { sourceIndex, jump });
    const opcode = code[pc]!;
    const pushBytes = opcode >= 0x60 && opcode <= 0x7f ? opcode - 0x5f : 0;
    pc += 1 + pushBytes;
  }
  const sources = new Set(sourceIds);
  return { byPc, isGenerated: (index) => index >= 0 && !sources.has(index) };
}

/**
 * True when `onChain` is `compiled` with its immutables filled in: same length, same bytes outside the
 * immutable ranges. Guards the source map against artifacts rebuilt after the deployment.
 */
export function isCompiledCode(
  onChain: string,
  compiled: string,
  immutableRanges: readonly { start: number; length: number }[],
): boolean {
  const deployed = Buffer.from(onChain.replace(/^0x/, ""), "hex");
  const artifact = Buffer.from(compiled.replace(/^0x/, ""), "hex");
  if (deployed.length !== artifact.length) return false;
  for (const { start, length } of immutableRanges) deployed.fill(0, start, start + length);
  for (const { start, length } of immutableRanges) artifact.fill(0, start, start + length);
  return deployed.equals(artifact);
}

const gasOf = (steps: readonly StructLog[]) => steps.reduce((sum, step) => sum + step.gasCost, 0);
const isUnavoidable = (step: StructLog) => UNAVOIDABLE_OPCODES.includes(step.op);

/**
 * Splits the steps at Solidity's ABI decoder: the dispatcher is every step up to and including the
 * first jump into a compiler-generated function (the external function's decoder), the decoder runs
 * until its matching return jump (nested "i"/"o" jumps counted), and the body is the rest. Undefined
 * when there is no such jump, it never returns, or an unavoidable opcode runs before the body (then
 * the jump was not into the decoder).
 */
function splitAtAbiDecoder(
  steps: readonly StructLog[],
  code: SourceMappedCode,
): { dispatcher: StructLog[]; abiDecoder: StructLog[]; body: StructLog[] } | undefined {
  const at = (step: StructLog | undefined) => (step ? code.byPc.get(step.pc) : undefined);
  const entry = steps.findIndex(
    (step, i) =>
      step.op === "JUMP" && at(step)?.jump === "i" && code.isGenerated(at(steps[i + 1])?.sourceIndex ?? -1),
  );
  if (entry < 0) return undefined;
  let nesting = 1;
  let exit = -1;
  for (let i = entry + 1; i < steps.length && exit < 0; i++) {
    const step = steps[i]!;
    if (step.op !== "JUMP") continue;
    if (at(step)?.jump === "i") nesting++;
    else if (at(step)?.jump === "o" && --nesting === 0) exit = i;
  }
  if (exit < 0) return undefined;
  const dispatcher = steps.slice(0, entry + 1);
  const abiDecoder = steps.slice(entry + 1, exit + 1);
  if ([...dispatcher, ...abiDecoder].some(isUnavoidable)) return undefined;
  return { dispatcher, abiDecoder, body: steps.slice(exit + 1) };
}

/**
 * The floor of one traced transaction. `items` is the number of records it anchors and `target` the
 * per-item target (if any). Throws when the trace does not account for the receipt's gas as
 * intrinsic + opcodes (nested calls or refunds, which this analysis does not model).
 */
export function gasFloor(options: {
  transactionHash: string;
  gasUsed: number;
  calldata: string;
  steps: readonly StructLog[];
  items: number;
  target?: number;
  code?: SourceMappedCode;
}): GasFloor {
  const { steps, gasUsed, items, target } = options;
  if (steps.some((step) => step.depth !== 1))
    throw new Error(`${options.transactionHash} makes an external call; the floor analysis assumes none.`);
  const intrinsic = gasUsed - gasOf(steps);
  const calldata = calldataGas(options.calldata);
  if (intrinsic !== TX_BASE_GAS + calldata.gas)
    throw new Error(
      `${options.transactionHash}: gasUsed − opcode gas = ${intrinsic}, not 21,000 + ${calldata.gas} calldata (a refund?).`,
    );

  const unavoidable: Record<string, OpcodeGas> = {};
  for (const op of UNAVOIDABLE_OPCODES) {
    const ran = steps.filter((step) => step.op === op);
    if (ran.length > 0) unavoidable[op] = { count: ran.length, gas: gasOf(ran) };
  }
  const unavoidableGas = gasOf(steps.filter(isUnavoidable));
  const total = intrinsic + unavoidableGas;
  const otherGas = (part: readonly StructLog[]) => gasOf(part) - gasOf(part.filter(isUnavoidable));
  const split = options.code ? splitAtAbiDecoder(steps, options.code) : undefined;
  return {
    transactionHash: options.transactionHash,
    gasUsed,
    items,
    intrinsic,
    calldata,
    unavoidable,
    unavoidableGas,
    total,
    ...(target !== undefined ? { targetBudget: target * items - total } : {}),
    otherExecution: gasUsed - total,
    ...(split
      ? {
          otherExecutionSplit: {
            dispatcher: otherGas(split.dispatcher),
            abiDecoder: otherGas(split.abiDecoder),
            body: otherGas(split.body),
          },
        }
      : {}),
  };
}
