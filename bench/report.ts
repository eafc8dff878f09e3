/**
 * Turns bench/results/{gas,did-gas,credit-gas,gov-gas,merkle,verify-latency,start,audit}.json into bench/results/README.md:
 * one table of measured value, target and PASS/MISS, then the details. Run: `node bench/report.ts`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import {
  median,
  RESULTS_DIR,
  round,
  type GasMeasurement,
  type GovGasMeasurement,
  type MachineInfo,
} from "./lib/common.ts";

type GasResult = {
  machine: MachineInfo;
  chain: { engine: string; hardfork: string; compiler: unknown };
  runsPerMeasurement: number;
  method: string;
  measurements: GasMeasurement[];
  floorMethod: string;
  references: { system: string; operation: string; gas: number }[];
  referencesNote: string;
};
type GovGasResult = {
  machine: MachineInfo;
  chain: { engine: string; hardfork: string; compiler: unknown };
  method: string;
  setup: string;
  measurements: GovGasMeasurement[];
};
type DidCondition = "fresh" | "changed" | "signedBefore";
type DidGasResult = {
  machine: MachineInfo;
  chain: { engine: string; hardfork: string; chainId: number };
  runsPerMeasurement: number;
  method: string;
  conditions: Record<DidCondition, string>;
  values: Record<string, string | number>;
  registries: Record<
    "ours" | "stock",
    { contract: string; address: string; deploymentGas: number; runtimeBytes: number }
  >;
  targetRule: string;
  issueFigures: {
    id: string;
    operation: string;
    issueGas: number;
    condition: DidCondition;
    stockByCondition: Partial<Record<DidCondition, number>>;
    stockMinusIssue: number;
    ours: number;
    stock: number;
    pass: boolean;
    atOrBelowStock: boolean;
  }[];
  measurements: {
    id: string;
    operation: string;
    signed: boolean;
    condition: DidCondition;
    ours: number;
    stock: number;
    delta: number;
    target: number;
    targetSource: "issue" | "stock (measured)";
    pass: boolean;
    atOrBelowStock: boolean;
    oursRuns: number[];
    stockRuns: number[];
    notes?: string;
  }[];
  erc1271:
    | {
        measurements: {
          operation: string;
          condition: DidCondition;
          ours: number;
          oursEcdsa: number;
          overhead: number;
          runs: number[];
        }[];
        walletGas: number;
        note: string;
      }
    | { skipped: string };
};
type CreditGasResult = {
  machine: MachineInfo;
  chain: { engine: string; hardfork: string; chainId: number; compiler: unknown };
  runsPerMeasurement: number;
  method: string;
  setup: Record<string, string>;
  targets: string;
  measurements: {
    id: string;
    contract: string;
    operation: string;
    sender: string;
    runs: number[];
    median: number;
    notes: string;
  }[];
  flows: { name: string; steps: string[]; total: number }[];
};
type MerkleSize = {
  leafCount: number;
  depth: number;
  workers: number;
  buildMs: number;
  proofsMs: number;
  totalMs: number;
  peakRssMB: number;
  rssBeforeMB: number;
  proofsVerified: number;
  crossCheckedRoot: boolean;
  target?: { totalMs: number; peakRssMB: number };
  pass?: { totalMs: boolean; peakRssMB: boolean };
  runs: { totalMs: number }[];
};
type MerkleResult = { machine: MachineInfo; method: string; results: MerkleSize[] };
type Stats = { p50: number; p95: number; max: number; min: number };
type LatencyResult = {
  machine: MachineInfo;
  chain: { engine: string; chainId: number };
  iterations: number;
  warmupIterations: number;
  method: string;
  target: { p95Ms: number };
  pass: boolean;
  totalMs: Stats;
  readFileMs: Stats;
  hashAndFingerprintMs: Stats;
  verifyDataPackageMs: Stats;
};

type AuditStats = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
  meanRows: number;
};
type AuditDatabase = "sqlite" | "postgres";
type AuditRun = {
  database: AuditDatabase;
  config: { rangeSize: number | "default"; targetLogs: number | "default"; transport: string };
  events: number;
  ranges: number;
  log: string[];
  ms: number;
  eventsPerSecond: number;
  /** Missing in results from before it was recorded. */
  loadAverage?: number[];
  split: {
    rpcMs: number;
    storeMs: number;
    overlapMs: number;
    decodeAndRestMs: number;
    rpcCalls?: Record<string, { calls: number; ms: number }>;
  };
};
type AuditResult = {
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  versions: { anvil: string; viem: string; pg: string; sqlite: string; postgres: string };
  targets: {
    ingestEventsPerSecond: number;
    queryP95Ms: number;
    queryIndexEvents: number;
    queryFilters: string[];
  };
  ingest: {
    method: string;
    chain: {
      engine: string;
      chainId: number;
      deployMs: number;
      scenariosMs: number;
      scenarios: string;
      flood: {
        transactions: number;
        anchorManyTransactions: number;
        anchorManySize: number;
        blocks: number;
        txsPerBlock: number;
        signMs: number;
        sendAndMineMs: number;
        wallMs: number;
        issuer: string;
        method: string;
      };
    };
    totalEvents: number;
    runs: AuditRun[];
    best: Record<AuditDatabase, AuditRun>;
    bestConfigurationRuns: Record<AuditDatabase, number[]>;
    stagesAlone: {
      rangeSize: number;
      ranges: number;
      events: number;
      rawGetLogsMs: number;
      rawResponseBytes: number;
      viemGetLogsMs: number;
      decodeMs: number;
      commitRangeMs: Record<AuditDatabase | "sqliteWithoutAutoCheckpoint", number>;
      commitRangeBreakdown: Record<
        AuditDatabase | "sqliteWithoutAutoCheckpoint",
        Record<string, { statements: number; ms: number }>
      >;
      eventKeysPerEvent: number;
    };
    pass: Record<AuditDatabase, boolean>;
  };
  queries: {
    method: string;
    dataset: {
      events: number;
      blocks: number;
      firstBlockTime: string;
      lastBlockTime: string;
      actors: number;
      mix: Record<string, number>;
      how: string;
      buildRangeEvents: number;
    };
    build: Record<
      AuditDatabase,
      { events: number; ranges: number; commitMs: number; eventsPerSecond: number; sizeMB: number }
    >;
    postgresServer: string;
    results: {
      name: string;
      description: string;
      queries: number;
      results: Record<AuditDatabase, AuditStats>;
      postgresAsLoaded: AuditStats | null;
    }[];
    postgresAsLoaded: {
      eventsTable?: { last_autoanalyze: string | null; autoanalyze_count: number | string };
    };
    diagnostics: Record<AuditDatabase, { deepPageWithCursorBound: Record<string, AuditStats> }>;
    pass: Record<AuditDatabase, boolean>;
  };
  durationMs: number;
};

async function load<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(RESULTS_DIR, `${name}.json`), "utf8")) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const gas = await load<GasResult>("gas");
const didGas = await load<DidGasResult>("did-gas");
const creditGas = await load<CreditGasResult>("credit-gas");
const govGas = await load<GovGasResult>("gov-gas");
const merkle = await load<MerkleResult>("merkle");
const latency = await load<LatencyResult>("verify-latency");
type StartResult = {
  machine: MachineInfo;
  target: { readyMs: number };
  pass: boolean;
  runs: { label: string; readyMs: number; wallMs: number }[];
};
const start = await load<StartResult>("start");
const cliBatch = await load<{
  machine: MachineInfo;
  documents: number;
  anchorBatchMs: number;
  verifyMs: number;
}>("cli-batch-1000000");
const audit = await load<AuditResult>("audit");
if (!gas && !didGas && !creditGas && !govGas && !merkle && !latency && !start && !audit)
  throw new Error("No results in bench/results: run `npm run bench` first.");

const n = (value: number) => value.toLocaleString("en-US");
const verdict = (pass: boolean | undefined) => (pass === undefined ? "—" : pass ? "**PASS**" : "**MISS**");
const lines: string[] = [];
const out = (line = "") => lines.push(line);

out("# Crossproof benchmark results");
out();
out(
  "Generated by `npm run bench` (bench/run.ts: bench/gas.ts, bench/did-gas.ts, bench/credit-gas.ts, bench/gov-gas.ts, bench/merkle.ts, bench/verify-latency.ts, bench/start.ts, bench/audit.ts, bench/report.ts).",
);
out(
  "Raw data, every run and the machine description: `gas.json`, `did-gas.json`, `credit-gas.json`, `gov-gas.json`, `merkle.json`, `verify-latency.json`, `start.json`, `audit.json`.",
);
out();
out("## Summary");
out();
out("| Benchmark | Measured | Target | Result |");
out("| --- | ---: | ---: | :---: |");
if (gas) {
  for (const m of gas.measurements) {
    const unit = m.itemsPerTx ? " gas/item" : " gas";
    out(
      `| Gas: ${m.operation}${m.method === "eth_estimateGas" ? " *(estimateGas)*" : ""} | ${n(m.value)}${unit} | ${m.target === undefined ? "—" : `≤ ${n(m.target)}`} | ${verdict(m.pass)} |`,
    );
  }
}
const conditionLabel: Record<DidCondition, string> = {
  fresh: "fresh identity",
  changed: "identity already changed",
  signedBefore: "after a signed change",
};
if (didGas) {
  for (const f of didGas.issueFigures) {
    out(
      `| DID gas: ${f.operation}, ${conditionLabel[f.condition]} (stock ERC-1056 here: ${n(f.stock)}) | ${n(f.ours)} gas | ≤ ${n(f.issueGas)} (issue) | ${verdict(f.pass)} |`,
    );
  }
  const atOrBelow = didGas.measurements.filter((m) => m.atOrBelowStock).length;
  out(
    `| DID gas: writes at or below the stock ERC-1056 registry, every operation and condition | ${atOrBelow} of ${didGas.measurements.length} | ${didGas.measurements.length} of ${didGas.measurements.length} | ${verdict(atOrBelow === didGas.measurements.length)} |`,
  );
}
if (creditGas) {
  for (const m of creditGas.measurements) {
    out(`| Credit gas: ${m.contract}.${m.operation} | ${n(m.median)} gas | — | — |`);
  }
}
if (govGas) {
  for (const m of govGas.measurements) {
    out(
      `| Governance gas: ${m.operation} | ${n(m.gas)} gas | ${m.target ? `≤ ${n(m.target)}` : "—"} | ${verdict(m.pass)} |`,
    );
  }
}
if (merkle) {
  for (const size of merkle.results) {
    out(
      `| Merkle ${n(size.leafCount)}: build + all proofs | ${n(size.totalMs)} ms | ${size.target ? `≤ ${n(size.target.totalMs)} ms` : "—"} | ${verdict(size.pass?.totalMs)} |`,
    );
    out(
      `| Merkle ${n(size.leafCount)}: peak RSS | ${size.peakRssMB} MB | ${size.target ? `≤ ${size.target.peakRssMB} MB` : "—"} | ${verdict(size.pass?.peakRssMB)} |`,
    );
  }
}
if (latency) {
  out(
    `| Verify 1 MiB document (${latency.chain.engine} node): p95 | ${latency.totalMs.p95} ms | ≤ ${latency.target.p95Ms} ms (web) | ${verdict(latency.pass)} |`,
  );
  out(`| Verify 1 MiB document: p50 / max | ${latency.totalMs.p50} / ${latency.totalMs.max} ms | — | — |`);
}
if (start) {
  for (const run of start.runs) {
    out(
      `| npm start, ${run.label}: ready with scenarios done | ${n(run.readyMs)} ms | ≤ ${n(start.target.readyMs)} ms | ${verdict(run.readyMs <= start.target.readyMs)} |`,
    );
  }
}
const AUDIT_LABEL: Record<AuditDatabase, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };
/** The runs with the indexer's defaults (what `crossproof audit sync` does), in the order run. */
const defaultRuns = (result: AuditResult, database: AuditDatabase) =>
  result.ingest.runs.filter(
    (run) =>
      run.database === database &&
      run.config.rangeSize === "default" &&
      run.config.targetLogs === "default" &&
      run.config.transport === "http",
  );
const auditConfig = (run: AuditRun) =>
  `${run.config.transport}, rangeSize ${run.config.rangeSize}, targetLogs ${run.config.targetLogs}`;
if (audit) {
  for (const database of ["sqlite", "postgres"] as const) {
    const best = audit.ingest.best[database];
    out(
      `| Audit ingest from a local node, getLogs + decode + store, ${AUDIT_LABEL[database]} (best run: ${auditConfig(best)}) | ${n(best.eventsPerSecond)} events/s | ≥ ${n(audit.targets.ingestEventsPerSecond)} events/s | ${verdict(audit.ingest.pass[database])} |`,
    );
  }
  for (const database of ["sqlite", "postgres"] as const) {
    const defaults = defaultRuns(audit, database);
    if (defaults.length === 0) continue;
    const middle = median(defaults.map((run) => run.eventsPerSecond));
    const all =
      defaults.length > 1
        ? ` (median of ${defaults.length} runs: ${defaults.map((run) => n(run.eventsPerSecond)).join(", ")})`
        : "";
    out(
      `| Audit ingest, ${AUDIT_LABEL[database]}, with the indexer's defaults (\`crossproof audit sync\`)${all} | ${n(Math.round(middle))} events/s | ≥ ${n(audit.targets.ingestEventsPerSecond)} events/s | ${verdict(middle >= audit.targets.ingestEventsPerSecond)} |`,
    );
  }
  for (const name of audit.targets.queryFilters) {
    const q = audit.queries.results.find((result) => result.name === name);
    if (!q) continue;
    const pass =
      q.results.sqlite.p95 <= audit.targets.queryP95Ms && q.results.postgres.p95 <= audit.targets.queryP95Ms;
    out(
      `| \`audit events\` over ${n(audit.queries.dataset.events)} events, ${name}: p95 SQLite / PostgreSQL | ${q.results.sqlite.p95} / ${q.results.postgres.p95} ms | ≤ ${audit.targets.queryP95Ms} ms each | ${verdict(pass)} |`,
    );
  }
}
if (cliBatch) {
  out(
    `| CLI: \`anchor --list … --batch\` of ${n(cliBatch.documents)} documents (bench/cli-batch.ts, run by hand) | ${n(cliBatch.anchorBatchMs)} ms | — | — |`,
  );
}
out();

if (gas) {
  out("## Gas");
  out();
  out(
    `${gas.method} Median of ${gas.runsPerMeasurement} runs each. Chain: ${gas.chain.engine}, ${gas.chain.hardfork}; compiler ${JSON.stringify(gas.chain.compiler)}.`,
  );
  out();
  out("| Operation | Median gas | Per item | Min–max of runs | Notes |");
  out("| --- | ---: | ---: | ---: | --- |");
  for (const m of gas.measurements) {
    out(
      `| ${m.operation} | ${n(m.median)} | ${m.perItemMedian === undefined ? "—" : n(m.perItemMedian)} | ${n(Math.min(...m.runs))}–${n(Math.max(...m.runs))} | ${m.notes ?? ""} |`,
    );
  }
  out();
  out("### Reference numbers (context only, not measured here)");
  out();
  out("| System | Operation | Gas |");
  out("| --- | --- | ---: |");
  for (const r of gas.references) out(`| ${r.system} | ${r.operation} | ${n(r.gas)} |`);
  out();
  const traced = gas.measurements.flatMap((m) => (m.floor ? [{ m, floor: m.floor }] : []));
  if (traced.length > 0) {
    out("### The floor of the hot path (traced)");
    out();
    out(gas.floorMethod);
    out();
    out(
      "| Operation | Measured, gas per transaction | Intrinsic: 21,000 + calldata | Unavoidable opcodes | Floor | Target | Target leaves for all other execution | Code spends on it: dispatcher + ABI decoder + body |",
    );
    out("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
    const perItem = (gasPerTx: number, items: number) =>
      items > 1 ? ` (${n(round(gasPerTx / items, 1))} per item)` : "";
    for (const { m, floor } of traced) {
      const intrinsic = `${n(floor.intrinsic - floor.calldata.gas)} + ${n(floor.calldata.gas)} = ${n(floor.intrinsic)}`;
      const opcodes = Object.entries(floor.unavoidable)
        .map(([op, { count, gas: opGas }]) =>
          count === 1 ? `${op} ${n(opGas)}` : `${op} ${count} × ${n(opGas / count)}`,
        )
        .join(" + ");
      const target =
        m.target === undefined
          ? "—"
          : `${n(m.target * floor.items)}${perItem(m.target * floor.items, floor.items)}`;
      const budget = floor.targetBudget === undefined ? "—" : `**${n(floor.targetBudget)}**`;
      const split = floor.otherExecutionSplit;
      const spent = `**${n(floor.otherExecution)}**${split ? ` (${n(split.dispatcher)} + ${n(split.abiDecoder)} + ${n(split.body)})` : ""}`;
      out(
        `| ${m.operation} | ${n(floor.gasUsed)}${perItem(floor.gasUsed, floor.items)} | ${intrinsic} | ${opcodes} = ${n(floor.unavoidableGas)} | **${n(floor.total)}** | ${target} | ${budget} | ${spent} |`,
      );
    }
    out();
    for (const { m, floor } of traced) {
      if (m.pass !== false || floor.targetBudget === undefined) continue;
      const split = floor.otherExecutionSplit;
      out(
        `- ${m.operation}: the target leaves ${n(floor.targetBudget)} gas per transaction for every opcode but the unavoidable ones; the code spends ${n(floor.otherExecution)}` +
          (split
            ? `, of which Solidity's dispatcher and ABI decoder alone take ${n(split.dispatcher + split.abiDecoder)}.`
            : "."),
      );
    }
    out();
  }
}

if (didGas) {
  out("## DID registry gas: ours vs the stock ERC-1056 registry");
  out();
  const { ours, stock } = didGas.registries;
  out(
    `Ours: ${ours.contract} (deployment ${n(ours.deploymentGas)} gas, ${n(ours.runtimeBytes)} bytes of code). Stock: ${stock.contract} (deployment ${n(stock.deploymentGas)} gas, ${n(stock.runtimeBytes)} bytes), on the same chain (${didGas.chain.engine}, ${didGas.chain.hardfork}).`,
  );
  out();
  out(`${didGas.method} Median of ${didGas.runsPerMeasurement} runs each.`);
  out();
  out("Conditions (the identity's storage before the measured write):");
  out();
  for (const [condition, text] of Object.entries(didGas.conditions))
    out(`- **${conditionLabel[condition as DidCondition]}** (\`${condition}\`): ${text}.`);
  out();
  out(
    `Values: ${Object.entries(didGas.values)
      .map(([name, value]) => `${name}: ${typeof value === "number" ? n(value) : value}`)
      .join("; ")}.`,
  );
  out();
  out(didGas.targetRule);
  out();
  out("### The issue's stock figures, by condition");
  out();
  out(
    "| Operation | Issue | Stock here: fresh | Stock here: already changed | Reproduced by | Ours there | Result |",
  );
  out("| --- | ---: | ---: | ---: | --- | ---: | :---: |");
  for (const f of didGas.issueFigures) {
    const byCondition = (c: DidCondition) => {
      const value = f.stockByCondition[c];
      return value === undefined ? "—" : n(value);
    };
    out(
      `| ${f.operation} | ${n(f.issueGas)} | ${byCondition("fresh")} | ${byCondition("changed")} | ${conditionLabel[f.condition]} (${f.stockMinusIssue >= 0 ? "+" : ""}${n(f.stockMinusIssue)}) | ${n(f.ours)} | ${verdict(f.pass)} |`,
    );
  }
  out();
  out("### Side by side");
  out();
  out("| Operation | Condition | Ours | Stock ERC-1056 | Ours − stock | Target | Result | Notes |");
  out("| --- | --- | ---: | ---: | ---: | ---: | :---: | --- |");
  for (const m of didGas.measurements) {
    const delta = `${m.delta > 0 ? "+" : ""}${n(m.delta)}`;
    const target = `≤ ${n(m.target)}${m.targetSource === "issue" ? " (issue)" : ""}`;
    out(
      `| ${m.operation} | ${conditionLabel[m.condition]} | ${n(m.ours)} | ${n(m.stock)} | ${delta} | ${target} | ${verdict(m.pass)} | ${m.notes ?? ""} |`,
    );
  }
  out();
  out("### ERC-1271 contract-wallet owner (ours only)");
  out();
  if ("skipped" in didGas.erc1271) {
    out(`Not measured: ${didGas.erc1271.skipped}.`);
  } else {
    out(didGas.erc1271.note);
    out();
    out("| Operation | Condition | ERC-1271 owner | ECDSA owner | Overhead |");
    out("| --- | --- | ---: | ---: | ---: |");
    for (const m of didGas.erc1271.measurements) {
      out(
        `| ${m.operation} | ${conditionLabel[m.condition]} | ${n(m.ours)} | ${n(m.oursEcdsa)} | ${m.overhead >= 0 ? "+" : ""}${n(m.overhead)} |`,
      );
    }
  }
  out();
}

if (creditGas) {
  out("## Consent and credit order gas");
  out();
  out(
    `${creditGas.method} Median of ${creditGas.runsPerMeasurement} runs each. Chain: ${creditGas.chain.engine}, ${creditGas.chain.hardfork}; compiler ${JSON.stringify(creditGas.chain.compiler)}. ${creditGas.targets}`,
  );
  out();
  out("Set-up:");
  out();
  for (const [part, text] of Object.entries(creditGas.setup)) out(`- **${part}**: ${text}.`);
  out();
  out("| Contract | Operation | Sent by | Median gas | Min–max of runs | Target | Notes |");
  out("| --- | --- | --- | ---: | ---: | ---: | --- |");
  for (const m of creditGas.measurements) {
    out(
      `| ${m.contract} | ${m.operation} | ${m.sender} | ${n(m.median)} | ${n(Math.min(...m.runs))}–${n(Math.max(...m.runs))} | — | ${m.notes} |`,
    );
  }
  out();
  out("Sums of the medians above:");
  out();
  out("| Flow | Steps | Gas |");
  out("| --- | --- | ---: |");
  for (const flow of creditGas.flows) {
    out(`| ${flow.name} | ${flow.steps.map((step) => `\`${step}\``).join(" + ")} | ${n(flow.total)} |`);
  }
  out();
}

if (govGas) {
  out("## Governance gas at the issuer registry's cap");
  out();
  out(
    `${govGas.method} Chain: ${govGas.chain.engine}, ${govGas.chain.hardfork}; compiler ${JSON.stringify(govGas.chain.compiler)}.`,
  );
  out();
  out(`Set-up: ${govGas.setup}.`);
  out();
  out("| Operation | Gas | Target | Notes |");
  out("| --- | ---: | ---: | --- |");
  for (const m of govGas.measurements) {
    out(`| ${m.operation} | ${n(m.gas)} | ${m.target ? `≤ ${n(m.target)}` : "—"} | ${m.notes} |`);
  }
  out();
}

if (merkle) {
  out("## Merkle batches");
  out();
  out(merkle.method);
  out();
  out(
    "| Leaves | Depth | Threads | Build (ms) | All proofs (ms) | Total (ms) | Runs, total (ms) | RSS before build (MB) | Peak RSS (MB) | Proofs verified | Root = pure-JS root |",
  );
  out("| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | :---: |");
  for (const s of merkle.results) {
    out(
      `| ${n(s.leafCount)} | ${s.depth} | ${s.workers} | ${n(s.buildMs)} | ${n(s.proofsMs)} | ${n(s.totalMs)} | ${s.runs.map((r) => n(r.totalMs)).join(", ")} | ${s.rssBeforeMB} | ${s.peakRssMB} | ${s.proofsVerified} | ${s.crossCheckedRoot ? "yes" : "not checked"} |`,
    );
  }
  out();
}

if (latency) {
  out("## Verification latency");
  out();
  out(
    `${latency.method} ${latency.iterations} iterations (+${latency.warmupIterations} warm-up) against a local ${latency.chain.engine} node, chain id ${latency.chain.chainId}. The ${latency.target.p95Ms} ms target is for the web verifier; it is compared with p95 here.`,
  );
  out();
  out("| Step | p50 (ms) | p95 (ms) | max (ms) | min (ms) |");
  out("| --- | ---: | ---: | ---: | ---: |");
  const row = (name: string, s: Stats) => out(`| ${name} | ${s.p50} | ${s.p95} | ${s.max} | ${s.min} |`);
  row("read file (1 MiB)", latency.readFileMs);
  row("hashDocument + computeFingerprint", latency.hashAndFingerprintMs);
  row("verifyDataPackage (RPC)", latency.verifyDataPackageMs);
  row("**total**", latency.totalMs);
  out();
}

if (audit) {
  const { ingest, queries } = audit;
  const f = ingest.chain.flood;
  out("## Audit index (src/indexer)");
  out();
  out(
    `Targets: ingest ≥ ${n(audit.targets.ingestEventsPerSecond)} events/s end to end from a local node (getLogs + decode + store); \`audit events\` p95 ≤ ${audit.targets.queryP95Ms} ms over ${n(audit.targets.queryIndexEvents)} indexed events with each common filter (${audit.targets.queryFilters.join(", ")}), on SQLite and on PostgreSQL. ` +
      `Versions: anvil ${audit.versions.anvil}, SQLite ${audit.versions.sqlite} (node:sqlite), ${audit.versions.postgres.split(" on ")[0]!} (pg ${audit.versions.pg}), viem ${audit.versions.viem}. Whole part: ${n(Math.round(audit.durationMs / 1000))} s.`,
  );
  out();
  out("### Ingest");
  out();
  out(
    `Chain: ${ingest.chain.engine} (chain id ${ingest.chain.chainId}), Crossproof deployed with scripts/deploy.ts (${n(ingest.chain.deployMs)} ms); ${ingest.chain.scenarios} (${n(ingest.chain.scenariosMs)} ms). ` +
      `Then ${n(f.transactions)} transactions from ${f.issuer}: ${n(f.transactions - f.anchorManyTransactions)} \`anchor\` and ${n(f.anchorManyTransactions)} \`anchorMany\` of ${f.anchorManySize} (one AnchoredMany event each), ${n(f.txsPerBlock)} per block, ${n(f.blocks)} blocks, in ${n(f.wallMs)} ms (${f.method}). ` +
      `${n(ingest.totalEvents)} events in all.`,
  );
  out();
  out(ingest.method);
  out(
    "SQLite runs in the indexer's thread (node:sqlite is synchronous), so while it writes, a pending RPC answer waits: \"at once\" there is store time. With PostgreSQL the indexer decodes while the server writes, and keeps two ranges committing (the next range's rows are written while the previous transaction finishes).",
  );
  out();
  out(
    "| Database | Configuration | Ranges (+ refused) | Events | Wall (ms) | Events/s | RPC only (ms) | Store only (ms) | RPC and store at once (ms) | Neither: decode + rest (ms) | Load average after |",
  );
  out("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const run of ingest.runs) {
    const refused = run.log.filter((line) => line.includes("refused")).length;
    out(
      `| ${AUDIT_LABEL[run.database]} | ${auditConfig(run)} | ${run.ranges}${refused > 0 ? ` (+${refused})` : ""} | ${n(run.events)} | ${n(run.ms)} | ${n(run.eventsPerSecond)} | ${n(run.split.rpcMs - run.split.overlapMs)} | ${n(run.split.storeMs - run.split.overlapMs)} | ${n(run.split.overlapMs)} | ${n(run.split.decodeAndRestMs)} | ${run.loadAverage?.join(" / ") ?? "—"} |`,
    );
  }
  out();
  for (const database of ["sqlite", "postgres"] as const) {
    const defaults = defaultRuns(audit, database);
    if (defaults.length === 0) continue;
    const refusals = defaults.flatMap((run) => run.log.filter((line) => line.includes("refused")));
    const calls = (run: AuditRun, method: string) => run.split.rpcCalls?.[`request ${method}`]?.calls ?? 0;
    out(
      `With the indexer's defaults (what \`crossproof audit sync\` does), ${AUDIT_LABEL[database]}: ${defaults.map((run) => n(run.eventsPerSecond)).join(", ")} events/s, median ${n(Math.round(median(defaults.map((run) => run.eventsPerSecond))))}; ` +
        (refusals.length > 0
          ? `${refusals.length} range(s) refused as too large an answer (${refusals.map((line) => /over (\d+) blocks was refused/.exec(line)?.[1] ?? "?").join(", ")} blocks), each after the node had built it.`
          : `no range refused (${calls(defaults[0]!, "eth_getLogs")} eth_getLogs and ${calls(defaults[0]!, "eth_feeHistory")} eth_feeHistory calls in the first run; a range is cut by its blocks' gas before eth_getLogs, docs/audit.md).`),
    );
  }
  out();
  out(
    `Every run of the best configuration, events/s: SQLite ${ingest.bestConfigurationRuns.sqlite.map(n).join(", ")}; PostgreSQL ${ingest.bestConfigurationRuns.postgres.map(n).join(", ")}.`,
  );
  out();
  const st = ingest.stagesAlone;
  const perS = (ms: number) => n(Math.round(st.events / (ms / 1000)));
  out(
    `Each stage alone over the same ${n(st.events)} events in ${st.ranges} ranges of ${st.rangeSize} blocks (${(st.rawResponseBytes / 2 ** 20).toFixed(1)} MiB of JSON from the node; ${st.eventKeysPerEvent} event_keys rows per event):`,
  );
  out();
  out("| Stage | ms | Events/s |");
  out("| --- | ---: | ---: |");
  out(`| eth_getLogs, raw (fetch + JSON.parse) | ${n(st.rawGetLogsMs)} | ${perS(st.rawGetLogsMs)} |`);
  out(`| eth_getLogs through viem (client.getLogs) | ${n(st.viemGetLogsMs)} | ${perS(st.viemGetLogsMs)} |`);
  out(`| decode (catalogue.decode) | ${n(st.decodeMs)} | ${perS(st.decodeMs)} |`);
  for (const database of ["sqlite", "postgres"] as const)
    out(
      `| store.commitRange, ${AUDIT_LABEL[database]} | ${n(st.commitRangeMs[database])} | ${perS(st.commitRangeMs[database])} |`,
    );
  const noCheckpoint = st.commitRangeMs.sqliteWithoutAutoCheckpoint;
  out(
    `| *diagnostic:* store.commitRange, SQLite with \`PRAGMA wal_autocheckpoint = 0\` | ${n(noCheckpoint)} | ${perS(noCheckpoint)} |`,
  );
  out();
  out("Where commitRange's time goes (statements timed inside its transaction):");
  out();
  out("| Database | Part | Statements | ms |");
  out("| --- | --- | ---: | ---: |");
  for (const database of ["sqlite", "postgres"] as const)
    for (const [part, entry] of Object.entries(st.commitRangeBreakdown[database]))
      out(`| ${AUDIT_LABEL[database]} | ${part} | ${n(entry.statements)} | ${n(entry.ms)} |`);
  out();
  const commitOf = (name: AuditDatabase | "sqliteWithoutAutoCheckpoint") =>
    st.commitRangeBreakdown[name].COMMIT?.ms ?? 0;
  out(
    `SQLite's COMMIT takes ${n(commitOf("sqlite"))} of ${n(st.commitRangeMs.sqlite)} ms: in WAL mode with \`synchronous = NORMAL\` a commit that takes the WAL past \`wal_autocheckpoint\` (10,000 pages, set by src/indexer/sqlite.ts) checkpoints it into the database file, with an fsync, inside the COMMIT. ` +
      `With auto-checkpoints off (diagnostic row above; the WAL then grows until something checkpoints it) COMMIT takes ${n(commitOf("sqliteWithoutAutoCheckpoint"))} ms.`,
  );
  out();
  out("### Queries");
  out();
  const d = queries.dataset;
  out(
    `Index: ${n(d.events)} events in ${n(d.blocks)} blocks, ${d.firstBlockTime} to ${d.lastBlockTime}. ${d.how} ` +
      `Mix: ${Object.entries(d.mix)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, count]) => `${kind} ${n(count)}`)
        .join(", ")}.`,
  );
  out();
  out(
    `Built through AuditStore.commitRange in ranges of about ${n(d.buildRangeEvents)} events. PostgreSQL: ${queries.postgresServer}.`,
  );
  out();
  out("| Database | Events | Ranges | commitRange total (ms) | Events/s | Size on disk |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const database of ["sqlite", "postgres"] as const) {
    const b = queries.build[database];
    out(
      `| ${AUDIT_LABEL[database]} | ${n(b.events)} | ${b.ranges} | ${n(b.commitMs)} | ${n(b.eventsPerSecond)} | ${n(b.sizeMB)} MB |`,
    );
  }
  out();
  out(queries.method);
  const analyzed = queries.postgresAsLoaded.eventsTable;
  if (analyzed)
    out(
      `When the as-loaded PostgreSQL queries ran, autovacuum had analyzed the events table ${analyzed.autoanalyze_count} time(s) (last: ${analyzed.last_autoanalyze ?? "never"}).`,
    );
  out();
  out(
    "| Filter | Queries | SQLite p50 / p95 / max (ms) | PostgreSQL p50 / p95 / max (ms) | PostgreSQL as loaded, p95 (ms) | Rows per page (mean) | Target |",
  );
  out("| --- | ---: | ---: | ---: | ---: | ---: | :---: |");
  for (const q of queries.results) {
    const s = q.results.sqlite;
    const p = q.results.postgres;
    const targeted = audit.targets.queryFilters.includes(q.name);
    out(
      `| ${q.name}: ${q.description} | ${q.queries} | ${s.p50} / ${s.p95} / ${s.max} | ${p.p50} / ${p.p95} / ${p.max} | ${q.postgresAsLoaded?.p95 ?? "—"} | ${s.meanRows} | ${targeted ? verdict(s.p95 <= audit.targets.queryP95Ms && p.p95 <= audit.targets.queryP95Ms) : "—"} |`,
    );
  }
  out();
  const deep = Object.keys(queries.diagnostics.sqlite.deepPageWithCursorBound);
  if (deep.length > 0) {
    out(
      "Deep pages, diagnostic: the same statements as `store.events` with one more, redundant condition, `block_number >= <the cursor's block>`, run directly on the same index (not what the store does today):",
    );
    out();
    out(
      "| Query | SQLite p95 as stored → with the bound (ms) | PostgreSQL p95 as stored → with the bound (ms) |",
    );
    out("| --- | ---: | ---: |");
    for (const name of deep) {
      const q = queries.results.find((result) => result.name === name);
      out(
        `| ${name} | ${q?.results.sqlite.p95 ?? "—"} → ${queries.diagnostics.sqlite.deepPageWithCursorBound[name]!.p95} | ${q?.results.postgres.p95 ?? "—"} → ${queries.diagnostics.postgres.deepPageWithCursorBound[name]!.p95} |`,
      );
    }
    out();
  }
}

out("## Machine");
out();
out("| Part | Node | CPU | Cores | CPU reference | Memory | Load average at start (1/5/15 min) | Date |");
out("| --- | --- | --- | ---: | ---: | ---: | --- | --- |");
for (const [name, result] of [
  ["gas", gas],
  ["did-gas", didGas],
  ["credit-gas", creditGas],
  ["merkle", merkle],
  ["verify-latency", latency],
  ["start", start],
  ["audit", audit],
  ["cli-batch-1000000", cliBatch],
] as const) {
  if (!result) continue;
  const m = result.machine;
  out(
    `| ${name} | ${m.node} | ${m.cpuModel} | ${m.cores} | ${m.cpuReferenceMs === undefined ? "–" : `${m.cpuReferenceMs} ms`} | ${n(m.totalMemoryMB)} MB | ${m.loadAverage.join(" / ")} | ${m.date} |`,
  );
}
out();
out(
  "Timings depend on the machine and on whatever else runs on it: a load average near or above the core count means the Merkle and latency figures are pessimistic. Gas figures do not depend on the machine. The CPU reference is the time of a fixed single-threaded JavaScript workload (bench/lib/cpu-reference.ts, in a fresh process) on the machine that wrote the part: machines of the same name differ (on 2026-11-27 one ran the same audit ingest 1.6 to 2.6 times slower than another, and signed the same transactions 1.2 to 1.6 times slower: audit-ingest-recheck.md), so compare timings only with it; it varies by some tens of percent on one machine too.",
);

await writeFile(join(RESULTS_DIR, "README.md"), `${lines.join("\n")}\n`);
console.log("wrote bench/results/README.md");
