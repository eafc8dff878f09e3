/**
 * Branch coverage for Solidity on top of Hardhat 3's `--coverage`, which measures statements only.
 *
 * What Hardhat records: EDR puts a hit marker in front of every statement (a tag derived from the
 * source, its source name and the solc version) and, per tag, Hardhat stores the number of
 * transactions that hit it at least once (`coverage/data/<runner>/*.json`; EDR reports "unique hit
 * markers per transaction"). The tag → range map stays in Hardhat's memory, so `statementMarkers`
 * recomputes it with the same EDR function.
 *
 * Two ways to decide a branch arm, both read off the solc AST of the unmodified source:
 *
 * 1. Condition markers (`addConditionMarkers`, used by scripts/branch-coverage.ts when it runs the
 *    suite): every `if`/`require`/`assert`/ternary condition and every `&&`/`||` operand inside a
 *    function body is wrapped in a call that sends one tag when it evaluates true and another when
 *    false, through the same EDR coverage channel. Each arm is then observed directly.
 * 2. Statement markers only (the data of a plain `hardhat test --coverage`): an `if`'s true arm is its
 *    body's marker and its false arm the `else` marker; without `else`, the `if` ran in more
 *    transactions than its body, or the body cannot fall through (revert/return/break/continue) and
 *    the next statement ran. `require`/`assert` pass = the next statement ran, fail = reached in more
 *    transactions than it. Ternaries and `&&`/`||` operands sit inside one statement and are
 *    unmeasurable unless provably missed. Because hits are per transaction, an `if` without `else`
 *    whose body can fall through only shows its false arm in a transaction that never took the body.
 *
 * Arms: `if`, ternary and assembly `if` true/false; `require`/`assert` pass/fail; each `||` operand
 * "was true" (as solidity-coverage counts) and each `&&` operand "was false"; each case of an assembly
 * `switch`. Assembly conditions are never instrumented (Yul cannot call the marker), so they are
 * unmeasurable unless their assembly block never ran. Loops and try/catch are not branches here (as
 * in solidity-coverage). A condition that reverts while being evaluated takes neither arm with
 * condition markers, and counts as its false/fail arm with statement markers only.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

/** One instrumented statement: its tag (hex) and range in UTF-16 code units, trivia included. */
export type Marker = { tag: string; start: number; end: number };

/** Per tag (hex, no 0x), the number of transactions that hit it (missing = 0). */
export type Hits = ReadonlyMap<string, number>;

export type ArmStatus = "taken" | "missed" | "unmeasurable";
export type Arm = { label: string; status: ArmStatus; why: string };
export type BranchKind =
  "if" | "require" | "assert" | "ternary" | "||" | "&&" | "assembly if" | "assembly switch";
export type Branch = { kind: BranchKind; line: number; column: number; text: string; arms: Arm[] };

/** A solc AST node (compact JSON), typed loosely: only what this module reads. */
export type AstNode = { nodeType: string; src: string; [field: string]: unknown };

// ---------------------------------------------------------------- EDR and solc

type EdrMetadata = { tag: Uint8Array; kind: string; startUtf16: number; endUtf16: number };
type Edr = {
  addStatementCoverageInstrumentation(
    source: string,
    sourceId: string,
    solidityVersion: string,
  ): { metadata: EdrMetadata[] };
  latestSupportedSolidityVersion(): string;
};

const require = createRequire(import.meta.url);
// The EDR that Hardhat itself loads (resolved from Hardhat's package), so the tags are the run's.
const edr = createRequire(require.resolve("hardhat/package.json"))("@nomicfoundation/edr") as Edr;

/** The solc version Hardhat instruments with: the compiler's, capped at EDR's latest supported one. */
export function instrumentationVersion(solcVersion: string): string {
  const latest = edr.latestSupportedSolidityVersion();
  const parts = (version: string) => version.split(/[.+-]/).slice(0, 3).map(Number);
  const [a, b] = [parts(solcVersion), parts(latest)];
  for (let i = 0; i < 3; i++) {
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0) ? solcVersion : latest;
  }
  return solcVersion;
}

/**
 * The statement markers Hardhat's `--coverage` puts into `source`, as its coverage plugin computes
 * them (`sourceName` is Hardhat's input source name: `project/<path>` for project files).
 */
export function statementMarkers(source: string, sourceName: string, solcVersion: string): Marker[] {
  const { metadata } = edr.addStatementCoverageInstrumentation(
    source,
    sourceName,
    instrumentationVersion(solcVersion),
  );
  return metadata
    .filter((m) => m.kind === "statement")
    .map((m) => ({ tag: Buffer.from(m.tag).toString("hex"), start: m.startUtf16, end: m.endUtf16 }));
}

type Solc = { compile(input: string): string };

/** The solc AST of one source, parsed only (imports are not read, nothing is compiled). */
export function parseSolidity(source: string, sourceName: string): AstNode {
  const solc = require("solc") as Solc;
  const input = {
    language: "Solidity",
    sources: { [sourceName]: { content: source } },
    settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    sources?: Record<string, { ast: AstNode }>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  const ast = output.sources?.[sourceName]?.ast;
  if (errors.length > 0 || ast === undefined) {
    throw new Error(
      `solc could not parse ${sourceName}:\n${errors.map((e) => e.formattedMessage).join("\n")}`,
    );
  }
  return ast;
}

// ---------------------------------------------------------------- AST helpers

function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as AstNode).nodeType === "string";
}

function child(node: AstNode, field: string): AstNode | undefined {
  const value = node[field];
  return isNode(value) ? value : undefined;
}

function children(node: AstNode, field: string): AstNode[] {
  const value = node[field];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

/** The AST nodes directly below `node`, in solc's field order. */
function subnodes(node: AstNode): AstNode[] {
  const found: AstNode[] = [];
  for (const value of Object.values(node)) {
    if (isNode(value)) found.push(value);
    else if (Array.isArray(value)) found.push(...value.filter(isNode));
  }
  return found;
}

function byteRange(node: AstNode): [number, number] {
  const [start, length] = node.src.split(":").map(Number) as [number, number];
  return [start, start + length];
}

/** `require(…)` / `assert(…)` called as a statement of its own. */
function guardCall(
  statement: AstNode,
): { kind: "require" | "assert"; condition: AstNode | undefined } | undefined {
  if (statement.nodeType !== "ExpressionStatement") return undefined;
  const call = child(statement, "expression");
  const callee = call?.nodeType === "FunctionCall" ? child(call, "expression") : undefined;
  const name = callee?.nodeType === "Identifier" ? callee.name : undefined;
  if (call === undefined || (name !== "require" && name !== "assert")) return undefined;
  return { kind: name, condition: children(call, "arguments")[0] };
}

function isLogical(node: AstNode): node is AstNode & { operator: "||" | "&&" } {
  return node.nodeType === "BinaryOperation" && (node.operator === "||" || node.operator === "&&");
}

/** The operands of a chain of one operator, through parentheses: `a || (b || c)` → a, b, c. */
function chainOperands(node: AstNode, operator: string, inner: Set<AstNode>): AstNode[] {
  let unwrapped = node;
  while (unwrapped.nodeType === "TupleExpression" && unwrapped.isInlineArray !== true) {
    const components = children(unwrapped, "components");
    if (components.length !== 1) break;
    unwrapped = components[0]!;
  }
  if (unwrapped.nodeType !== "BinaryOperation" || unwrapped.operator !== operator) return [node];
  inner.add(unwrapped);
  return [
    ...chainOperands(child(unwrapped, "leftExpression")!, operator, inner),
    ...chainOperands(child(unwrapped, "rightExpression")!, operator, inner),
  ];
}

/** True when `statement` can never complete normally (every path reverts, returns or jumps). */
export function cannotFallThrough(statement: AstNode | undefined): boolean {
  if (statement === undefined) return false;
  switch (statement.nodeType) {
    case "Return":
    case "RevertStatement":
    case "Break":
    case "Continue":
      return true;
    case "Block":
    case "UncheckedBlock":
      return children(statement, "statements").some(cannotFallThrough);
    case "IfStatement": {
      const falseBody = child(statement, "falseBody");
      return (
        falseBody !== undefined &&
        cannotFallThrough(child(statement, "trueBody")) &&
        cannotFallThrough(falseBody)
      );
    }
    case "ExpressionStatement": {
      const call = child(statement, "expression");
      const callee = call?.nodeType === "FunctionCall" ? child(call, "expression") : undefined;
      return callee?.nodeType === "Identifier" && callee.name === "revert";
    }
    default:
      // Loops, assembly and calls to helpers that always revert are treated as falling through.
      return false;
  }
}

/** Statements (the nodes EDR may put a marker in front of), as opposed to expressions. */
function isStatement(node: AstNode): boolean {
  return (
    node.nodeType.endsWith("Statement") ||
    ["Block", "UncheckedBlock", "Return", "Break", "Continue", "InlineAssembly"].includes(node.nodeType)
  );
}

// ---------------------------------------------------------------- condition markers

export type ConditionKind = "if" | "require" | "assert" | "ternary" | "||" | "&&";
/** A boolean expression the condition markers wrap, and the branch it decides. */
export type Condition = { kind: ConditionKind; owner: AstNode; expression: AstNode };

/**
 * Every condition inside a function or modifier body, in one fixed order (a depth-first walk in
 * solc's field order), so the same list comes out of the original and the instrumented source.
 * Conditions elsewhere (constant initialisers) cannot call a function and are left alone.
 */
export function conditionsOf(ast: AstNode): Condition[] {
  const found: Condition[] = [];
  const inner = new Set<AstNode>();
  const walk = (node: AstNode, inBody: boolean): void => {
    if (inBody) {
      if (node.nodeType === "IfStatement") {
        found.push({ kind: "if", owner: node, expression: child(node, "condition")! });
      } else if (node.nodeType === "Conditional") {
        found.push({ kind: "ternary", owner: node, expression: child(node, "condition")! });
      } else if (isLogical(node) && !inner.has(node)) {
        for (const operand of chainOperands(node, node.operator, inner)) {
          found.push({ kind: node.operator, owner: node, expression: operand });
        }
      } else {
        const guard = guardCall(node);
        if (guard?.condition !== undefined) {
          found.push({ kind: guard.kind, owner: node, expression: guard.condition });
        }
      }
    }
    const isBodyOwner = node.nodeType === "FunctionDefinition" || node.nodeType === "ModifierDefinition";
    for (const next of subnodes(node)) {
      walk(next, inBody || (isBodyOwner && next === child(node, "body")));
    }
  };
  walk(ast, false);
  return found;
}

/** The tag a condition marker sends: per source content, condition ordinal and outcome. */
export function conditionTag(sourceName: string, source: string, ordinal: number, outcome: boolean): string {
  return createHash("sha256")
    .update(`crossproof-branch-coverage\0${sourceName}\0${source}\0${ordinal}\0${outcome}`)
    .digest("hex");
}

/** Both tags of every condition of one source (what a run with condition markers may report). */
export function conditionTags(source: string, sourceName: string, ast: AstNode): string[] {
  return conditionsOf(ast).flatMap((_, ordinal) => [
    conditionTag(sourceName, source, ordinal, true),
    conditionTag(sourceName, source, ordinal, false),
  ]);
}

/**
 * Wraps every condition of `instrumented` (Hardhat's statement-instrumented copy of `original`, which
 * imports EDR's `__NomicFoundationCoverage`) in a call that sends one of the two tags `conditionTag`
 * derives from `original` and returns the value, through a small library appended to the file (named
 * per source, so files that import each other do not clash). EDR only inserts statements, so both
 * sources hold the same conditions in the same order; any difference throws rather than mislabel a
 * branch.
 */
export function addConditionMarkers(original: string, instrumented: string, sourceName: string): string {
  const wanted = conditionsOf(parseSolidity(original, sourceName));
  const present = conditionsOf(parseSolidity(instrumented, sourceName));
  const originalBytes = Buffer.from(original, "utf8");
  const bytes = Buffer.from(instrumented, "utf8");
  const text = (buffer: Buffer, node: AstNode) => {
    const [start, end] = byteRange(node);
    return buffer.subarray(start, end).toString("utf8").replace(/\s+/g, " ");
  };
  if (
    wanted.length !== present.length ||
    wanted.some(
      (c, i) =>
        c.kind !== present[i]!.kind ||
        text(originalBytes, c.expression) !== text(bytes, present[i]!.expression),
    )
  ) {
    throw new Error(
      `${sourceName}: the conditions of Hardhat's instrumented source differ from the original's`,
    );
  }
  const library = `__BranchCoverage_${createHash("sha256").update(sourceName).digest("hex").slice(0, 12)}`;
  type Insertion = { at: number; text: string; order: number };
  const insertions: Insertion[] = [];
  present.forEach((condition, ordinal) => {
    const [start, end] = byteRange(condition.expression);
    const whenTrue = conditionTag(sourceName, original, ordinal, true);
    const whenFalse = conditionTag(sourceName, original, ordinal, false);
    // Nested conditions share edges: the outer call opens first and closes last.
    insertions.push({ at: start, text: `${library}.hit(`, order: -(end - start) });
    insertions.push({ at: end, text: `, 0x${whenTrue}, 0x${whenFalse})`, order: end - start });
  });
  insertions.sort((a, b) => a.at - b.at || a.order - b.order);
  const parts: Buffer[] = [];
  let cursor = 0;
  for (const insertion of insertions) {
    parts.push(bytes.subarray(cursor, insertion.at), Buffer.from(insertion.text, "utf8"));
    cursor = insertion.at;
  }
  parts.push(bytes.subarray(cursor));
  if (present.length === 0) return instrumented;
  parts.push(
    Buffer.from(
      [
        "",
        `library ${library} {`,
        "    function hit(bool value, uint256 whenTrue, uint256 whenFalse) internal pure returns (bool) {",
        "        __NomicFoundationCoverage.sendHit(value ? whenTrue : whenFalse);",
        "        return value;",
        "    }",
        "}",
        "",
      ].join("\n"),
      "utf8",
    ),
  );
  return Buffer.concat(parts).toString("utf8");
}

// ---------------------------------------------------------------- the analysis

type ArmOutcome = Arm & { definite: boolean };

class FileAnalysis {
  readonly branches: Branch[] = [];
  readonly #source: string;
  readonly #sourceName: string;
  readonly #markers: Marker[];
  readonly #hits: Hits;
  readonly #conditionMarkers: boolean;
  /** UTF-8 byte offset → UTF-16 offset (solc's `src` counts bytes, EDR counts UTF-16 units). */
  readonly #utf16At: Uint32Array;
  readonly #lineStarts: number[] = [0];
  readonly #next = new Map<AstNode, AstNode | undefined>();
  readonly #markerOf = new Map<AstNode, Marker | undefined>();
  readonly #ordinal = new Map<AstNode, number>();
  readonly #chained = new Set<AstNode>();
  readonly #ifArms = new Map<AstNode, { trueArm: ArmOutcome; falseArm: ArmOutcome }>();

  constructor(source: string, sourceName: string, markers: Marker[], hits: Hits, conditionMarkers: boolean) {
    this.#source = source;
    this.#sourceName = sourceName;
    this.#markers = markers;
    this.#hits = hits;
    this.#conditionMarkers = conditionMarkers;
    const bytes = Buffer.byteLength(source, "utf8");
    this.#utf16At = new Uint32Array(bytes + 1);
    let byte = 0;
    for (let i = 0; i < source.length; i++) {
      const code = source.codePointAt(i)!;
      const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      for (let k = 0; k < width; k++) this.#utf16At[byte + k] = i;
      byte += width;
      if (code >= 0x10000)
        i++; // a surrogate pair: two UTF-16 units, one code point
      else if (code === 0x0a) this.#lineStarts.push(i + 1);
    }
    this.#utf16At[bytes] = source.length;
  }

  run(ast: AstNode): Branch[] {
    conditionsOf(ast).forEach((condition, ordinal) => this.#ordinal.set(condition.expression, ordinal));
    this.#visit(ast, undefined);
    return this.branches;
  }

  // ---- positions and text

  #range(node: AstNode): [number, number] {
    const [start, end] = byteRange(node);
    return [this.#utf16At[start]!, this.#utf16At[end]!];
  }

  #position(node: AstNode): { line: number; column: number } {
    const [start] = this.#range(node);
    let low = 0;
    let high = this.#lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#lineStarts[mid]! <= start) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: start - this.#lineStarts[low]! + 1 };
  }

  #text(node: AstNode | undefined, max = 90): string {
    if (node === undefined) return "";
    const [start, end] = this.#range(node);
    const text = this.#source.slice(start, end).replace(/\s+/g, " ").trim();
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  #lineOf(node: AstNode): number {
    return this.#position(node).line;
  }

  // ---- markers and counts

  /** Whitespace and comments only (and the `;` a statement's marker may end with). */
  #isTrivia(start: number, end: number): boolean {
    const gap = this.#source.slice(start, end).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
    return /^[\s;]*$/.test(gap);
  }

  /** The marker EDR put in front of this statement, if any: the tightest one around it. */
  #marker(node: AstNode): Marker | undefined {
    if (this.#markerOf.has(node)) return this.#markerOf.get(node);
    const [start, end] = this.#range(node);
    let best: Marker | undefined;
    for (const marker of this.#markers) {
      if (marker.start > start || marker.end < end) continue;
      if (!this.#isTrivia(marker.start, start) || !this.#isTrivia(end, marker.end)) continue;
      if (best === undefined || marker.end - marker.start < best.end - best.start) best = marker;
    }
    this.#markerOf.set(node, best);
    return best;
  }

  /** Transactions that ran this statement; undefined when it carries no marker. */
  #count(node: AstNode | undefined): number | undefined {
    if (node === undefined) return undefined;
    const marker = this.#marker(node);
    return marker === undefined ? undefined : (this.#hits.get(marker.tag) ?? 0);
  }

  /** Transactions that entered an arm: its own marker, or its first statement's. */
  #armCount(arm: AstNode): number | undefined {
    const own = this.#count(arm);
    if (own !== undefined) return own;
    const first = children(arm, "statements")[0];
    return first === undefined ? undefined : this.#count(first);
  }

  /** With condition markers: the transactions in which `expression` evaluated to `outcome`. */
  #observed(expression: AstNode | undefined, outcome: boolean): number | undefined {
    if (!this.#conditionMarkers || expression === undefined) return undefined;
    const ordinal = this.#ordinal.get(expression);
    if (ordinal === undefined) return undefined;
    return this.#hits.get(conditionTag(this.#sourceName, this.#source, ordinal, outcome)) ?? 0;
  }

  // ---- the walk

  #visit(node: AstNode, outer: AstNode | undefined): void {
    // The innermost enclosing statement that carries a marker.
    const statement = isStatement(node) && this.#marker(node) !== undefined ? node : outer;
    if (node.nodeType === "Block" || node.nodeType === "UncheckedBlock") {
      const statements = children(node, "statements");
      statements.forEach((s, i) => this.#next.set(s, statements[i + 1]));
    }
    switch (node.nodeType) {
      case "IfStatement":
        this.#ifStatement(node);
        break;
      case "ExpressionStatement": {
        const guard = guardCall(node);
        if (guard) this.#guard(node, guard.kind, guard.condition);
        break;
      }
      case "Conditional":
        this.#ternary(node, statement);
        break;
      case "BinaryOperation":
        if (isLogical(node) && !this.#chained.has(node)) this.#chain(node, statement);
        break;
      case "YulIf":
        this.#unobservable(node, "assembly if", child(node, "condition"), ["true", "false"], statement);
        break;
      case "YulSwitch": {
        const cases = children(node, "cases");
        const labels = cases.map((c) =>
          c.value === "default" ? "default" : `case ${this.#text(child(c, "value"))}`,
        );
        if (!cases.some((c) => c.value === "default")) labels.push("no case matched");
        this.#unobservable(node, "assembly switch", child(node, "expression"), labels, statement);
        break;
      }
    }
    for (const next of subnodes(node)) this.#visit(next, statement);
  }

  #push(node: AstNode, kind: BranchKind, condition: AstNode | undefined, arms: Arm[]): void {
    const { line, column } = this.#position(node);
    this.branches.push({
      kind,
      line,
      column,
      text: this.#text(condition ?? node),
      arms: arms.map(({ label, status, why }) => ({ label, status, why })),
    });
  }

  #ifStatement(node: AstNode): void {
    const condition = child(node, "condition");
    const whenTrue = this.#observed(condition, true);
    const whenFalse = this.#observed(condition, false);
    if (whenTrue !== undefined && whenFalse !== undefined) {
      const trueArm = fromObserved("true", whenTrue);
      const falseArm = fromObserved("false", whenFalse);
      this.#ifArms.set(node, { trueArm, falseArm });
      this.#push(node, "if", condition, [trueArm, falseArm]);
      return;
    }

    const trueBody = child(node, "trueBody")!;
    const falseBody = child(node, "falseBody");
    const reached = this.#count(node);
    const trueCount = this.#armCount(trueBody);
    const trueArm = fromCount("true", trueCount, "the true arm");
    let falseArm: ArmOutcome;
    if (falseBody !== undefined) {
      falseArm = fromCount("false", this.#armCount(falseBody), "the else arm");
    } else if (reached === undefined) {
      falseArm = unmeasurable("false", "the if carries no statement marker");
    } else if (reached === 0) {
      falseArm = missed("false", "the if never ran", true);
    } else if (trueCount !== undefined && reached > trueCount) {
      falseArm = taken("false", `the if ran in ${reached} transactions, its true arm in ${trueCount}`);
    } else {
      const next = this.#next.get(node);
      const nextCount = this.#count(next);
      if (cannotFallThrough(trueBody) && next !== undefined && nextCount !== undefined) {
        const line = this.#lineOf(next);
        falseArm =
          nextCount > 0
            ? taken("false", `the true arm cannot fall through and line ${line} ran`)
            : missed("false", `the true arm cannot fall through and line ${line} never ran`, true);
      } else {
        falseArm = missed(
          "false",
          `not shown: each of the ${reached} transactions that ran the if also took its true arm ` +
            "(hits are per transaction: a false evaluation there leaves no trace)",
          false,
        );
      }
    }
    this.#ifArms.set(node, { trueArm, falseArm });
    this.#push(node, "if", condition, [trueArm, falseArm]);
  }

  #guard(node: AstNode, kind: "require" | "assert", condition: AstNode | undefined): void {
    const passes = this.#observed(condition, true);
    const fails = this.#observed(condition, false);
    if (passes !== undefined && fails !== undefined) {
      this.#push(node, kind, condition, [fromObserved("pass", passes), fromObserved("fail", fails)]);
      return;
    }
    const reached = this.#count(node);
    const next = this.#next.get(node);
    const nextCount = this.#count(next);
    let arms: Arm[];
    if (reached === 0) {
      arms = [missed("pass", `the ${kind} never ran`, true), missed("fail", `the ${kind} never ran`, true)];
    } else if (reached === undefined || next === undefined || nextCount === undefined) {
      const why = `no statement follows the ${kind} in its block, so its outcome leaves no marker`;
      arms = [unmeasurable("pass", why), unmeasurable("fail", why)];
    } else {
      const line = this.#lineOf(next);
      arms = [
        nextCount > 0 ? taken("pass", `line ${line} ran`) : missed("pass", `line ${line} never ran`, true),
        reached > nextCount
          ? taken("fail", `the ${kind} ran in ${reached} transactions, line ${line} in ${nextCount}`)
          : missed("fail", `each transaction that ran the ${kind} also ran line ${line}`, false),
      ];
    }
    this.#push(node, kind, condition, arms);
  }

  #ternary(node: AstNode, statement: AstNode | undefined): void {
    const condition = child(node, "condition");
    const whenTrue = this.#observed(condition, true);
    const whenFalse = this.#observed(condition, false);
    if (whenTrue !== undefined && whenFalse !== undefined) {
      this.#push(node, "ternary", condition, [
        fromObserved("true", whenTrue),
        fromObserved("false", whenFalse),
      ]);
      return;
    }
    this.#unobservable(node, "ternary", condition, ["true", "false"], statement);
  }

  #chain(node: AstNode & { operator: "||" | "&&" }, statement: AstNode | undefined): void {
    const operator = node.operator;
    const operands = chainOperands(node, operator, this.#chained);
    // `||` exits early on a true operand, `&&` on a false one: one arm per operand and exit.
    const outcome = operator === "||";
    const labels = operands.map((operand) => `\`${this.#text(operand, 60)}\` ${outcome}`);
    const observed = operands.map((operand) => this.#observed(operand, outcome));
    if (observed.every((count) => count !== undefined)) {
      this.#push(
        node,
        operator,
        node,
        observed.map((count, i) => fromObserved(labels[i]!, count)),
      );
      return;
    }
    this.#unobservable(node, operator, node, labels, statement);
  }

  /** A branch inside one statement without condition markers: provably missed, or unmeasurable. */
  #unobservable(
    node: AstNode,
    kind: BranchKind,
    condition: AstNode | undefined,
    labels: string[],
    statement: AstNode | undefined,
  ): void {
    let verdict: string | undefined;
    if (this.#count(statement) === 0) verdict = "the statement containing it never ran";
    // A chain that is the whole condition of an `if`: its `||` operands can only be true when the if
    // took its true arm, its `&&` operands only false when it took its false arm. (#ifArms is filled
    // before the walk reaches the condition.)
    const decided = statement?.nodeType === "IfStatement" ? statement : undefined;
    const arms = decided === undefined ? undefined : this.#ifArms.get(decided);
    if (verdict === undefined && decided !== undefined && child(decided, "condition") === node) {
      if (kind === "||" && arms?.trueArm.status === "missed" && arms.trueArm.definite) {
        verdict = "the if it decides never took its true arm";
      } else if (kind === "&&" && arms?.falseArm.status === "missed" && arms.falseArm.definite) {
        verdict = "the if it decides never took its false arm";
      }
    }
    const why =
      verdict ??
      (kind.startsWith("assembly")
        ? "assembly carries no markers inside"
        : statement === undefined
          ? "outside any instrumented statement"
          : "inside one statement: statement markers cannot tell which side ran");
    this.#push(
      node,
      kind,
      condition,
      labels.map((label) => (verdict === undefined ? unmeasurable(label, why) : missed(label, why, true))),
    );
  }
}

function taken(label: string, why: string): ArmOutcome {
  return { label, status: "taken", why, definite: true };
}
function missed(label: string, why: string, definite: boolean): ArmOutcome {
  return { label, status: "missed", why, definite };
}
function unmeasurable(label: string, why: string): ArmOutcome {
  return { label, status: "unmeasurable", why, definite: false };
}
function fromCount(label: string, count: number | undefined, what: string): ArmOutcome {
  if (count === undefined) return unmeasurable(label, `${what} carries no statement marker`);
  return count > 0
    ? taken(label, `${what} ran in ${count} transactions`)
    : missed(label, `${what} never ran`, true);
}
function fromObserved(label: string, count: number): ArmOutcome {
  return count > 0
    ? taken(label, `observed in ${count} transactions`)
    : missed(label, "its condition marker never fired", true);
}

/**
 * Every branch of one source file, each arm taken, missed or unmeasurable. `conditionMarkers`: the
 * run wrapped this exact source's conditions (`addConditionMarkers`), so their tags are in `hits`.
 */
export function analyzeBranches(
  source: string,
  sourceName: string,
  ast: AstNode,
  markers: Marker[],
  hits: Hits,
  conditionMarkers: boolean,
): Branch[] {
  return new FileAnalysis(source, sourceName, markers, hits, conditionMarkers).run(ast);
}

// ---------------------------------------------------------------- summaries

export type FileSummary = {
  file: string;
  /** Arms shown taken; arms decided (taken or missed); arms the markers cannot decide. */
  taken: number;
  measurable: number;
  unmeasurable: number;
  /** taken / measurable, in percent; undefined when nothing is measurable. */
  percent: number | undefined;
};

export function summarize(file: string, branches: Branch[]): FileSummary {
  const arms = branches.flatMap((branch) => branch.arms);
  const taken = arms.filter((arm) => arm.status === "taken").length;
  const unmeasurableArms = arms.filter((arm) => arm.status === "unmeasurable").length;
  const measurable = arms.length - unmeasurableArms;
  return {
    file,
    taken,
    measurable,
    unmeasurable: unmeasurableArms,
    percent: measurable === 0 ? undefined : (taken * 100) / measurable,
  };
}
