import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

import { getAddress, zeroHash, type Address, type Hex } from "viem";
import { readContract, simulateContract } from "viem/actions";

import { creditOrderBookAbi } from "../../sdk/abis.ts";
import { toCrossproofError, type SigningClient } from "../../sdk/actions/transact.ts";
import { codeOf, codeText } from "../../sdk/consent/consent.ts";
import {
  acceptOrder,
  cancelOrder,
  confirmOrder,
  deliverOrder,
  disputeOrder,
  expireOrder,
  getOrder,
  listOrders,
  orderStateIndex,
  orderStates,
  orderTimeline,
  rejectOrder,
  requestOrder,
  type Order,
  type OrderState,
  type TimelineEntry,
} from "../../sdk/credit/orders.ts";
import { ContractRevertError, InvalidInputError } from "../../sdk/errors.ts";
import { anchorFingerprint, verifyFingerprint } from "../../sdk/fingerprints/actions.ts";
import { createDataPackage, type DataPackage } from "../../sdk/fingerprints/package.ts";
import { computeFingerprint, hashDocument, randomSalt } from "../../sdk/fingerprints/spec.ts";
import { connect, signer, type ChainContext, type GlobalOptions } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import { hashFile, PACKAGE_SUFFIX, readPackage, writePackageFile } from "../files.ts";
import type { Command } from "../main.ts";
import { printJson, printLine } from "../output.ts";
import {
  chainTime,
  consentRegistryOf,
  expectId,
  explainRevert,
  isoOf,
  noPositionals,
  oneId,
  parseWhen,
  requireString,
  resolveWhen,
  type Situation,
} from "./consent.ts";
import { expectAddress, requireSchema } from "./shared.ts";

type Values = Record<string, string | boolean | undefined>;

/** Actions that move an order on, with who may take them and from which state. */
const TRANSITIONS = {
  accept: { party: "provider", from: "requested", done: "accepted" },
  reject: { party: "provider", from: "requested", done: "rejected" },
  deliver: { party: "provider", from: "accepted", done: "delivered" },
  cancel: { party: "requester", from: "requested", done: "cancelled" },
  confirm: { party: "requester", from: "delivered", done: "confirmed" },
  dispute: { party: "requester", from: "delivered", done: "disputed" },
  expire: { party: "anyone", from: "requested or accepted", done: "expired" },
} as const;
type TransitionAction = keyof typeof TRANSITIONS;

const ACTIONS = ["create", ...Object.keys(TRANSITIONS), "show", "list", "timeline"];

/** What happens next to an order in each state. */
const NEXT: Record<OrderState, string> = {
  none: "it does not exist",
  requested: "the credit agency accepts or rejects it next, or the bank cancels it",
  accepted: "the credit agency delivers the report next",
  delivered: "the bank confirms or disputes the report next",
  rejected: "that is final",
  cancelled: "that is final",
  expired: "that is final",
  confirmed: "that is final",
  disputed: "that is final",
};

export const orderCommand: Command = {
  summary: "Credit report orders: a bank orders, a credit agency delivers, with the subject's consent.",
  usage: `order create --provider <agency> --subject <enterprise> --consent <consent-id> --deadline <when> [--product <code>] [--request <file>]
       crossproof order accept <order-id>                  (the credit agency)
       crossproof order reject <order-id> --reason <code>  (the credit agency)
       crossproof order deliver <order-id> <report file> [--force]   (the credit agency)
       crossproof order confirm <order-id>                 (the bank)
       crossproof order dispute <order-id> --reason <code> (the bank)
       crossproof order cancel <order-id>                  (the bank, before acceptance)
       crossproof order expire <order-id>                  (anyone, once the deadline passed)
       crossproof order show <order-id>
       crossproof order list --requester <address> | --provider <address> | --subject <address> | --state <state>
       crossproof order timeline <order-id>

A recognised bank (--key) orders a credit report about a subject enterprise from a recognised
credit agency, naming the enterprise's consent to the bank for the purpose credit-report covering
the credit-report schema (\`crossproof consent check\`); placing the order uses the consent once.
--deadline is when the report is due: an ISO 8601 date or a duration from now such as 14d (at most
the order book's maximum, 30 days on a standard deployment). --request <file> records the SHA-256
of an off-chain request document; --product and --reason take codes such as enterprise-credit-basic.

\`deliver\` anchors the report file's fingerprint (fresh salt) under the credit-report schema as the
credit agency, writes <report file>${PACKAGE_SUFFIX} beside it, and delivers the fingerprint. The report
and its package travel to the bank off chain; the bank checks them with \`crossproof verify <report file>\`
before it confirms. Run again after a failure, \`deliver\` reuses the package it wrote; --force
replaces a package that belongs to something else.

\`timeline\` rebuilds an order's history from the chain's events alone, as a regulator's node does.
States: requested, accepted, rejected, cancelled, expired, delivered, confirmed, disputed.`,
  options: {
    provider: { type: "string" },
    subject: { type: "string" },
    consent: { type: "string" },
    product: { type: "string" },
    request: { type: "string" },
    deadline: { type: "string" },
    reason: { type: "string" },
    requester: { type: "string" },
    state: { type: "string" },
    force: { type: "boolean", default: false },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new UsageError(`Use: crossproof order ${ACTIONS.join("|")} (see --help).`);
    }
    switch (action) {
      case "create":
        return create(rest, values, global);
      case "deliver":
        return deliver(rest, values, global);
      case "show":
        return show(rest, global);
      case "list":
        return list(rest, values, global);
      case "timeline":
        return timeline(rest, global);
      default:
        return transition(action as TransitionAction, rest, values, global);
    }
  },
};

// ---------------------------------------------------------------- create

async function create(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("order create", rest);
  const provider = expectAddress(values.provider, "--provider");
  const subject = expectAddress(values.subject, "--subject");
  const consentId = expectId(requireString(values.consent, "--consent <consent-id>"), "--consent");
  const productCode = values.product === undefined ? zeroHash : codeOf(String(values.product), "--product");
  if (values.deadline === undefined) {
    throw new UsageError(
      "order create needs --deadline: when the report is due, a date (2027-06-30) or a duration (14d).",
    );
  }
  const deadline = parseWhen(values.deadline, "--deadline");
  const requestHash = values.request === undefined ? zeroHash : await hashRequest(values.request);

  const context = await connect(global);
  const bank = signer(global, context);
  const creditOrderBook = orderBookOf(context);
  const now = await chainTime(context);
  const responseDeadline = resolveWhen(deadline, now);
  const maxResponseTime = await readContract(context.publicClient, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "maxResponseTime",
  });
  if (responseDeadline <= now) {
    throw new UsageError(
      `--deadline ${isoOf(responseDeadline)} is not in the future (the chain's time is ${isoOf(now)}).`,
    );
  }
  if (responseDeadline > now + maxResponseTime) {
    throw new UsageError(
      `--deadline ${isoOf(responseDeadline)} is too far away: the order book allows at most ${days(maxResponseTime)} from now.`,
    );
  }
  const situation: Situation = { action: "order create", caller: bank.account.address };
  const { orderId, transactionHash } = await requestOrder(bank, {
    creditOrderBook,
    order: { provider, subject, productCode, consentId, requestHash, responseDeadline },
  }).catch((error: unknown) => {
    throw explainOrderRevert(error, situation);
  });
  if (global.json) {
    printJson({
      orderId,
      requester: bank.account.address,
      provider,
      subject,
      consentId,
      productCode: productCode === zeroHash ? null : codeText(productCode),
      requestHash: requestHash === zeroHash ? null : requestHash,
      responseDeadline: isoOf(responseDeadline),
      transactionHash,
    });
  } else {
    printLine(`Placed order ${orderId}`);
    printLine(
      `  with ${provider} about ${subject}, due ${isoOf(responseDeadline)}; consent ${consentId} used once, in ${transactionHash}.`,
    );
    printLine(`  The credit agency accepts it with: crossproof order accept ${orderId}`);
  }
  return ExitCode.ok;
}

/** SHA-256 of the off-chain request document (the SDK's hashDocument). */
async function hashRequest(value: string | boolean): Promise<Hex> {
  const file = requireString(value, "--request <file>");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read the request document ${file}: ${(error as NodeJS.ErrnoException).code ?? "read error"}.`,
      { cause: error },
    );
  }
  return hashDocument(bytes);
}

// ---------------------------------------------------------------- accept, reject, cancel, confirm, dispute, expire

async function transition(
  action: TransitionAction,
  rest: string[],
  values: Values,
  global: GlobalOptions,
): Promise<number> {
  const needsReason = action === "reject" || action === "dispute";
  const orderId = oneId(rest, `order ${action} <order-id>${needsReason ? " --reason <code>" : ""}`, "order");
  let reasonCode: Hex = zeroHash;
  if (needsReason) {
    if (values.reason === undefined) {
      throw new UsageError(`order ${action} needs --reason <code>, e.g. --reason subject-unknown.`);
    }
    reasonCode = codeOf(String(values.reason), "--reason");
  } else if (values.reason !== undefined) {
    throw new UsageError(`--reason applies to order reject and order dispute only.`);
  }
  const context = await connect(global);
  const wallet = signer(global, context);
  const creditOrderBook = orderBookOf(context);
  const parameters = { creditOrderBook, orderId };
  const situation: Situation = { action: `order ${action}`, caller: wallet.account.address };
  let transactionHash: Hex;
  try {
    ({ transactionHash } = await (action === "accept"
      ? acceptOrder(wallet, parameters)
      : action === "reject"
        ? rejectOrder(wallet, { ...parameters, reasonCode })
        : action === "cancel"
          ? cancelOrder(wallet, parameters)
          : action === "confirm"
            ? confirmOrder(wallet, parameters)
            : action === "dispute"
              ? disputeOrder(wallet, { ...parameters, reasonCode })
              : expireOrder(wallet, parameters)));
  } catch (error) {
    throw explainOrderRevert(error, situation);
  }
  const done = TRANSITIONS[action].done;
  if (global.json) {
    printJson({
      orderId,
      state: done,
      actor: wallet.account.address,
      ...(needsReason ? { reason: codeText(reasonCode) } : {}),
      transactionHash,
    });
  } else {
    printLine(
      `Order ${orderId} ${done}${needsReason ? ` (reason ${codeText(reasonCode)})` : ""} in ${transactionHash}; ${NEXT[done]}.`,
    );
  }
  return ExitCode.ok;
}

// ---------------------------------------------------------------- deliver

async function deliver(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  const [id, file, ...extra] = rest;
  if (!id || !file || extra.length > 0) {
    throw new UsageError(
      "Give the order id and the report file: crossproof order deliver <order-id> <report file>.",
    );
  }
  const orderId = expectId(id, "The order id");
  const documentHash = await hashFile(file);
  const packagePath = file + PACKAGE_SUFFIX;
  const force = values.force === true;

  const context = await connect(global);
  const agency = signer(global, context);
  const creditOrderBook = orderBookOf(context);
  const fingerprintRegistry = getAddress(context.manifest.contracts.FingerprintRegistry);
  const situation: Situation = { action: "order deliver", caller: agency.account.address };
  try {
    // Would the order book take a delivery from this account now? Asked before anything is anchored.
    await preflightDelivery(context, agency, creditOrderBook, orderId);
    const schemaId = await readContract(context.publicClient, {
      address: creditOrderBook,
      abi: creditOrderBookAbi,
      functionName: "creditReportSchema",
    });
    const schema = await requireSchema(
      context.publicClient,
      context.manifest.contracts.SchemaRegistry as Hex,
      schemaId,
    );

    let dataPackage = existsSync(packagePath)
      ? await reusablePackage(context, {
          packagePath,
          documentHash,
          schemaId,
          issuer: agency.account.address,
          deliverable: (fingerprint) => deliverable(context, agency, creditOrderBook, orderId, fingerprint),
        })
      : undefined;
    const reused = dataPackage !== undefined;
    if (!dataPackage) {
      if (existsSync(packagePath) && !force) {
        throw new UsageError(
          `${packagePath} exists but is not this report's anchor for order ${orderId} (by ${agency.account.address} under ${schema.name}@${schema.version}, since the order was placed, for no other order); pass --force to anchor the report afresh and replace it.`,
        );
      }
      // The anchor command's single-document path: fresh salt, one anchor, the package beside the file.
      const salt = randomSalt();
      const fingerprint = computeFingerprint({ documentHash, salt });
      const { transactionHash, receipt } = await anchorFingerprint(agency, {
        fingerprintRegistry,
        fingerprint,
        schemaIndex: schema.index,
      });
      dataPackage = createDataPackage({
        chainId: context.chainId,
        registry: fingerprintRegistry,
        schemaId,
        issuer: agency.account.address,
        expiresAt: 0,
        salt,
        fingerprint,
        anchor: { kind: "single", transactionHash, blockNumber: Number(receipt.blockNumber) },
      });
      await writePackageFile(file, dataPackage);
      if (!global.json) {
        printLine(
          `Anchored ${file} as ${fingerprint} under ${schema.name}@${schema.version} (${transactionHash}).`,
        );
      }
    }
    const { transactionHash } = await deliverOrder(agency, {
      creditOrderBook,
      orderId,
      reportFingerprint: dataPackage.fingerprint,
    });
    if (global.json) {
      printJson({
        orderId,
        state: "delivered",
        reportFingerprint: dataPackage.fingerprint,
        package: packagePath,
        anchorTransactionHash: dataPackage.anchor.transactionHash,
        reusedPackage: reused,
        transactionHash,
      });
    } else {
      printLine(
        `Delivered order ${orderId} with report fingerprint ${dataPackage.fingerprint} in ${transactionHash}.`,
      );
      printLine(
        `  Send ${file} and ${packagePath} to the bank; it checks them with: crossproof verify ${file}`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    throw explainOrderRevert(error, situation);
  }
}

/**
 * Simulates `deliver` with a fingerprint nobody anchored: the order book then refuses with
 * ReportNotAnchored exactly when everything else (party, state, deadline, recognition) is in order.
 */
async function preflightDelivery(
  context: ChainContext,
  agency: SigningClient,
  creditOrderBook: Address,
  orderId: Hex,
): Promise<void> {
  try {
    await simulateContract(context.publicClient, {
      address: creditOrderBook,
      abi: creditOrderBookAbi,
      functionName: "deliver",
      args: [orderId, zeroHash],
      account: agency.account.address,
    });
  } catch (error) {
    const converted = toCrossproofError(error, "deliver");
    if (converted instanceof ContractRevertError && converted.errorName === "ReportNotAnchored") return;
    throw converted;
  }
}

/**
 * Whether the order book would take `fingerprint` for this order now (anchored since the order was
 * placed, delivered for no other order). Party, state and deadline were checked by the preflight.
 */
async function deliverable(
  context: ChainContext,
  agency: SigningClient,
  creditOrderBook: Address,
  orderId: Hex,
  fingerprint: Hex,
): Promise<boolean> {
  try {
    await simulateContract(context.publicClient, {
      address: creditOrderBook,
      abi: creditOrderBookAbi,
      functionName: "deliver",
      args: [orderId, fingerprint],
      account: agency.account.address,
    });
    return true;
  } catch (error) {
    const converted = toCrossproofError(error, "deliver");
    if (
      converted instanceof ContractRevertError &&
      (converted.errorName === "ReportNotAnchored" || converted.errorName === "ReportAlreadyDelivered")
    ) {
      return false;
    }
    throw converted;
  }
}

/**
 * The existing package, when it is this file's valid anchor by `issuer` under the credit-report
 * schema that the order book would take for this order.
 */
async function reusablePackage(
  context: ChainContext,
  {
    packagePath,
    documentHash,
    schemaId,
    issuer,
    deliverable: canDeliver,
  }: {
    packagePath: string;
    documentHash: Hex;
    schemaId: Hex;
    issuer: Address;
    deliverable: (fingerprint: Hex) => Promise<boolean>;
  },
): Promise<DataPackage | undefined> {
  let dataPackage: DataPackage;
  try {
    dataPackage = await readPackage(packagePath);
  } catch {
    return undefined;
  }
  const registry = context.manifest.contracts.FingerprintRegistry;
  if (
    dataPackage.chainId !== context.chainId ||
    dataPackage.registry.toLowerCase() !== registry.toLowerCase() ||
    dataPackage.issuer.toLowerCase() !== issuer.toLowerCase() ||
    dataPackage.schemaId !== schemaId.toLowerCase() ||
    dataPackage.anchor.kind !== "single" ||
    computeFingerprint({ documentHash, salt: dataPackage.salt }) !== dataPackage.fingerprint
  ) {
    return undefined;
  }
  const record = await verifyFingerprint(context.publicClient, {
    fingerprintRegistry: getAddress(registry),
    fingerprint: dataPackage.fingerprint,
  });
  if (record.status !== "valid") return undefined;
  return (await canDeliver(dataPackage.fingerprint)) ? dataPackage : undefined;
}

// ---------------------------------------------------------------- show, list, timeline

async function show(rest: string[], global: GlobalOptions): Promise<number> {
  const orderId = oneId(rest, "order show <order-id>", "order");
  const context = await connect(global);
  const order = await getOrder(context.publicClient, {
    creditOrderBook: orderBookOf(context),
    orderId,
  }).catch((error: unknown) => {
    throw explainOrderRevert(error, { action: "order show" });
  });
  if (global.json) {
    printJson(serialiseOrder(order));
    return ExitCode.ok;
  }
  const { request } = order;
  const state =
    order.effectiveState === order.state
      ? order.state
      : `${order.state}, effectively ${order.effectiveState} (the deadline passed; anyone may record it: crossproof order expire ${order.id})`;
  printLine(`Order ${order.id}`);
  printLine(`  state       ${state}`);
  printLine(`  next        ${NEXT[order.effectiveState]}`);
  printLine(`  requester   ${order.requester} (bank)`);
  printLine(`  provider    ${request.provider} (credit agency)`);
  printLine(`  subject     ${request.subject}`);
  printLine(`  consent     ${request.consentId}`);
  printLine(`  product     ${request.productCode === zeroHash ? "-" : codeText(request.productCode)}`);
  printLine(`  request     ${request.requestHash === zeroHash ? "-" : `sha256 ${request.requestHash}`}`);
  printLine(`  requested   ${order.requestedAt.toISOString()}`);
  printLine(`  updated     ${order.updatedAt.toISOString()}`);
  printLine(`  deadline    ${isoOf(request.responseDeadline)}`);
  printLine(`  report      ${order.reportFingerprint === zeroHash ? "-" : order.reportFingerprint}`);
  if (order.reasonCode !== zeroHash) printLine(`  reason      ${codeText(order.reasonCode)}`);
  return ExitCode.ok;
}

async function list(rest: string[], values: Values, global: GlobalOptions): Promise<number> {
  noPositionals("order list", rest);
  const given = (["requester", "provider", "subject", "state"] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (given.length !== 1) {
    throw new UsageError(
      "order list needs exactly one of --requester, --provider, --subject <address> or --state <state>.",
    );
  }
  const flag = given[0]!;
  let filter: { requester?: Address; provider?: Address; subject?: Address; state?: OrderState };
  if (flag === "state") {
    const state = requireString(values.state, "--state <state>");
    orderStateIndex(state);
    filter = { state: state as OrderState };
  } else {
    filter = { [flag]: expectAddress(values[flag], `--${flag}`) };
  }
  const context = await connect(global);
  const orders = await listOrders(context.publicClient, { creditOrderBook: orderBookOf(context), ...filter });
  if (global.json) printJson(orders.map(serialiseOrder));
  else if (orders.length === 0) printLine("No orders.");
  else
    for (const order of orders)
      printLine(
        `${order.id}  ${order.effectiveState.padEnd(9)}  bank ${order.requester} -> agency ${order.request.provider}  about ${order.request.subject}  due ${isoOf(order.request.responseDeadline)}`,
      );
  return ExitCode.ok;
}

/** One step of an order's history, labelled for people. */
type Step = TimelineEntry & { step: string; role: string | undefined };

async function timeline(rest: string[], global: GlobalOptions): Promise<number> {
  const orderId = oneId(rest, "order timeline <order-id>", "order");
  const context = await connect(global);
  const creditOrderBook = orderBookOf(context);
  const entries = await orderTimeline(context.publicClient, {
    creditOrderBook,
    consentRegistry: consentRegistryOf(context),
    orderId,
    fromBlock: BigInt(context.manifest.startBlock),
  });
  if (entries.length === 0) {
    throw new UsageError(`No order ${orderId} on this chain (no events); see \`crossproof order list\`.`);
  }
  const steps = labelSteps(reorderRequest(entries), creditOrderBook);
  if (global.json) {
    printJson({
      orderId,
      entries: steps.map((step) => ({ ...step, at: step.at.toISOString() })),
    });
    return ExitCode.ok;
  }
  printLine(`Order ${orderId}`);
  for (const step of steps) {
    const actor = `${step.actor}${step.role ? ` (${step.role})` : ""}`;
    printLine(
      `  ${step.at.toISOString()}  ${step.step.padEnd(16)}  by ${actor}${step.detail ? `  ${step.detail}` : ""}  [block ${step.blockNumber.toString()}]`,
    );
  }
  return ExitCode.ok;
}

/**
 * The request and the consent use it causes share one transaction, where the use is logged first;
 * a person reads "requested, consent consumed", so the request is shown first.
 */
function reorderRequest(entries: TimelineEntry[]): TimelineEntry[] {
  const out = [...entries];
  for (let i = 0; i + 1 < out.length; i++) {
    const [first, second] = [out[i]!, out[i + 1]!];
    if (
      first.event === "ConsentConsumed" &&
      second.event === "OrderRequested" &&
      first.transactionHash === second.transactionHash
    ) {
      out[i] = second;
      out[i + 1] = first;
    }
  }
  return out;
}

function labelSteps(entries: TimelineEntry[], creditOrderBook: Address): Step[] {
  const requested = entries.find((entry) => entry.event === "OrderRequested");
  const requester = requested?.actor.toLowerCase();
  const provider = /from (0x[0-9a-fA-F]{40})/.exec(requested?.detail ?? "")?.[1]?.toLowerCase();
  const subject = /about (0x[0-9a-fA-F]{40})/.exec(requested?.detail ?? "")?.[1]?.toLowerCase();
  const roleOf = (actor: Address): string | undefined => {
    const lower = actor.toLowerCase();
    if (lower === creditOrderBook.toLowerCase()) return "order book, for the bank";
    if (lower === requester) return "bank";
    if (lower === provider) return "credit agency";
    if (lower === subject) return "subject";
    return undefined;
  };
  return entries.map((entry) => {
    let detail = entry.detail;
    if (entry.event === "OrderStateChanged" && detail) {
      if (entry.state === "delivered") detail = `report ${detail}`;
      else if (entry.state === "rejected" || entry.state === "disputed")
        detail = `reason ${codeText(detail as Hex)}`;
    }
    return { ...entry, detail, step: stepOf(entry), role: roleOf(entry.actor) };
  });
}

/** An order event is named by the state it leads to; a consent event in words ("consent consumed"). */
function stepOf(entry: TimelineEntry): string {
  if (entry.event === "OrderRequested" || entry.event === "OrderStateChanged") return entry.state;
  return entry.event.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase();
}

function serialiseOrder(order: Order) {
  const { request } = order;
  return {
    orderId: order.id,
    state: order.state,
    effectiveState: order.effectiveState,
    requester: order.requester,
    provider: request.provider,
    subject: request.subject,
    consentId: request.consentId,
    productCode: request.productCode === zeroHash ? null : codeText(request.productCode),
    requestHash: request.requestHash === zeroHash ? null : request.requestHash,
    responseDeadline: isoOf(request.responseDeadline),
    requestedAt: order.requestedAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    reportFingerprint: order.reportFingerprint === zeroHash ? null : order.reportFingerprint,
    reason: order.reasonCode === zeroHash ? null : codeText(order.reasonCode),
  };
}

// ---------------------------------------------------------------- helpers

function orderBookOf(context: ChainContext): Address {
  return getAddress(context.manifest.contracts.CreditOrderBook);
}

function days(seconds: bigint): string {
  return seconds % 86_400n === 0n
    ? `${(seconds / 86_400n).toString()} days`
    : `${seconds.toString()} seconds`;
}

/** IIssuerRegistry.IssuerType values the order book checks. */
const ISSUER_TYPE_NAMES: Record<number, { name: string; flag: string }> = {
  5: { name: "bank", flag: "bank" },
  6: { name: "credit agency", flag: "credit-agency" },
};

/**
 * A contract rejection of an order action as a sentence that says what to do (consent rejections
 * too: placing an order uses the subject's consent). Other errors pass through unchanged.
 */
export function explainOrderRevert(error: unknown, situation: Situation): unknown {
  const consent = explainRevert(error, situation);
  if (consent !== error) return consent;
  if (!(error instanceof ContractRevertError) || error.errorName === undefined) return error;
  const name = error.errorName;
  const args = error.errorArgs ?? [];
  const text = orderSentence(name, args, situation);
  if (text === undefined) return error;
  if (name === "OrderNotFound") return new UsageError(`${text} (${name})`);
  return new ContractRevertError(`${text} (${name})`, { errorName: name, errorArgs: args, cause: error });
}

function orderSentence(name: string, args: readonly unknown[], situation: Situation): string | undefined {
  const action = situation.action.replace(/^order /, "");
  const id = String(args[0]);
  const transition = TRANSITIONS[action as TransitionAction] as
    (typeof TRANSITIONS)[TransitionAction] | undefined;
  switch (name) {
    case "OrderNotFound":
      return `No order has the id ${id}; see \`crossproof order list --requester <bank>\`.`;
    case "NotRecognizedAs": {
      const account = String(args[0]);
      const type = ISSUER_TYPE_NAMES[Number(args[1])] ?? {
        name: `issuer of type ${String(args[1])}`,
        flag: "…",
      };
      if (situation.caller && account.toLowerCase() !== situation.caller.toLowerCase()) {
        return `${account} is not a recognised ${type.name}; order from one listed by \`crossproof issuer list --type ${type.flag}\`.`;
      }
      return `Your account ${account} is not a recognised ${type.name}, so it may not ${action} orders: apply with \`crossproof issuer apply --type ${type.flag}\` and have the committee recognise it (or reinstate it, if it was suspended).`;
    }
    case "NotOrderParty": {
      const expected = String(args[2]);
      const role =
        transition?.party === "requester"
          ? "the bank that placed it"
          : transition?.party === "provider"
            ? "the credit agency it was sent to"
            : "its party";
      return `Only ${expected}, ${role}, may ${action} order ${id}; this key is ${String(args[1])}. Use ${expected}'s --key.`;
    }
    case "InvalidTransition": {
      const state = stateName(args[1]);
      const need = transition
        ? `only ${transition.from} orders can be ${transition.done}`
        : "this is not allowed now";
      return `Order ${id} is ${state}, so it cannot be ${transition?.done ?? action}: ${need}, and ${NEXT[state]}.`;
    }
    case "InvalidDeadline":
      return `The response deadline ${isoOf(args[0] as bigint)} must be in the future and within the order book's maximum response time; choose another --deadline.`;
    case "ConsentSubjectMismatch":
      return `Consent ${id} was not granted by the subject ${String(args[1])}: an order needs the subject's own consent (\`crossproof consent list --owner ${String(args[1])}\`).`;
    case "OrderDeadlinePassed":
      return `Order ${id}'s response deadline ${isoOf(args[1] as bigint)} has passed: it can only expire now (\`crossproof order expire ${id}\`).`;
    case "OrderNotExpired":
      return `Order ${id} can expire only after its response deadline, ${isoOf(args[1] as bigint)}.`;
    case "ReportNotAnchored":
      return `The report fingerprint ${String(args[1])} is not a valid record this credit agency anchored under the credit-report schema since order ${id} was placed; let \`crossproof order deliver <order-id> <report file>\` anchor the report (with --force if an older package sits beside it).`;
    case "ReportAlreadyDelivered":
      return `This report (${String(args[0])}) was delivered for order ${String(args[1])} already: a report answers one order. Deliver a report made for order ${id} (pass --force to anchor this file afresh).`;
    case "MissingReason":
      return "A reason code is required: pass --reason <code>.";
    case "IssuerNotAccredited":
      return `${String(args[0])} may not anchor credit reports: it is not accredited for the credit-report schema. The committee grants it (\`crossproof gov propose schema-grant ${String(args[0])} credit.report@1.0\`).`;
    default:
      return undefined;
  }
}

function stateName(value: unknown): OrderState {
  return orderStates[Number(value)] ?? "none";
}
