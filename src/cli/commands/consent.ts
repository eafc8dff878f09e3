import { readFile } from "node:fs/promises";

import { getAddress, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";

import { consentRegistryAbi } from "../../sdk/abis.ts";
import {
  codeOf,
  codeText,
  consentState,
  getConsent,
  grantConsent,
  isAuthorized,
  listConsents,
  parseSignedConsent,
  revokeConsent,
  signConsent,
  submitSignedConsent,
  type Consent,
  type ConsentTerms,
} from "../../sdk/consent/consent.ts";
import { ContractRevertError, InvalidInputError } from "../../sdk/errors.ts";
import { isBytes32 } from "../../sdk/hex.ts";
import { parseDuration } from "../../sdk/identity/attributes.ts";
import { getSchema } from "../../sdk/schemas/schemas.ts";
import { isoSeconds } from "../../sdk/time.ts";
import { connect, signer, type ChainContext, type GlobalOptions } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";
import { expectAddress, parseSchemaReference, requireSchema } from "./shared.ts";

type Values = Record<string, string | boolean | undefined>;

const ACTIONS = ["grant", "sign", "submit", "revoke", "check", "list", "show"] as const;
/** Most schemas one consent may cover (ConsentRegistry._MAX_SCOPE). */
const MAX_SCOPE = 16;
const MAX_USES = 4_294_967_295;

const TERMS_USAGE =
  "--grantee <address> --purpose <code> --scope <schema>[,<schema>…] [--from <when>] (--until <when> | --for <duration>) [--max-uses <n>]";

export const consentCommand: Command = {
  summary: "Grant, sign, revoke, check, list and show purpose-bound consents to use your data.",
  usage: `consent grant ${TERMS_USAGE}
       crossproof consent sign ${TERMS_USAGE} [--out <file>] [--deadline <duration>]
       crossproof consent submit <file>
       crossproof consent revoke <consent-id>
       crossproof consent check --owner <address> --grantee <address> --purpose <code> --schema <schema>
       crossproof consent list --owner <address> | --grantee <address>
       crossproof consent show <consent-id>

A consent lets one grantee (e.g. a bank) use the owner's data of the listed schemas for one purpose
(a code such as credit-report), from --from (default: now) until --until or for --for, at most
--max-uses times (default: no limit). The owner is --key; it may revoke the consent at any time.
Every use is recorded on chain. Schemas: an id (0x…) or name@version, e.g. credit.report@1.0.
<when>: an ISO 8601 date (2027-06-30, 2027-06-30T12:00:00Z) or a duration from now; durations are
seconds or a number with a unit: 30s, 15m, 12h, 7d, 2w, 1y. Times are the chain's.

Gasless consent: the owner runs \`consent sign … --out consent.json\` (no gas; the signature is
valid for a day unless --deadline) and hands the file over; anyone — typically the grantee — runs
\`consent submit consent.json\` with their own --key and pays the gas. A signature is used once.

\`check\` exits 0 when the owner has a consent the grantee may use now for the purpose and schema,
1 when not.`,
  options: {
    grantee: { type: "string" },
    purpose: { type: "string" },
    scope: { type: "string" },
    from: { type: "string" },
    until: { type: "string" },
    for: { type: "string" },
    "max-uses": { type: "string" },
    out: { type: "string" },
    deadline: { type: "string" },
    owner: { type: "string" },
    schema: { type: "string" },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`Use: crossproof consent ${ACTIONS.join("|")} (see --help).`);
    }
    try {
      switch (action as (typeof ACTIONS)[number]) {
        case "grant":
          return await grant(rest, values, global);
        case "sign":
          return await sign(rest, values, global);
        case "submit":
          return await submit(rest, global);
        case "revoke":
          return await revoke(rest, global);
        case "check":
          return await check(rest, values, global);
        case "list":
          return await list(rest, values, global);
        case "show":
          return await show(rest, global);
      }
    } catch (error) {
      throw explainRevert(error, { action: `consent ${action}` });
    }
  },
};

// ---------------------------------------------------------------- grant, sign, submit

async function grant(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("consent grant", rest);
  const input = parseTermsInput(values);
  const context = await connect(global);
  const owner = signer(global, context);
  const consentRegistry = consentRegistryOf(context);
  const terms = await resolveTerms(input, context, owner.account.address);
  const { consentId, transactionHash } = await grantConsent(owner, { consentRegistry, terms });
  if (global.json) {
    printJson({ consentId, owner: owner.account.address, ...serialiseTerms(terms), transactionHash });
  } else {
    printLine(`Granted consent ${consentId}`);
    printLine(`  ${describeTerms(terms, input.scopeLabels)}`);
    printLine(`  in ${transactionHash}; revoke it any time with: crossproof consent revoke ${consentId}`);
  }
  return ExitCode.ok;
}

async function sign(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("consent sign", rest);
  const input = parseTermsInput(values);
  const lifetime = parseDuration(stringOr(values.deadline, "1d"), "--deadline");
  const out = values.out;
  if (out !== undefined && (typeof out !== "string" || out === "")) {
    throw new UsageError("--out needs a file name.");
  }
  const context = await connect(global);
  const owner = signer(global, context);
  const consentRegistry = consentRegistryOf(context);
  const terms = await resolveTerms(input, context, owner.account.address);
  const signed = await signConsent(owner, {
    consentRegistry,
    terms,
    deadline: (await chainTime(context)) + lifetime,
  });
  if (out === undefined) {
    printJson(signed);
    return ExitCode.ok;
  }
  await writeFileAtomic(out, `${JSON.stringify(signed, null, 2)}\n`);
  const until = isoOf(BigInt(signed.deadline));
  if (global.json) {
    printJson({
      file: out,
      owner: signed.owner,
      ...serialiseTerms(terms),
      nonce: signed.nonce,
      deadline: signed.deadline,
    });
  } else {
    printLine(`Signed a consent as ${signed.owner} (nonce ${signed.nonce}, submit before ${until}).`);
    printLine(`  ${describeTerms(terms, input.scopeLabels)}`);
    printLine(`  saved to ${out}; anyone can submit it: crossproof consent submit ${out}`);
  }
  return ExitCode.ok;
}

async function submit(rest: string[], global: GlobalOptions): Promise<number> {
  const [file, ...extra] = rest;
  if (!file || extra.length > 0) {
    throw new UsageError("Give one signed consent: crossproof consent submit <file>.");
  }
  const signed = parseSignedConsent(await readJson(file), file);
  const context = await connect(global);
  const relayer = signer(global, context);
  const { consentId, transactionHash } = await submitSignedConsent(relayer, {
    consentRegistry: consentRegistryOf(context),
    signed,
  });
  if (global.json) {
    printJson({
      consentId,
      owner: signed.owner,
      grantee: signed.terms.grantee,
      relayer: relayer.account.address,
      transactionHash,
    });
  } else {
    printLine(`Granted consent ${consentId}`);
    printLine(
      `  of ${signed.owner} to ${getAddress(signed.terms.grantee)}, signed by the owner, submitted by ${relayer.account.address} in ${transactionHash}.`,
    );
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------- revoke

async function revoke(rest: string[], global: GlobalOptions): Promise<number> {
  const consentId = oneId(rest, "consent revoke <consent-id>", "consent");
  const context = await connect(global);
  const owner = signer(global, context);
  const { transactionHash } = await revokeConsent(owner, {
    consentRegistry: consentRegistryOf(context),
    consentId,
  });
  if (global.json) printJson({ consentId, revoked: true, transactionHash });
  else printLine(`Revoked consent ${consentId} in ${transactionHash}; it cannot be used from now on.`);
  return ExitCode.ok;
}

// ---------------------------------------------------------------- check, list, show

async function check(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("consent check", rest);
  const owner = expectAddress(values.owner, "--owner");
  const grantee = expectAddress(values.grantee, "--grantee");
  const purpose = codeOf(requireString(values.purpose, "--purpose <code>"), "--purpose");
  const schemaId = parseSchemaReference(values.schema);
  const context = await connect(global);
  const consentRegistry = consentRegistryOf(context);
  // A mistyped schema must not read as "no consent": it is bad input.
  await requireSchema(
    context.publicClient,
    context.manifest.contracts.SchemaRegistry as Hex,
    schemaId,
    String(values.schema),
  );
  const authorized = await isAuthorized(context.publicClient, {
    consentRegistry,
    owner,
    grantee,
    purpose,
    schemaId,
  });
  // Which consent authorises it: the one to name in a credit order (`order create --consent`).
  let consentId: Hex | undefined;
  if (authorized) {
    const consents = await listConsents(context.publicClient, { consentRegistry, owner });
    for (const consent of consents) {
      if (consent.terms.grantee !== grantee) continue;
      const usable = await readContract(context.publicClient, {
        address: consentRegistry,
        abi: consentRegistryAbi,
        functionName: "isUsable",
        args: [consent.id, purpose, schemaId],
      });
      if (usable) {
        consentId = consent.id;
        break;
      }
    }
  }
  const purposeText = codeText(purpose);
  if (global.json) {
    printJson({ authorized, owner, grantee, purpose: purposeText, schemaId, consentId: consentId ?? null });
  } else if (authorized) {
    printLine(
      `yes: ${owner} authorises ${grantee} to use ${String(values.schema)} for ${purposeText}${consentId ? ` (consent ${consentId})` : ""}.`,
    );
  } else {
    printLine(
      `no: ${owner} has no consent in force that lets ${grantee} use ${String(values.schema)} for ${purposeText}.`,
    );
  }
  return authorized ? ExitCode.ok : ExitCode.failed;
}

async function list(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("consent list", rest);
  if ((values.owner === undefined) === (values.grantee === undefined)) {
    throw new UsageError("consent list needs --owner <address> or --grantee <address> (one of the two).");
  }
  const owner = values.owner === undefined ? undefined : expectAddress(values.owner, "--owner");
  const grantee = values.grantee === undefined ? undefined : expectAddress(values.grantee, "--grantee");
  const context = await connect(global);
  const consents = await listConsents(context.publicClient, {
    consentRegistry: consentRegistryOf(context),
    ...(owner ? { owner } : {}),
    ...(grantee ? { grantee } : {}),
  });
  const now = await chainTime(context);
  if (global.json) {
    printJson(consents.map((consent) => serialiseConsent(consent, now)));
  } else if (consents.length === 0) {
    printLine("No consents.");
  } else {
    for (const consent of consents) {
      const { terms } = consent;
      printLine(
        `${consent.id}  ${consentState(consent, now).padEnd(16)} ${consent.owner} -> ${terms.grantee}  ${codeText(terms.purpose)}  uses ${consent.uses}/${terms.maxUses === 0 ? "unlimited" : terms.maxUses}  until ${isoOf(terms.validUntil)}`,
      );
    }
  }
  return ExitCode.ok;
}

async function show(rest: string[], global: GlobalOptions): Promise<number> {
  const consentId = oneId(rest, "consent show <consent-id>", "consent");
  const context = await connect(global);
  const consent = await getConsent(context.publicClient, {
    consentRegistry: consentRegistryOf(context),
    consentId,
  });
  const now = await chainTime(context);
  const schemaRegistry = context.manifest.contracts.SchemaRegistry as Hex;
  const scope = await Promise.all(
    consent.terms.scope.map(async (schemaId) => {
      try {
        const schema = await getSchema(context.publicClient, { schemaRegistry, schemaId });
        return { id: schemaId, name: `${schema.name}@${schema.version}` };
      } catch {
        return { id: schemaId, name: undefined };
      }
    }),
  );
  const status = consentState(consent, now);
  if (global.json) {
    printJson({ ...serialiseConsent(consent, now), scope });
    return ExitCode.ok;
  }
  const { terms } = consent;
  printLine(`Consent ${consent.id}`);
  printLine(`  status      ${status}${status === "in force" ? "" : " (not in force)"}`);
  printLine(`  owner       ${consent.owner}`);
  printLine(`  grantee     ${terms.grantee}`);
  printLine(`  purpose     ${codeText(terms.purpose)}`);
  printLine(
    `  scope       ${scope.map((schema) => (schema.name ? `${schema.name} (${schema.id})` : schema.id)).join(", ")}`,
  );
  printLine(`  valid       from ${isoOf(terms.validFrom)} until ${isoOf(terms.validUntil)}`);
  printLine(`  uses        ${consent.uses} of ${terms.maxUses === 0 ? "unlimited" : terms.maxUses}`);
  printLine(`  granted     ${consent.grantedAt.toISOString()}`);
  printLine(`  revoked     ${consent.revokedAt ? consent.revokedAt.toISOString() : "no"}`);
  return ExitCode.ok;
}

// ---------------------------------------------------------------- terms

/** A point in time from the command line: an absolute date, or a duration counted from the chain's now. */
export type When = { kind: "date"; seconds: bigint } | { kind: "duration"; seconds: bigint };

const DURATION = /^\d+\s*[smhdwy]?$/;

/** Parses `<date|duration>` without the chain: a duration is resolved later against the chain's time. */
export function parseWhen(value: string | boolean | undefined, flag: string): When {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`${flag} needs a date (2027-06-30) or a duration (30d).`);
  }
  if (DURATION.test(value.trim())) return { kind: "duration", seconds: parseDuration(value, flag) };
  const seconds = isoSeconds(value);
  if (seconds === undefined) {
    throw new UsageError(
      `${flag} ${value} is neither a date nor a duration; use ISO 8601 (2027-06-30, 2027-06-30T12:00:00Z; UTC unless it gives an offset) or a duration such as 30d.`,
    );
  }
  return { kind: "date", seconds: BigInt(seconds) };
}

export function resolveWhen(when: When, now: bigint): bigint {
  return when.kind === "date" ? when.seconds : now + when.seconds;
}

type TermsInput = {
  grantee: Address;
  purpose: Hex;
  scope: Hex[];
  /** How the scope was written, for messages. */
  scopeLabels: string[];
  from: When | undefined;
  until: When | undefined;
  lasting: bigint | undefined;
  maxUses: number;
};

/** Every check of the terms that needs no chain. */
function parseTermsInput(values: Values): TermsInput {
  const grantee = expectAddress(values.grantee, "--grantee");
  const purpose = codeOf(requireString(values.purpose, "--purpose <code> (e.g. credit-report)"), "--purpose");
  const scopeText = requireString(values.scope, "--scope <schema>[,<schema>…] (e.g. credit.report@1.0)");
  const scopeLabels = scopeText.split(",").map((part) => part.trim());
  if (scopeLabels.some((label) => label === "")) {
    throw new UsageError(`--scope ${scopeText} has an empty entry; separate schemas with single commas.`);
  }
  if (scopeLabels.length > MAX_SCOPE) {
    throw new UsageError(
      `--scope lists ${scopeLabels.length} schemas; a consent covers at most ${MAX_SCOPE}.`,
    );
  }
  const scope = scopeLabels.map((label) => parseSchemaReference(label, "--scope entry"));
  const repeated = scope.findIndex((id, i) => scope.indexOf(id) !== i);
  if (repeated >= 0) throw new UsageError(`--scope names ${scopeLabels[repeated]!} twice.`);
  if ((values.until === undefined) === (values.for === undefined)) {
    throw new UsageError(
      "Say how long the consent lasts: --until <date> or --for <duration> (e.g. --for 30d), one of the two.",
    );
  }
  const from = values.from === undefined ? undefined : parseWhen(values.from, "--from");
  const until = values.until === undefined ? undefined : parseWhen(values.until, "--until");
  const lasting =
    values.for === undefined
      ? undefined
      : parseDuration(requireString(values.for, "--for <duration>"), "--for");
  if (from?.kind === "date" && until?.kind === "date" && until.seconds <= from.seconds) {
    throw new UsageError("--until must be after --from.");
  }
  let maxUses = 0;
  if (values["max-uses"] !== undefined) {
    const text = String(values["max-uses"]);
    maxUses = Number(text);
    if (!/^\d+$/.test(text) || maxUses > MAX_USES) {
      throw new UsageError(`--max-uses ${text} must be a whole number (0 for no limit).`);
    }
  }
  return { grantee, purpose, scope, scopeLabels, from, until, lasting, maxUses };
}

/** The terms, with times resolved against the chain's clock and the scope's schemas checked. */
async function resolveTerms(input: TermsInput, context: ChainContext, owner: Address): Promise<ConsentTerms> {
  if (input.grantee === getAddress(owner)) {
    throw new UsageError("--grantee is the owner (--key) itself; a consent is given to someone else.");
  }
  const schemaRegistry = context.manifest.contracts.SchemaRegistry as Hex;
  // A typo in a schema would give a consent nobody can ever use: refuse unknown schemas.
  for (const [i, schemaId] of input.scope.entries()) {
    try {
      await requireSchema(context.publicClient, schemaRegistry, schemaId);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(
        `--scope ${input.scopeLabels[i]!} is not a schema registered on this chain; see \`crossproof schema list\`.`,
      );
    }
  }
  const now = await chainTime(context);
  // In force from the chain's own time (a machine clock ahead of the validators would make a consent
  // not yet in force when it lands); its length counts from the later clock (see chainTime).
  const validFrom = input.from ? resolveWhen(input.from, now) : await latestBlockTime(context);
  const validUntil = input.until ? resolveWhen(input.until, now) : now + input.lasting!;
  if (validUntil <= validFrom) {
    throw new UsageError(
      `The consent would end (${isoOf(validUntil)}) before it starts (${isoOf(validFrom)}); check --from and --until.`,
    );
  }
  if (validUntil <= now) {
    throw new UsageError(
      `--until ${isoOf(validUntil)} has passed already (the chain's time is ${isoOf(now)}).`,
    );
  }
  return {
    grantee: input.grantee,
    purpose: input.purpose,
    scope: input.scope,
    validFrom,
    validUntil,
    maxUses: input.maxUses,
  };
}

function describeTerms(terms: ConsentTerms, scopeLabels: readonly string[]): string {
  const uses =
    terms.maxUses === 0 ? "no use limit" : `at most ${terms.maxUses} use${terms.maxUses === 1 ? "" : "s"}`;
  return `${terms.grantee} may use ${scopeLabels.join(", ")} for ${codeText(terms.purpose)}, from ${isoOf(terms.validFrom)} until ${isoOf(terms.validUntil)}, ${uses}.`;
}

function serialiseTerms(terms: ConsentTerms) {
  return {
    grantee: terms.grantee,
    purpose: codeText(terms.purpose),
    purposeCode: terms.purpose,
    scope: [...terms.scope],
    validFrom: isoOf(terms.validFrom),
    validUntil: isoOf(terms.validUntil),
    maxUses: terms.maxUses,
  };
}

function serialiseConsent(consent: Consent, now: bigint) {
  const status = consentState(consent, now);
  return {
    consentId: consent.id,
    owner: consent.owner,
    ...serialiseTerms(consent.terms),
    uses: consent.uses,
    grantedAt: consent.grantedAt.toISOString(),
    revokedAt: consent.revokedAt ? consent.revokedAt.toISOString() : null,
    status,
    inForce: status === "in force",
  };
}

// ---------------------------------------------------------------- shared helpers (also used by `order`)

export function consentRegistryOf(context: ChainContext): Address {
  return getAddress(context.manifest.contracts.ConsentRegistry);
}

/**
 * Now, for consents and orders: the chain's latest block time, or this machine's clock when it is
 * later. A chain that makes no empty blocks (FISCO BCOS) may have stood still for hours, and a
 * period or deadline counted from its last block would already have passed when it is sent; the
 * next block is stamped with the time it is made.
 */
export async function chainTime(context: ChainContext): Promise<bigint> {
  const blockTime = await latestBlockTime(context);
  const local = BigInt(Math.floor(Date.now() / 1000));
  return blockTime > local ? blockTime : local;
}

async function latestBlockTime(context: ChainContext): Promise<bigint> {
  return (await context.publicClient.getBlock({ blockTag: "latest" })).timestamp;
}

export function isoOf(seconds: bigint | number): string {
  const millis = Number(seconds) * 1000;
  return Number.isFinite(millis) && Math.abs(millis) <= 8.64e15
    ? new Date(millis).toISOString()
    : `${String(seconds)} (Unix seconds)`;
}

/** A 32-byte id given as the only positional argument. */
export function oneId(rest: string[], usage: string, what: string): Hex {
  const [value, ...extra] = rest;
  if (!value || extra.length > 0) throw new UsageError(`Give one ${what} id: crossproof ${usage}.`);
  return expectId(value, `The ${what} id`);
}

export function expectId(value: string, what: string): Hex {
  if (!isBytes32(value)) {
    throw new UsageError(`${what} ${value} is not an id (0x and 64 hex digits).`);
  }
  return value.toLowerCase() as Hex;
}

export function requireString(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`This needs ${flag}.`);
  return value;
}

export function noPositionals(command: string, rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`${command} takes no argument "${rest[0]!}"; see --help.`);
}

function stringOr(value: string | boolean | undefined, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "read error"}.`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not JSON: ${(error as Error).message}.`, { cause: error });
  }
}

// ---------------------------------------------------------------- contract rejections, in words

/** What was being done when the contract said no, to say what to do instead. */
export type Situation = {
  /** The command, e.g. "order confirm". */
  action: string;
  /** The account that sent the transaction. */
  caller?: Address;
};

/**
 * Turns a contract rejection of the consent registry into a sentence that says what to do; other
 * errors pass through unchanged. "Not found" becomes bad input (exit 2), the rest stays a
 * rejection (exit 1). The decoded error's name ends the sentence, for scripts and searches.
 */
export function explainRevert(error: unknown, situation: Situation): unknown {
  if (!(error instanceof ContractRevertError) || error.errorName === undefined) return error;
  const args = error.errorArgs ?? [];
  const text = consentSentence(error.errorName, args, situation);
  if (text === undefined) return error;
  if (error.errorName === "ConsentNotFound") return new UsageError(`${text} (${error.errorName})`);
  return new ContractRevertError(`${text} (${error.errorName})`, {
    errorName: error.errorName,
    errorArgs: error.errorArgs,
    cause: error,
  });
}

function consentSentence(name: string, args: readonly unknown[], situation: Situation): string | undefined {
  const id = String(args[0]);
  switch (name) {
    case "ConsentNotFound":
      return `No consent has the id ${id}; find the right one with \`crossproof consent list --owner <address>\`.`;
    case "NotConsentOwner":
      return `Only the owner of consent ${id} may revoke it, and ${String(args[1])} is not; use the owner's --key.`;
    case "ConsentAlreadyRevoked":
      return `Consent ${id} is revoked already; nothing to do.`;
    case "InvalidConsentTerms":
      return "The consent terms are not valid: the grantee must be someone other than the owner, the purpose a code, the scope 1 to 16 different schemas, and the end after the start.";
    case "SignatureExpired":
      return `The signed consent could be submitted only until ${isoOf(args[0] as bigint)}; ask the owner to sign it again (\`crossproof consent sign … --deadline 7d\`).`;
    case "InvalidSignature":
      return `The signature is not ${String(args[0])}'s signature of these terms with their current nonce: the file was altered, submitted already, or overtaken by another signed consent or revocation of theirs; ask the owner to sign again.`;
    case "UnauthorizedConsumer":
      return situation.action === "order create"
        ? `Consent ${id} was not granted to your bank${situation.caller ? ` (${situation.caller})` : ""}: order with a consent the subject granted to you (\`crossproof consent check --owner <subject> --grantee <your address> --purpose credit-report --schema credit.report@1.0\`).`
        : `${String(args[1])} may not use consent ${id}: only its grantee may.`;
    case "ConsentWasRevoked":
      return `The owner revoked consent ${id} at ${isoOf(args[1] as bigint)}; it can no longer be used. Ask the owner for a new consent.`;
    case "ConsentNotInForce":
      return `Consent ${id} is not in force now: it is valid from ${isoOf(args[1] as bigint)} until ${isoOf(args[2] as bigint)}. Use it within that period, or ask the owner for a new consent.`;
    case "ConsentExhausted": {
      const allowed = Number(args[1]);
      return `Consent ${id} is exhausted (used ${allowed} of ${allowed} allowed time${allowed === 1 ? "" : "s"}). Ask the owner for a new consent.`;
    }
    case "OutOfScope":
      return `Consent ${id} does not cover schema ${String(args[1])}; ask the owner for a consent whose --scope includes it.`;
    case "PurposeMismatch":
      return `Consent ${id} was given for another purpose than ${codeText(args[1] as Hex)}; ask the owner for a consent with --purpose ${codeText(args[1] as Hex)}.`;
    default:
      return undefined;
  }
}
