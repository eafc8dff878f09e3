import { readFile, writeFile } from "node:fs/promises";

import { createWalletClient, getAddress, http, zeroAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import type { SigningClient } from "../../sdk/actions/transact.ts";
import { InvalidInputError } from "../../sdk/errors.ts";
import {
  encodeDelegateType,
  expectDelegateType,
  keyAlgorithms,
  keyEncodings,
  keyPurposes,
  parseDuration,
  publicKeyAttribute,
  serviceAttribute,
} from "../../sdk/identity/attributes.ts";
import {
  applyDidChange,
  getDidOwner,
  getDidState,
  submitSignedDidRequest,
} from "../../sdk/identity/actions.ts";
import { didOf, parseDid } from "../../sdk/identity/did.ts";
import { createDidResolver, type DIDResolutionResult } from "../../sdk/identity/resolver.ts";
import { parseSignedDidRequest, signDidChange, type DidChange } from "../../sdk/identity/typed-data.ts";
import { connect, signer, type ChainContext, type GlobalOptions } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { writeFileAtomic } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";
import { expectAddress } from "./shared.ts";

type Values = Record<string, string | boolean | undefined>;

/** Default validity of a published key or service endpoint: one year. */
const DEFAULT_ATTRIBUTE_VALIDITY = "365d";

/** The changes `did <action>` and `did sign <action>` make. */
const CHANGE_ACTIONS = [
  "add-key",
  "revoke-key",
  "add-service",
  "revoke-service",
  "delegate",
  "revoke-delegate",
  "change-owner",
  "deactivate",
] as const;
type ChangeAction = (typeof CHANGE_ACTIONS)[number];

const ACTIONS = ["create", "show", "resolve", ...CHANGE_ACTIONS, "sign", "submit"];

export const didCommand: Command = {
  summary:
    "Create, show, resolve and change did:ethr DIDs (keys, services, delegates, owner); signed gasless changes.",
  usage: `did create [--generate <key file>] [--address <address>] [--type <ServiceType> --endpoint <uri>]
       crossproof did show [<did|address>]
       crossproof did resolve <did> [--version-id <block>]
       crossproof did add-key --type Secp256k1|Ed25519|X25519 --purpose veriKey|sigAuth|enc (--hex <0x…>|--base64 <…>|--base58 <…>) [--encoding hex|base64|base58] [--validity <duration>]
       crossproof did revoke-key (the same key options)
       crossproof did add-service --type <ServiceType> --endpoint <uri> [--validity <duration>]
       crossproof did revoke-service --type <ServiceType> --endpoint <uri>
       crossproof did delegate <address> --validity <duration> [--type veriKey|sigAuth]
       crossproof did revoke-delegate <address> [--type veriKey|sigAuth]
       crossproof did change-owner <address>
       crossproof did deactivate --yes
       crossproof did sign <change> <its arguments and options> [--out <file>] [--deadline <duration>]
       crossproof did submit <file>

Every address already has a DID, did:ethr:0x<chain id in hex>:<address>: \`create\` prints the DID of
--key (or of --address), and costs nothing. With --generate <file> it first makes a fresh key (for a
pairwise DID: one per relationship) and saves it to <file> (mode 600, never overwritten). With
--type and --endpoint it also publishes a service endpoint; for a generated key, that change is
signed by the new key and paid for by --key, so the new key needs no funds.

Changes act on --did <did>, by default the DID of --key, and must be sent by the DID's current
owner (--key). --validity and --deadline take seconds or a number with a unit: 30s, 15m, 12h, 7d,
2w, 1y; keys and services default to ${DEFAULT_ATTRIBUTE_VALIDITY}. \`deactivate\` is final (the DID
can never change again) and asks for --yes.

Gasless changes: the owner runs \`did sign <change> … --out request.json\` (no gas; valid for a day
unless --deadline), anyone runs \`did submit request.json\` with their own --key and pays the gas.
A signed request is used once: submitting it again is refused.

Resolution (\`did resolve\`) uses ethr-did-resolver; expiry of keys, services and delegates is judged
by this computer's clock. --json prints the full DID resolution result.`,
  options: {
    did: { type: "string" },
    address: { type: "string" },
    generate: { type: "string" },
    type: { type: "string" },
    purpose: { type: "string" },
    hex: { type: "string" },
    base64: { type: "string" },
    base58: { type: "string" },
    encoding: { type: "string" },
    endpoint: { type: "string" },
    validity: { type: "string" },
    deadline: { type: "string" },
    "version-id": { type: "string" },
    out: { type: "string" },
    yes: { type: "boolean", default: false },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new UsageError(`Use: crossproof did ${ACTIONS.join("|")} (see --help).`);
    }
    switch (action) {
      case "create":
        return create(rest, values, global);
      case "show":
        return show(rest, global);
      case "resolve":
        return resolve(rest, values, global);
      case "sign":
        return sign(rest, values, global);
      case "submit":
        return submit(rest, global);
      default:
        return change(action as ChangeAction, rest, values, global);
    }
  },
};

// ---------------------------------------------------------------- create, show, resolve

async function create(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("create", rest);
  if (values.generate !== undefined && values.address !== undefined) {
    throw new UsageError("Give --generate or --address, not both.");
  }
  const publish = values.endpoint !== undefined || values.type !== undefined;
  if (publish && values.address !== undefined) {
    throw new UsageError("Publishing a service needs the DID's key: use --key or --generate, not --address.");
  }
  // Check the service before anything is generated or sent.
  const service = publish
    ? serviceAttribute({
        type: requireString(values.type, "--type <ServiceType> (with --endpoint)"),
        endpoint: requireString(values.endpoint, "--endpoint <uri> (with --type)"),
      })
    : undefined;
  const validity = service
    ? parseDuration(stringOr(values.validity, DEFAULT_ATTRIBUTE_VALIDITY), "--validity")
    : 0n;
  const context = await connect(global);
  // The key that pays for publishing, checked before a new key is generated and saved.
  const payer = service ? signer(global, context) : undefined;
  if (service) await ensureRegistry(context, zeroAddress);

  let address: Address;
  let generatedKey: Hex | undefined;
  let keyFile: string | undefined;
  if (typeof values.generate === "string") {
    generatedKey = generatePrivateKey();
    address = privateKeyToAccount(generatedKey).address;
    keyFile = values.generate;
    try {
      await writeFile(keyFile, `${generatedKey}\n`, { flag: "wx", mode: 0o600 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InvalidInputError(
        code === "EEXIST"
          ? `${keyFile} exists; --generate never overwrites a key file. Choose another name.`
          : `Cannot write the key file ${keyFile}: ${code ?? "write error"}.`,
        { cause: error },
      );
    }
  } else if (values.address !== undefined) {
    address = expectAddress(values.address, "--address");
  } else {
    address = (payer ?? signer(global, context)).account.address;
  }
  const did = didOf({ chainId: context.chainId, address });

  let transactionHash: Hex | undefined;
  if (service && payer) {
    const didRegistry = registryOf(context);
    const change: DidChange = { action: "setAttribute", identity: address, ...service, validity };
    if (generatedKey) {
      const owner = walletFor(generatedKey, context);
      const request = await signDidChange(owner, { didRegistry, change });
      ({ transactionHash } = await submitSignedDidRequest(payer, { didRegistry, request }));
    } else {
      ({ transactionHash } = await applyDidChange(payer, { didRegistry, change }));
    }
  }

  if (global.json) {
    printJson({
      did,
      address,
      ...(keyFile ? { keyFile } : {}),
      ...(service ? { service: { type: values.type, endpoint: values.endpoint }, transactionHash } : {}),
    });
  } else {
    printLine(did);
    if (keyFile) printLine(`  key saved to ${keyFile} (keep it secret: it controls this DID)`);
    if (service)
      printLine(`  published ${service.nameText} ${String(values.endpoint)} in ${transactionHash}`);
  }
  return ExitCode.ok;
}

async function show(rest: string[], global: GlobalOptions): Promise<number> {
  const [reference, ...extra] = rest;
  if (extra.length > 0) throw new UsageError("Give one DID or address: crossproof did show [<did|address>].");
  const given = reference === undefined ? undefined : parseDidOrAddress(reference);
  const context = await connect(global);
  const identity =
    given === undefined
      ? signer(global, context).account.address
      : typeof given === "string"
        ? given
        : identityOn(given, context);
  const did = didOf({ chainId: context.chainId, address: identity });
  const state = await getDidState(context.publicClient, { didRegistry: registryOf(context), identity });
  if (global.json) {
    printJson({ did, ...state });
  } else {
    printLine(did);
    printLine(
      `  owner        ${state.deactivated ? "none (deactivated)" : state.owner}${!state.deactivated && state.owner === state.identity ? " (itself)" : ""}`,
    );
    printLine(`  changed      ${state.changed === 0n ? "never" : `block ${state.changed}`}`);
    printLine(`  nonce        ${state.nonce}`);
    printLine(`  deactivated  ${state.deactivated ? "yes" : "no"}`);
  }
  return ExitCode.ok;
}

async function resolve(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  const [reference, ...extra] = rest;
  if (!reference || extra.length > 0) throw new UsageError("Give one DID: crossproof did resolve <did>.");
  const parsed = parseDid(reference);
  let versionId: number | undefined;
  if (values["version-id"] !== undefined) {
    versionId = Number(values["version-id"]);
    if (!Number.isSafeInteger(versionId) || versionId < 0) {
      throw new UsageError("--version-id must be a block number.");
    }
  }
  const context = await connect(global);
  identityOn(parsed, context);
  const resolver = createDidResolver({
    chainId: context.chainId,
    rpcUrl: context.rpcUrl,
    didRegistry: registryOf(context),
    timeoutMs: 30_000,
  });
  let result: DIDResolutionResult;
  try {
    result = await resolver.resolve(reference, { versionId });
  } finally {
    resolver.destroy();
  }
  if (global.json) printJson(result);
  else printResolution(result);
  return ExitCode.ok;
}

/** Where ethr-did-resolver puts a verification method's key material. */
const KEY_FIELDS = [
  "blockchainAccountId",
  "publicKeyHex",
  "publicKeyBase58",
  "publicKeyBase64",
  "publicKeyPem",
  "value",
];

function printResolution(result: DIDResolutionResult): void {
  const document = result.didDocument;
  const metadata = result.didDocumentMetadata;
  printLine(document?.id ?? "(no document)");
  if (metadata.deactivated)
    printLine("  DEACTIVATED: this DID can never change again; its document is empty.");
  if (metadata.updated) printLine(`  updated      ${metadata.updated} (block ${metadata.versionId ?? "?"})`);
  if (!document) return;
  const relations = (id: string) =>
    (["authentication", "assertionMethod", "keyAgreement"] as const)
      .filter((relation) => (document[relation] ?? []).some((entry) => entry === id))
      .join(", ");
  for (const method of document.verificationMethod ?? []) {
    const fragment = method.id.slice(method.id.indexOf("#"));
    const fields = method as unknown as Record<string, unknown>;
    const key = KEY_FIELDS.map((field) => fields[field]).find((value) => typeof value === "string") ?? "";
    printLine(`  ${fragment.padEnd(13)}${method.type}  ${key}  [${relations(method.id)}]`);
  }
  for (const service of document.service ?? []) {
    const fragment = service.id.slice(service.id.indexOf("#"));
    const endpoint =
      typeof service.serviceEndpoint === "string"
        ? service.serviceEndpoint
        : JSON.stringify(service.serviceEndpoint);
    printLine(`  ${fragment.padEnd(13)}${service.type}  ${endpoint}`);
  }
}

// ---------------------------------------------------------------- changes, signed changes

async function change(
  action: ChangeAction,
  rest: string[],
  values: Values,
  global: GlobalOptions,
): Promise<number> {
  const context = await connectFor(action, values, global);
  const wallet = signer(global, context);
  const identity = targetIdentity(values, context, wallet.account.address);
  const built = buildChange(action, rest, values, identity);
  await ensureRegistry(context, identity);
  const { transactionHash, receipt } = await applyDidChange(wallet, {
    didRegistry: registryOf(context),
    change: built.change,
  });
  const did = didOf({ chainId: context.chainId, address: identity });
  if (global.json) {
    printJson({ did, action, ...built.details, transactionHash, blockNumber: receipt.blockNumber });
  } else {
    printLine(`${built.summary} for ${did} in ${transactionHash}.`);
  }
  return ExitCode.ok;
}

async function sign(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  const [action, ...args] = rest;
  if (!action || !(CHANGE_ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`Use: crossproof did sign ${CHANGE_ACTIONS.join("|")} … [--out <file>].`);
  }
  const lifetime = parseDuration(stringOr(values.deadline, "1d"), "--deadline");
  const context = await connectFor(action as ChangeAction, values, global);
  const owner = signer(global, context);
  const identity = targetIdentity(values, context, owner.account.address);
  const built = buildChange(action as ChangeAction, args, values, identity);
  const request = await signDidChange(owner, {
    didRegistry: registryOf(context),
    change: built.change,
    deadline: BigInt(Math.floor(Date.now() / 1000)) + lifetime,
  });
  const did = didOf({ chainId: context.chainId, address: identity });
  if (typeof values.out !== "string") {
    printJson(request);
    return ExitCode.ok;
  }
  await writeFileAtomic(values.out, `${JSON.stringify(request, null, 2)}\n`);
  const expires = new Date(Number(request.deadline) * 1000).toISOString();
  if (global.json) {
    printJson({
      did,
      action,
      ...built.details,
      file: values.out,
      nonce: request.nonce,
      deadline: request.deadline,
    });
  } else {
    printLine(
      `Signed request to ${built.intent} for ${did} (nonce ${request.nonce}, valid until ${expires}).`,
    );
    printLine(`  saved to ${values.out}; anyone can submit it: crossproof did submit ${values.out}`);
  }
  return ExitCode.ok;
}

async function submit(rest: string[], global: GlobalOptions): Promise<number> {
  const [file, ...extra] = rest;
  if (!file || extra.length > 0)
    throw new UsageError("Give one signed request: crossproof did submit <file>.");
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code ? `Cannot read ${file}: ${code}.` : `${file} is not JSON: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  const request = parseSignedDidRequest(json, file);
  const context = await connect(global);
  const relayer = signer(global, context);
  await ensureRegistry(context, getAddress(request.change.identity));
  const { transactionHash, receipt } = await submitSignedDidRequest(relayer, {
    didRegistry: registryOf(context),
    request,
  });
  const did = didOf({ chainId: context.chainId, address: request.change.identity });
  if (global.json) {
    printJson({
      did,
      action: request.change.action,
      signer: request.signer,
      relayer: relayer.account.address,
      nonce: request.nonce,
      transactionHash,
      blockNumber: receipt.blockNumber,
    });
  } else {
    printLine(
      `Submitted ${request.change.action} for ${did}, signed by ${request.signer}, in ${transactionHash}.`,
    );
  }
  return ExitCode.ok;
}

type BuiltChange = {
  change: DidChange;
  /** What was done ("Added key …"). */
  summary: string;
  /** What a signed request will do ("add key …"). */
  intent: string;
  details: Record<string, unknown>;
};

/** The DidChange for a CLI action, with a one-line summary and its JSON details. */
function buildChange(action: ChangeAction, args: string[], values: Values, identity: Address): BuiltChange {
  switch (action) {
    case "add-key":
    case "revoke-key": {
      noPositionals(action, args);
      const { attribute, details } = keyFromOptions(values);
      if (action === "revoke-key") {
        return {
          change: { action: "revokeAttribute", identity, name: attribute.name, value: attribute.value },
          summary: `Revoked key ${attribute.nameText}`,
          intent: `revoke key ${attribute.nameText}`,
          details,
        };
      }
      const validity = parseDuration(stringOr(values.validity, DEFAULT_ATTRIBUTE_VALIDITY), "--validity");
      return {
        change: { action: "setAttribute", identity, name: attribute.name, value: attribute.value, validity },
        summary: `Added key ${attribute.nameText} (valid ${formatSeconds(validity)})`,
        intent: `add key ${attribute.nameText} (valid ${formatSeconds(validity)})`,
        details: { ...details, validity: Number(validity) },
      };
    }
    case "add-service":
    case "revoke-service": {
      noPositionals(action, args);
      const type = requireString(values.type, "--type <ServiceType>");
      const endpoint = requireString(values.endpoint, "--endpoint <uri>");
      const attribute = serviceAttribute({ type, endpoint });
      if (action === "revoke-service") {
        return {
          change: { action: "revokeAttribute", identity, name: attribute.name, value: attribute.value },
          summary: `Revoked service ${type} ${endpoint}`,
          intent: `revoke service ${type} ${endpoint}`,
          details: { type, endpoint },
        };
      }
      const validity = parseDuration(stringOr(values.validity, DEFAULT_ATTRIBUTE_VALIDITY), "--validity");
      return {
        change: { action: "setAttribute", identity, name: attribute.name, value: attribute.value, validity },
        summary: `Added service ${type} ${endpoint} (valid ${formatSeconds(validity)})`,
        intent: `add service ${type} ${endpoint} (valid ${formatSeconds(validity)})`,
        details: { type, endpoint, validity: Number(validity) },
      };
    }
    case "delegate":
    case "revoke-delegate": {
      const delegate = oneAddress(action, args);
      const type = expectDelegateType(stringOr(values.type, "veriKey"));
      const delegateType = encodeDelegateType(type);
      if (action === "revoke-delegate") {
        return {
          change: { action: "revokeDelegate", identity, delegateType, delegate },
          summary: `Revoked ${type} delegate ${delegate}`,
          intent: `revoke ${type} delegate ${delegate}`,
          details: { delegate, type },
        };
      }
      if (values.validity === undefined) {
        throw new UsageError(
          "did delegate needs --validity (seconds or e.g. 12h, 7d): how long the delegate may act.",
        );
      }
      const validity = parseDuration(requireString(values.validity, "--validity"), "--validity");
      return {
        change: { action: "addDelegate", identity, delegateType, delegate, validity },
        summary: `Added ${type} delegate ${delegate} (valid ${formatSeconds(validity)})`,
        intent: `add ${type} delegate ${delegate} (valid ${formatSeconds(validity)})`,
        details: { delegate, type, validity: Number(validity) },
      };
    }
    case "change-owner": {
      const newOwner = oneAddress(action, args);
      if (newOwner === zeroAddress) {
        throw new UsageError(
          "The zero address deactivates a DID for good; use `crossproof did deactivate --yes`.",
        );
      }
      return {
        change: { action: "changeOwner", identity, newOwner },
        summary: `Changed the owner to ${newOwner}`,
        intent: `change the owner to ${newOwner}`,
        details: { newOwner },
      };
    }
    case "deactivate":
      noPositionals(action, args);
      return {
        change: { action: "changeOwner", identity, newOwner: zeroAddress },
        summary: "Deactivated (final)",
        intent: "deactivate (final)",
        details: { deactivated: true },
      };
  }
}

/** Connects, after the checks that need no chain (so bad input is reported first). */
async function connectFor(
  action: ChangeAction,
  values: Values,
  global: GlobalOptions,
): Promise<ChainContext> {
  if (action === "deactivate" && values.yes !== true) {
    throw new UsageError(
      "Deactivation is final: the DID's document is emptied and nothing can change it again. Add --yes to deactivate.",
    );
  }
  if (values.did !== undefined) parseDid(requireString(values.did, "--did <did>"));
  return connect(global);
}

/** The identity a change acts on: --did, else the DID of the signing key. */
function targetIdentity(values: Values, context: ChainContext, keyAddress: Address): Address {
  if (values.did === undefined) return keyAddress;
  return identityOn(parseDid(requireString(values.did, "--did <did>")), context);
}

/** The address of a DID, checked to be on the connected chain. */
function identityOn(
  parsed: { did: string; chainId: number; address: Address },
  context: ChainContext,
): Address {
  if (parsed.chainId !== context.chainId) {
    throw new InvalidInputError(
      `${parsed.did} is a DID of chain ${parsed.chainId}, but the RPC endpoint serves chain ${context.chainId}; point --rpc at chain ${parsed.chainId}.`,
    );
  }
  return parsed.address;
}

function parseDidOrAddress(value: string): { did: string; chainId: number; address: Address } | Address {
  return value.startsWith("did:") ? parseDid(value) : expectAddress(value, "The identity");
}

function keyFromOptions(values: Values) {
  const algorithm = requireString(values.type, `--type ${keyAlgorithms.join("|")}`);
  const purpose = requireString(values.purpose, `--purpose ${keyPurposes.join("|")}`);
  const given = (["hex", "base64", "base58"] as const).filter((format) => values[format] !== undefined);
  if (given.length !== 1) {
    throw new UsageError("Give the public key once: --hex <0x…>, --base64 <…> or --base58 <…>.");
  }
  const format = given[0]!;
  const text = requireString(values[format], `--${format}`);
  const publicKey = decodeKey(format, text);
  const encoding = stringOr(values.encoding, format);
  if (!(keyEncodings as readonly string[]).includes(encoding)) {
    throw new UsageError(`--encoding ${encoding} is not one of ${keyEncodings.join(", ")}.`);
  }
  const attribute = publicKeyAttribute({ algorithm, purpose, encoding, publicKey });
  return { attribute, details: { type: algorithm, purpose, encoding, publicKey: attribute.value } };
}

function decodeKey(format: "hex" | "base64" | "base58", text: string): Hex | Uint8Array {
  if (format === "hex") {
    const hex = text.startsWith("0x") ? text : `0x${text}`;
    if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(hex))
      throw new UsageError(`--hex ${text} is not hex of whole bytes.`);
    return hex as Hex;
  }
  if (format === "base64") {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) && !/^[A-Za-z0-9_-]+$/.test(text)) {
      throw new UsageError(`--base64 ${text} is not base64.`);
    }
    return new Uint8Array(
      Buffer.from(text, text.includes("-") || text.includes("_") ? "base64url" : "base64"),
    );
  }
  return decodeBase58(text);
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function decodeBase58(text: string): Uint8Array {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) throw new UsageError(`--base58 ${text} is not base58 (bad character "${char}").`);
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value % 256n));
    value /= 256n;
  }
  for (const char of text) {
    if (char !== "1") break;
    bytes.unshift(0);
  }
  return new Uint8Array(bytes);
}

// ---------------------------------------------------------------- small helpers

function registryOf(context: ChainContext): Address {
  return getAddress(context.manifest.contracts.DIDRegistry);
}

/**
 * Fails with a clear message when no registry answers at the manifest's address (a call to an
 * address without code "succeeds" and would silently do nothing).
 */
async function ensureRegistry(context: ChainContext, identity: Address): Promise<void> {
  await getDidOwner(context.publicClient, { didRegistry: registryOf(context), identity });
}

function walletFor(key: Hex, context: ChainContext): SigningClient {
  return createWalletClient({
    account: privateKeyToAccount(key),
    chain: context.publicClient.chain,
    transport: http(context.rpcUrl, { retryCount: 2, timeout: 30_000 }),
  });
}

function oneAddress(action: string, args: string[]): Address {
  const [value, ...extra] = args;
  if (!value || extra.length > 0)
    throw new UsageError(`Give one address: crossproof did ${action} <address>.`);
  return expectAddress(value, "The address");
}

function noPositionals(action: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`did ${action} takes no argument "${args[0]!}"; see --help.`);
}

function requireString(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== "string" || value === "") throw new UsageError(`This needs ${flag}.`);
  return value;
}

function stringOr(value: string | boolean | undefined, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function formatSeconds(seconds: bigint): string {
  for (const [unit, size] of [
    ["days", 86_400n],
    ["hours", 3_600n],
    ["minutes", 60n],
  ] as const) {
    if (seconds >= size && seconds % size === 0n) return `${seconds / size} ${unit}`;
  }
  return `${seconds} seconds`;
}
