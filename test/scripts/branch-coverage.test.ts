/**
 * scripts/lib/branch-coverage.ts decides branch arms from Hardhat's coverage data. Here a small
 * contract gets Hardhat's real statement markers (EDR) and hit counts made up per "transaction", so
 * each test knows which arms ran and checks that the others are reported as not taken.
 */
import { expect } from "chai";
import { createRequire } from "node:module";

import {
  addConditionMarkers,
  analyzeBranches,
  conditionsOf,
  conditionTag,
  parseSolidity,
  statementMarkers,
  summarize,
  type Branch,
  type Marker,
} from "../../scripts/lib/branch-coverage.ts";

const SOURCE_NAME = "project/contracts/Sample.sol";
// One non-ASCII character before the code: solc counts bytes, EDR counts UTF-16 units.
const SOURCE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A sample — every kind of branch.
contract Sample {
    error TooLarge(uint256 a);

    uint256 private _x;

    function f(uint256 a) external {
        if (a > 3) revert TooLarge(a);
        _x = a;
        if (a == 1) {
            _x = 2;
        }
        if (a == 2) {
            _x = 3;
        } else {
            _x = 4;
        }
        require(a != 0, "zero");
        _x = a > 1 ? 1 : 2;
        if (a == 7 || a == 3) _x = 9;
    }
}
`;

const markers = statementMarkers(SOURCE, SOURCE_NAME, "0.8.30");
const ast = parseSolidity(SOURCE, SOURCE_NAME);

/** The marker of the statement that starts with `text` (ignoring the whitespace before it). */
function markerOf(text: string): Marker {
  const found = markers.find((m) => SOURCE.slice(m.start, m.end).trimStart().startsWith(text));
  if (found === undefined) throw new Error(`no statement marker starts with ${text}`);
  return found;
}

/** Hit counts as Hardhat stores them: per tag, the transactions that ran it at least once. */
function hitsOf(transactions: string[][]): Map<string, number> {
  const hits = new Map<string, number>();
  for (const statements of transactions) {
    for (const tag of new Set(statements.map((text) => markerOf(text).tag))) {
      hits.set(tag, (hits.get(tag) ?? 0) + 1);
    }
  }
  return hits;
}

/** `f(1)`, statement by statement. */
const CALL_WITH_ONE = [
  "if (a > 3)",
  "_x = a;",
  "if (a == 1)",
  "{\n            _x = 2;",
  "_x = 2;",
  "if (a == 2)",
  "{\n            _x = 4;",
  "_x = 4;",
  "require(",
  "_x = a > 1",
  "if (a == 7",
];

function arms(branches: Branch[], line: number, kind: Branch["kind"]): Record<string, string> {
  const branch = branches.find((b) => b.line === line && b.kind === kind);
  if (branch === undefined) throw new Error(`no ${kind} branch on line ${line}`);
  return Object.fromEntries(branch.arms.map((arm) => [arm.label, arm.status]));
}

describe("branch coverage (scripts/lib/branch-coverage.ts)", function () {
  describe("from statement markers only", function () {
    it("finds every branch of the sample on its line", function () {
      const branches = analyzeBranches(SOURCE, SOURCE_NAME, ast, markers, new Map(), false);
      expect(branches.map((b) => `${b.line} ${b.kind} ${b.text}`)).to.deep.equal([
        "11 if a > 3",
        "13 if a == 1",
        "16 if a == 2",
        "21 require a != 0",
        "22 ternary a > 1",
        "23 if a == 7 || a == 3",
        "23 || a == 7 || a == 3",
      ]);
    });

    it("reports the arms one call leaves untaken, and what markers cannot show", function () {
      const branches = analyzeBranches(SOURCE, SOURCE_NAME, ast, markers, hitsOf([CALL_WITH_ONE]), false);
      // The revert never ran; the next statement did, and the revert cannot fall through.
      expect(arms(branches, 11, "if")).to.deep.equal({ true: "missed", false: "taken" });
      // Body ran in every transaction that reached the if: a false evaluation would be invisible.
      expect(arms(branches, 13, "if")).to.deep.equal({ true: "taken", false: "missed" });
      expect(arms(branches, 16, "if")).to.deep.equal({ true: "missed", false: "taken" });
      // Reached and followed in the same transactions: it never failed.
      expect(arms(branches, 21, "require")).to.deep.equal({ pass: "taken", fail: "missed" });
      expect(arms(branches, 22, "ternary")).to.deep.equal({ true: "unmeasurable", false: "unmeasurable" });
      // The if never took its true arm, so neither operand was ever true.
      expect(arms(branches, 23, "||")).to.deep.equal({
        "`a == 7` true": "missed",
        "`a == 3` true": "missed",
      });
      expect(summarize("Sample.sol", branches)).to.deep.include({
        taken: 5,
        measurable: 12,
        unmeasurable: 2,
      });
    });

    it("shows a false arm without else from a transaction that skipped the body", function () {
      const callWithFive = ["if (a > 3)", "revert TooLarge"];
      const callWithTwo = CALL_WITH_ONE.filter((text) => !text.includes("_x = 2")).concat([
        "{\n            _x = 3;",
      ]);
      const branches = analyzeBranches(
        SOURCE,
        SOURCE_NAME,
        ast,
        markers,
        hitsOf([CALL_WITH_ONE, callWithTwo, callWithFive]),
        false,
      );
      expect(arms(branches, 11, "if")).to.deep.equal({ true: "taken", false: "taken" });
      expect(arms(branches, 13, "if")).to.deep.equal({ true: "taken", false: "taken" });
      expect(arms(branches, 16, "if")).to.deep.equal({ true: "taken", false: "taken" });
    });

    it("reports every arm of code that never ran as not taken", function () {
      const branches = analyzeBranches(SOURCE, SOURCE_NAME, ast, markers, new Map(), false);
      const statuses = new Set(branches.flatMap((b) => b.arms.map((arm) => arm.status)));
      expect([...statuses]).to.deep.equal(["missed"]);
      expect(summarize("Sample.sol", branches).percent).to.equal(0);
    });
  });

  describe("from condition markers", function () {
    const conditions = conditionsOf(ast);
    /** Hits for: statements of f(1) plus each condition's outcomes in that call. */
    const observed = (outcomes: Record<string, boolean[]>) => {
      const hits = hitsOf([CALL_WITH_ONE]);
      conditions.forEach((condition, ordinal) => {
        const [start, length] = condition.expression.src.split(":").map(Number) as [number, number];
        const text = Buffer.from(SOURCE)
          .subarray(start, start + length)
          .toString();
        for (const outcome of outcomes[`${condition.kind} ${text}`] ?? []) {
          hits.set(conditionTag(SOURCE_NAME, SOURCE, ordinal, outcome), 1);
        }
      });
      return hits;
    };

    it("wraps each condition and each && / || operand once", function () {
      expect(conditions.map((c) => c.kind)).to.deep.equal([
        "if",
        "if",
        "if",
        "require",
        "ternary",
        "if",
        "||",
        "||",
      ]);
    });

    it("reads every arm, operands and ternaries included", function () {
      const hits = observed({
        "if a > 3": [false],
        "if a == 1": [true, false],
        "if a == 2": [false],
        "require a != 0": [true],
        "ternary a > 1": [false],
        "if a == 7 || a == 3": [true, false],
        "|| a == 7": [false],
        "|| a == 3": [true, false],
      });
      const branches = analyzeBranches(SOURCE, SOURCE_NAME, ast, markers, hits, true);
      expect(arms(branches, 11, "if")).to.deep.equal({ true: "missed", false: "taken" });
      expect(arms(branches, 13, "if")).to.deep.equal({ true: "taken", false: "taken" });
      expect(arms(branches, 21, "require")).to.deep.equal({ pass: "taken", fail: "missed" });
      expect(arms(branches, 22, "ternary")).to.deep.equal({ true: "missed", false: "taken" });
      expect(arms(branches, 23, "||")).to.deep.equal({ "`a == 7` true": "missed", "`a == 3` true": "taken" });
      expect(summarize("Sample.sol", branches)).to.deep.include({
        taken: 9,
        measurable: 14,
        unmeasurable: 0,
      });
    });

    it("produces Solidity that compiles against Hardhat's coverage library", function () {
      const require = createRequire(import.meta.url);
      const edrRequire = createRequire(require.resolve("hardhat/package.json"));
      const edr = edrRequire("@nomicfoundation/edr") as {
        addStatementCoverageInstrumentation(
          source: string,
          name: string,
          version: string,
        ): { source: string };
      };
      const coverage = edrRequire("@nomicfoundation/edr/coverage") as {
        getCoverageLibrary(): { filename: string; content: string };
      };
      const instrumented = edr.addStatementCoverageInstrumentation(SOURCE, SOURCE_NAME, "0.8.30").source;
      const marked = addConditionMarkers(SOURCE, instrumented, SOURCE_NAME);
      expect(marked.match(/__BranchCoverage_[0-9a-f]{12}\.hit\(/g)).to.have.length(conditions.length);
      const library = coverage.getCoverageLibrary();
      const solc = require("solc") as { compile(input: string): string };
      const output = JSON.parse(
        solc.compile(
          JSON.stringify({
            language: "Solidity",
            sources: {
              [SOURCE_NAME]: { content: marked },
              [library.filename]: { content: library.content },
            },
            settings: { outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
          }),
        ),
      ) as { errors?: { severity: string; formattedMessage: string }[] };
      const errors = (output.errors ?? [])
        .filter((e) => e.severity === "error")
        .map((e) => e.formattedMessage);
      expect(errors).to.deep.equal([]);
    });

    it("refuses an instrumented source whose conditions differ from the original's", function () {
      const instrumented = SOURCE.replace("a == 7", "a == 8");
      expect(() => addConditionMarkers(SOURCE, instrumented, SOURCE_NAME)).to.throw(/differ/);
    });
  });
});
