/**
 * Branch coverage of the contracts (issue 2), which Hardhat's `--coverage` does not report (EDR
 * instruments statements only). Runs the Solidity tests exactly as `hardhat test solidity --coverage`
 * does — same build, same line/statement report, same coverage/ — with one addition: a hook that
 * wraps every condition in a marker call (scripts/lib/branch-coverage.ts explains how, and how arms
 * are derived from statement markers alone when those are absent). Then prints, per contract file,
 * branch arms taken / decided, the arms nothing can decide (assembly), Hardhat's line coverage, and
 * every arm not taken as file:line; writes coverage/branches.{json,md}. Exit 1 when the tests fail
 * or a file is under the threshold.
 *
 * Usage: npm run coverage:branches [-- --threshold 95] [--include-mocks]
 *        npm run coverage:branches -- --no-run   (report on the coverage/ of the last run: after a
 *        plain `npx hardhat test solidity --coverage` that is the statement-marker derivation)
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import {
  addConditionMarkers,
  analyzeBranches,
  conditionTags,
  parseSolidity,
  statementMarkers,
  summarize,
  type Branch,
  type FileSummary,
} from "./lib/branch-coverage.ts";

const PROJECT_ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values: options } = parseArgs({
  options: {
    "no-run": { type: "boolean", default: false },
    threshold: { type: "string", default: "95" },
    "include-mocks": { type: "boolean", default: false },
  },
});
const threshold = Number(options.threshold);
if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
  console.error(`--threshold must be a percentage (0–100), got "${options.threshold}".`);
  process.exit(2);
}

const COVERAGE = join(PROJECT_ROOT, "coverage");
const DATA = join(COVERAGE, "data", "solidity");
/** Which sources the last run wrapped, and the data files that run wrote. */
const MANIFEST = join(COVERAGE, "branch-markers.json");
type Manifest = { dataFiles: string[]; sources: Record<string, string> };

const solcVersion = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/solc/package.json"), "utf8")) as {
    version: string;
  }
).version;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const dataFiles = () =>
  existsSync(DATA)
    ? readdirSync(DATA)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];

let testsFailed = false;
if (!options["no-run"]) {
  try {
    testsFailed = !(await runSolidityTestsWithConditionMarkers());
  } catch (error) {
    console.error(error);
    console.error(
      "\nThe Solidity test run with condition markers failed (above). `npx hardhat test solidity --coverage` then " +
        "`npm run coverage:branches -- --no-run` reports from Hardhat's statement markers alone.",
    );
    process.exit(1);
  }
}

// ---------------------------------------------------------------- the data

const files = dataFiles();
if (files.length === 0) {
  console.error(
    `No coverage data in ${relative(PROJECT_ROOT, DATA)}/: run \`npm run coverage:branches\` (or \`npx hardhat test solidity --coverage\`) first.`,
  );
  process.exit(1);
}
const hits = new Map<string, number>();
let dataTime = 0;
for (const file of files) {
  const path = join(DATA, file);
  dataTime = Math.max(dataTime, statSync(path).mtimeMs);
  for (const [tag, count] of Object.entries(
    JSON.parse(readFileSync(path, "utf8")) as Record<string, number>,
  )) {
    hits.set(tag, (hits.get(tag) ?? 0) + count);
  }
}
const manifest = existsSync(MANIFEST) ? (JSON.parse(readFileSync(MANIFEST, "utf8")) as Manifest) : undefined;
const manifestMatchesData = manifest !== undefined && manifest.dataFiles.join() === files.join();

// Every project source Hardhat instruments: contracts/ (tests are never instrumented).
const sources = (readdirSync(join(PROJECT_ROOT, "contracts"), { recursive: true }) as string[])
  .filter((file) => file.endsWith(".sol"))
  .map((file) => `contracts/${file}`)
  .sort();

const knownTags = new Set<string>();
const reports: { file: string; branches: Branch[]; summary: FileSummary; conditionMarkers: boolean }[] = [];
for (const file of sources) {
  const path = join(PROJECT_ROOT, file);
  if (statSync(path).mtimeMs > dataTime) {
    console.error(`${file} changed after the coverage run: run \`npm run coverage:branches\` again.`);
    process.exit(1);
  }
  const source = readFileSync(path, "utf8");
  const sourceName = `project/${file}`;
  const markers = statementMarkers(source, sourceName, solcVersion);
  for (const marker of markers) knownTags.add(marker.tag);
  const conditionMarkers = manifestMatchesData && manifest.sources[sourceName] === sha256(source);
  const ast = parseSolidity(source, sourceName);
  if (conditionMarkers) for (const tag of conditionTags(source, sourceName, ast)) knownTags.add(tag);
  const branches = analyzeBranches(source, sourceName, ast, markers, hits, conditionMarkers);
  if (file.startsWith("contracts/mocks/") && !options["include-mocks"]) continue;
  if (markers.length === 0) continue; // interfaces: nothing runs
  reports.push({ file, branches, summary: summarize(file, branches), conditionMarkers });
}

// Tags this analysis cannot place mean the run saw other sources than these: refuse to guess.
const strayTags = [...hits.keys()].filter((tag) => !knownTags.has(tag));
if (strayTags.length > 0) {
  console.error(
    `${strayTags.length} coverage tags match no statement or condition of contracts/ as it is now: the data is ` +
      "from other sources. Run `npm run coverage:branches` again.",
  );
  process.exit(1);
}

// ---------------------------------------------------------------- the report

const lines = lineCoverage(join(COVERAGE, "lcov.info"));
const pct = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(2));
const rows = reports.map(({ file, summary }) => ({
  file,
  branches: `${summary.taken}/${summary.measurable}`,
  percent: pct(summary.percent),
  unmeasurable: String(summary.unmeasurable),
  lines: pct(lines.get(file)),
}));
const total = reports.reduce(
  (sum, { summary }) => ({
    taken: sum.taken + summary.taken,
    measurable: sum.measurable + summary.measurable,
    unmeasurable: sum.unmeasurable + summary.unmeasurable,
  }),
  { taken: 0, measurable: 0, unmeasurable: 0 },
);
const totalPercent = total.measurable === 0 ? undefined : (total.taken * 100) / total.measurable;
rows.push({
  file: "Total",
  branches: `${total.taken}/${total.measurable}`,
  percent: pct(totalPercent),
  unmeasurable: String(total.unmeasurable),
  lines: "",
});
const header = {
  file: "File",
  branches: "Branches hit",
  percent: "Branch %",
  unmeasurable: "Unmeasurable",
  lines: "Line %",
};
const columns = ["file", "branches", "percent", "unmeasurable", "lines"] as const;
const width = Object.fromEntries(
  columns.map((c) => [c, Math.max(header[c].length, ...rows.map((row) => row[c].length))]),
) as Record<(typeof columns)[number], number>;
const line = (row: Record<(typeof columns)[number], string>) =>
  columns.map((c) => (c === "file" ? row[c].padEnd(width[c]) : row[c].padStart(width[c]))).join("  ");

const allConditionMarkers = reports.every((r) => r.conditionMarkers);
const method = allConditionMarkers
  ? "condition markers (each condition and && / || operand observed true and false)"
  : "statement markers only (no condition markers for this data: ternaries and && / || operands unmeasurable)";
const below = reports.filter((r) => r.summary.percent !== undefined && r.summary.percent < threshold);
const untaken = reports.flatMap(({ file, branches }) =>
  branches.flatMap((b) =>
    b.arms
      .filter((arm) => arm.status === "missed")
      .map((arm) => `${file}:${b.line}  ${b.kind} \`${b.text}\` → ${arm.label} not taken (${arm.why})`),
  ),
);
const unmeasurableBranches = reports.flatMap(({ file, branches }) =>
  branches
    .filter((b) => b.arms.some((arm) => arm.status === "unmeasurable"))
    .map((b) => {
      const arms = b.arms.filter((arm) => arm.status === "unmeasurable");
      return `${file}:${b.line}  ${b.kind} \`${b.text}\` (${arms.length} arms: ${arms[0]!.why})`;
    }),
);

const out: string[] = [];
out.push(`Branch coverage (${method})`, "");
out.push(line(header), ...rows.map(line), "");
out.push(
  `Branch % = arms taken / arms decided. Unmeasurable arms (${
    allConditionMarkers ? "assembly conditions: Yul cannot call the marker" : "see the list"
  }) are not counted: they are listed below.`,
);
out.push(`Threshold: ${threshold}% branch coverage per file.`, "");
out.push(
  untaken.length === 0 ? "Every decided branch arm was taken." : `Arms not taken (${untaken.length}):`,
);
out.push(...untaken.map((u) => `  ${u}`));
if (unmeasurableBranches.length > 0) {
  out.push(
    "",
    `Unmeasurable branches (${unmeasurableBranches.length}):`,
    ...unmeasurableBranches.map((u) => `  ${u}`),
  );
}
out.push("");
if (testsFailed) out.push("FAILED: Solidity tests failed (above).");
// A run that meant to add condition markers but did not (Hardhat stopped calling the build hook, or
// skipped a file) counts fewer arms than it should: its percentages must not pass for the real thing.
const unwrapped = options["no-run"] ? [] : reports.filter((r) => !r.conditionMarkers).map((r) => r.file);
if (unwrapped.length > 0) {
  out.push(
    `FAILED: no condition markers for ${unwrapped.join(", ")}: the branch figures above leave their ternaries and && / || operands out.`,
  );
}
if (below.length > 0) {
  out.push(
    `FAILED: ${below.map((r) => `${r.file} ${pct(r.summary.percent)}%`).join(", ")} below the ${threshold}% threshold.`,
  );
}
console.log(out.join("\n"));

writeFileSync(
  join(COVERAGE, "branches.json"),
  `${JSON.stringify(
    {
      method: allConditionMarkers ? "condition-markers" : "statement-markers",
      threshold,
      total: { ...total, percent: totalPercent },
      files: reports.map(({ file, summary, branches, conditionMarkers }) => ({
        ...summary,
        file,
        lines: lines.get(file),
        conditionMarkers,
        branches,
      })),
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  join(COVERAGE, "branches.md"),
  [
    "# Contract branch coverage",
    "",
    `Generated by \`npm run coverage:branches\` (scripts/branch-coverage.ts): ${method}.`,
    "",
    "| File | Branches hit | Branch % | Unmeasurable | Line % |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.file} | ${r.branches} | ${r.percent} | ${r.unmeasurable} | ${r.lines} |`),
    "",
    untaken.length === 0 ? "Every decided branch arm was taken." : "## Arms not taken",
    "",
    ...untaken.map((u) => `- ${u}`),
    "",
    ...(unmeasurableBranches.length > 0
      ? ["## Unmeasurable branches", "", ...unmeasurableBranches.map((u) => `- ${u}`), ""]
      : []),
  ].join("\n"),
);
console.log(`Wrote ${relative(PROJECT_ROOT, join(COVERAGE, "branches.md"))} and branches.json.`);
process.exitCode = testsFailed || below.length > 0 || unwrapped.length > 0 ? 1 : 0;

// ---------------------------------------------------------------- helpers

/** Hardhat's own line coverage per file (LH/LF of coverage/lcov.info), in percent. */
function lineCoverage(path: string): Map<string, number> {
  const result = new Map<string, number>();
  if (!existsSync(path)) return result;
  let file = "";
  let hit = 0;
  for (const entry of readFileSync(path, "utf8").split("\n")) {
    if (entry.startsWith("SF:")) file = entry.slice(3);
    else if (entry.startsWith("LH:")) hit = Number(entry.slice(3));
    else if (entry.startsWith("LF:")) {
      const found = Number(entry.slice(3));
      result.set(file, found === 0 ? 100 : (hit * 100) / found);
    }
  }
  return result;
}

/**
 * `hardhat test solidity --coverage`, in process, with one extra hook handler that wraps the
 * conditions of each source the coverage plugin instrumented. Dynamically registered handlers run
 * before the plugins' (Hardhat's documented chain order), so this one receives the plugin's output
 * from `next` and returns it with condition markers. Hardhat 3.18 marks the hook deprecated: if it
 * stops firing, nothing is wrapped, the report says "statement markers only" and the arms those
 * cannot decide stay out of the percentage (listed as unmeasurable). Returns whether the tests passed.
 */
async function runSolidityTestsWithConditionMarkers(): Promise<boolean> {
  const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
  const configPath = join(PROJECT_ROOT, "hardhat.config.ts");
  const { default: userConfig } = (await import(configPath)) as {
    default: Parameters<typeof createHardhatRuntimeEnvironment>[0];
  };
  const hre = await createHardhatRuntimeEnvironment(
    userConfig,
    { config: configPath, coverage: true },
    PROJECT_ROOT,
  );
  const wrapped: Record<string, string> = {};
  hre.hooks.registerHandlers("solidity", {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the hook Hardhat's own coverage uses (see above)
    preprocessProjectFileBeforeBuilding: async (context, sourceName, fsPath, content, version, next) => {
      const instrumented = await next(context, sourceName, fsPath, content, version);
      if (instrumented === content) return instrumented; // not instrumented: a test, or skipped
      wrapped[sourceName] = sha256(content);
      return addConditionMarkers(content, instrumented, sourceName);
    },
  });
  const result = (await hre.tasks.getTask(["test", "solidity"]).run()) as { success?: boolean } | undefined;
  if (Object.keys(wrapped).length === 0) {
    console.warn(
      "Hardhat did not pass the contracts through preprocessProjectFileBeforeBuilding: no condition markers.",
    );
  }
  writeFileSync(
    MANIFEST,
    `${JSON.stringify({ dataFiles: dataFiles(), sources: wrapped } satisfies Manifest, null, 2)}\n`,
  );
  return result?.success !== false;
}
