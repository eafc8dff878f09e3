/**
 * Shared bits of the benchmark: machine description, small statistics, and writing results to
 * bench/results/<name>.json. Plain Node (no Hardhat), so every bench part can import it.
 */
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, freemem, loadavg, platform, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RESULTS_DIR = join(PROJECT_ROOT, "bench", "results");

export type MachineInfo = {
  node: string;
  v8: string;
  platform: string;
  release: string;
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryMB: number;
  freeMemoryMB: number;
  /** 1/5/15-minute load averages when the benchmark started: other work on the machine skews timings. */
  loadAverage: number[];
  /**
   * The fastest of 5 runs of a fixed JavaScript workload in a fresh process (bench/lib/cpu-reference.ts),
   * ms: one core's speed at JavaScript, to compare timings taken on different machines (absent from
   * results written before it existed).
   */
  cpuReferenceMs?: number;
  date: string;
};

export function machineInfo(): MachineInfo {
  const list = cpus();
  const reference = cpuReferenceMs();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: platform(),
    release: release(),
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    availableParallelism: availableParallelism(),
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(freemem() / 2 ** 20),
    loadAverage: loadavg().map((load) => round(load)),
    ...(reference === undefined ? {} : { cpuReferenceMs: reference }),
    date: new Date().toISOString(),
  };
}

let measuredReference: number | undefined;

/** {@link MachineInfo.cpuReferenceMs}, measured once per process (bench/lib/cpu-reference.ts). */
function cpuReferenceMs(): number | undefined {
  if (measuredReference === undefined) {
    const run = spawnSync(process.execPath, [join(PROJECT_ROOT, "bench", "lib", "cpu-reference.ts")], {
      encoding: "utf8",
    });
    const ms = Number(run.stdout.trim());
    if (run.status !== 0 || !Number.isFinite(ms) || ms <= 0) return undefined;
    measuredReference = ms;
  }
  return measuredReference;
}

/** Median of a non-empty list (mean of the middle two for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Writes `bench/results/<name>.json` (pretty, trailing newline) and returns its path. */
export async function writeResult(name: string, data: unknown): Promise<string> {
  const path = join(RESULTS_DIR, `${name}.json`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(
    path,
    `${JSON.stringify(data, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`,
  );
  return path;
}

/** One gas figure of bench/gas.ts, as bench/report.ts reads it back. */
export type GasMeasurement = {
  id: string;
  operation: string;
  method: "receipt.gasUsed" | "eth_estimateGas";
  /** Gas of each run (per transaction or per call). */
  runs: number[];
  median: number;
  /** For multi-item transactions: items per transaction and the median gas per item. */
  itemsPerTx?: number;
  perItemMedian?: number;
  /** The figure compared with the target (median, or per-item median). */
  value: number;
  target?: number;
  pass?: boolean;
  notes?: string;
  /** For the hot path: the floor of the run nearest the median, from its trace (bench/lib/gas-floor.ts). */
  floor?: GasFloor;
};

/** Count and total gas of one opcode in a traced transaction. */
export type OpcodeGas = { count: number; gas: number };

/**
 * The floor of one traced transaction: intrinsic gas plus the opcodes the operation cannot do without,
 * and what the target leaves, and the code spends, on every other opcode. Gas per transaction.
 */
export type GasFloor = {
  transactionHash: string;
  gasUsed: number;
  /** Records the transaction anchors (the target is per item). */
  items: number;
  /** gasUsed − the opcodes' gas: 21,000 + calldata. */
  intrinsic: number;
  calldata: { gas: number; bytes: number; zeroBytes: number };
  /** SSTORE, SLOAD, LOG0..LOG4 and KECCAK256 of the trace, by opcode. */
  unavoidable: Record<string, OpcodeGas>;
  unavoidableGas: number;
  /** intrinsic + unavoidableGas. */
  total: number;
  /** target × items − total: what the target leaves for every other opcode (negative: unreachable). */
  targetBudget?: number;
  /** gasUsed − total: what the code spends on every other opcode (dispatch, ABI decoding, loop, checks). */
  otherExecution: number;
  /**
   * otherExecution by part, from the source map: Solidity's dispatcher (up to the jump into the ABI
   * decoder), the decoder, and the function body. Absent when the source map does not show the decoder.
   */
  otherExecutionSplit?: { dispatcher: number; abiDecoder: number; body: number };
};

/** One figure of bench/gov-gas.ts, as bench/report.ts reads it back. */
export type GovGasMeasurement = {
  id: string;
  operation: string;
  schemas: number;
  gas: number;
  target?: number;
  pass?: boolean;
  notes: string;
};
