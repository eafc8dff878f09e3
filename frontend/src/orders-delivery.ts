/**
 * The Orders page's chain work beyond single SDK calls: a credit agency's delivery from the
 * browser, done as `crossproof order deliver` does it (ask the order book first, anchor the
 * report's salted fingerprint under the credit-report schema, build the data package, deliver),
 * and the order's timeline labelled for people. The report never leaves the browser. The salt is
 * kept in localStorage before the anchor is sent, so a failed or declined delivery is retried with
 * the same anchor instead of a second one, and the package can be downloaded again later. While the
 * committee has paused the fingerprint registry, only such an earlier anchor can be delivered
 * (`earlierAnchor`, `whilePaused`).
 */
import { getAddress, zeroHash, type Address, type Hex, type PublicClient } from "viem";
import { readContract, simulateContract } from "viem/actions";

import { creditOrderBookAbi } from "../../src/sdk/abis.ts";
import { toCrossproofError, type SigningClient } from "../../src/sdk/actions/transact.ts";
import { codeText } from "../../src/sdk/consent/consent.ts";
import { deliverOrder, type TimelineEntry } from "../../src/sdk/credit/orders.ts";
import { ContractRevertError, RegistryPausedError } from "../../src/sdk/errors.ts";
import {
  anchorFingerprint,
  getSchemaIndex,
  isRegistryPaused,
  verifyFingerprint,
} from "../../src/sdk/fingerprints/actions.ts";
import { findAnchorTransactions } from "../../src/sdk/fingerprints/events.ts";
import { createDataPackage, parseDataPackage, type DataPackage } from "../../src/sdk/fingerprints/package.ts";
import { computeFingerprint, randomSalt } from "../../src/sdk/fingerprints/spec.ts";
import { describeRevert } from "../../src/sdk/revert-messages.ts";
import type { AppConfig } from "./config.ts";
import { formatTime } from "./format.ts";
import { hashFile } from "./issuing.ts";

/** What the browser keeps per delivery: never the report, only what rebuilds its package. */
export type DeliveryRecord = {
  version: 1;
  orderId: Hex;
  agency: Address;
  reportName: string;
  documentHash: Hex;
  salt: Hex;
  fingerprint: Hex;
  /** Set once the anchor is mined. */
  dataPackage?: DataPackage;
};

function storageKey(chainId: number, orderId: Hex): string {
  return `crossproof.delivery.${chainId}.${orderId.toLowerCase()}`;
}

/** The delivery this browser made (or started) for the order, if any. */
export function readDelivery(chainId: number, orderId: Hex): DeliveryRecord | undefined {
  try {
    const text = localStorage.getItem(storageKey(chainId, orderId));
    if (text === null) return undefined;
    const record = JSON.parse(text) as Partial<DeliveryRecord>;
    if (
      record.version !== 1 ||
      !record.orderId ||
      !record.agency ||
      !record.reportName ||
      !record.documentHash ||
      !record.salt ||
      !record.fingerprint
    )
      return undefined;
    return {
      version: 1,
      orderId: record.orderId,
      agency: record.agency,
      reportName: record.reportName,
      documentHash: record.documentHash,
      salt: record.salt,
      fingerprint: record.fingerprint,
      ...(record.dataPackage
        ? { dataPackage: parseDataPackage(record.dataPackage, "the saved package") }
        : {}),
    };
  } catch {
    return undefined;
  }
}

function saveDelivery(chainId: number, record: DeliveryRecord): void {
  localStorage.setItem(storageKey(chainId, record.orderId), JSON.stringify(record));
}

/**
 * Asks the order book whether it would take `fingerprint` from `agency` for the order now.
 * Resolves with the report error it gives (ReportNotAnchored, ReportAlreadyDelivered) or undefined
 * when it would take it; any other refusal (party, state, deadline) is thrown.
 */
async function deliveryCheck(
  reader: PublicClient,
  creditOrderBook: Address,
  agency: Address,
  orderId: Hex,
  fingerprint: Hex,
): Promise<ContractRevertError | undefined> {
  try {
    await simulateContract(reader, {
      address: creditOrderBook,
      abi: creditOrderBookAbi,
      functionName: "deliver",
      args: [orderId, fingerprint],
      account: agency,
    });
    return undefined;
  } catch (error) {
    const converted = toCrossproofError(error, "deliver");
    if (
      converted instanceof ContractRevertError &&
      (converted.errorName === "ReportNotAnchored" || converted.errorName === "ReportAlreadyDelivered")
    )
      return converted;
    throw converted;
  }
}

export type DeliveryOutcome = { dataPackage: DataPackage; transactionHash: Hex; reused: boolean };

/**
 * What this browser's earlier attempt at delivering the order offers instead of a new anchor:
 * - `none`: no attempt by this agency;
 * - `unchecked`: an attempt, not yet compared with the chosen report (nothing hashed yet);
 * - `other-report`: the chosen report is not the one of that attempt;
 * - `refused`: it is, but its anchor cannot be delivered (`why`: not on the chain, or the order
 *   book's refusal);
 * - `reusable`: its anchor, to deliver as it is.
 */
export type EarlierAnchor =
  | { kind: "none" }
  | { kind: "unchecked"; record: DeliveryRecord }
  | { kind: "other-report"; record: DeliveryRecord }
  | { kind: "refused"; record: DeliveryRecord; why: string }
  | { kind: "reusable"; record: DeliveryRecord; dataPackage: DataPackage };

/** The earlier attempt this browser kept for the order, if `agency` made it; nothing is hashed. */
export function earlierAnchor(
  record: DeliveryRecord | undefined,
  agency: Address | undefined,
): EarlierAnchor {
  return record && agency !== undefined && getAddress(record.agency) === getAddress(agency)
    ? { kind: "unchecked", record }
    : { kind: "none" };
}

/**
 * Whether a delivery can go on while the registry is paused, given what the earlier attempt
 * offers, and why: every other case needs a new anchor, which the pause stops. The Orders page
 * enables its button and words its hint from this (before a report is chosen: `none` or
 * `unchecked`); `deliverReport` refuses with it once it knows the actual result.
 */
export function whilePaused(earlier: EarlierAnchor): { allowed: boolean; reason: string } {
  const wait = "a new anchor must wait until the registry is unpaused";
  switch (earlier.kind) {
    case "none":
      return {
        allowed: false,
        reason: "Delivering a report needs a new anchor, which must wait until the registry is unpaused.",
      };
    case "unchecked":
      return {
        allowed: true,
        reason: `This browser began delivering ${earlier.record.reportName} for this order before the pause: choose that same file to deliver its earlier anchor, if that anchor is on the chain; for any other report, ${wait}.`,
      };
    case "other-report":
      return {
        allowed: false,
        reason: `This file is not ${earlier.record.reportName}, the report this browser began delivering for this order before the pause, and ${wait}.`,
      };
    case "refused":
      return {
        allowed: false,
        reason: `The earlier anchor of ${earlier.record.reportName} cannot be delivered (${earlier.why}), and ${wait}.`,
      };
    case "reusable":
      return {
        allowed: true,
        reason: `The earlier anchor of ${earlier.record.reportName} can be delivered.`,
      };
  }
}

/**
 * Delivers `report` for the order as the connected credit agency: the order book is asked first
 * (a wrong party, state or deadline stops it before anything is anchored), then the report's
 * fingerprint is anchored with a fresh salt (or the anchor of an earlier attempt with the same
 * report is reused), then delivered. While the registry is paused, anything but that earlier
 * anchor is refused with a `RegistryPausedError` (`whilePaused`): nothing is sent and the earlier
 * record is kept, and without an earlier attempt to compare it with, the report is not even hashed.
 */
export async function deliverReport({
  reader,
  client,
  config,
  orderId,
  report,
  progress,
}: {
  reader: PublicClient;
  client: SigningClient;
  config: AppConfig;
  orderId: Hex;
  report: File;
  progress: (text: string) => void;
}): Promise<DeliveryOutcome> {
  const agency = getAddress(client.account.address);
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const fingerprintRegistry = getAddress(config.contracts.FingerprintRegistry);
  progress("Asking the order book whether it takes a delivery from you…");
  await deliveryCheck(reader, creditOrderBook, agency, orderId, zeroHash);
  const [schemaId, paused] = await Promise.all([
    readContract(reader, {
      address: creditOrderBook,
      abi: creditOrderBookAbi,
      functionName: "creditReportSchema",
    }),
    isRegistryPaused(reader, { fingerprintRegistry }),
  ]);
  const refuseIfPaused = (earlier: EarlierAnchor) => {
    if (!paused) return;
    const { allowed, reason } = whilePaused(earlier);
    if (!allowed) throw new RegistryPausedError(`${reason} Nothing was sent.`);
  };

  let earlier = earlierAnchor(readDelivery(config.chainId, orderId), agency);
  refuseIfPaused(earlier);
  progress("Computing the report's fingerprint in this browser…");
  const documentHash = await hashFile(report);
  if (earlier.kind === "unchecked") {
    earlier = await checkEarlier(reader, config, { agency, orderId, schemaId, documentHash }, earlier.record);
    refuseIfPaused(earlier);
  }

  let dataPackage: DataPackage;
  if (earlier.kind === "reusable") {
    dataPackage = earlier.dataPackage;
    saveDelivery(config.chainId, { ...earlier.record, reportName: report.name, dataPackage });
  } else {
    const schemaIndex = await getSchemaIndex(reader, {
      schemaRegistry: config.contracts.SchemaRegistry as Hex,
      schemaId,
    });
    const salt = randomSalt();
    const fingerprint = computeFingerprint({ documentHash, salt });
    const record: DeliveryRecord = {
      version: 1,
      orderId,
      agency,
      reportName: report.name,
      documentHash,
      salt,
      fingerprint,
    };
    saveDelivery(config.chainId, record);
    progress("Anchoring the report's fingerprint under the credit-report schema: confirm in your wallet…");
    const { transactionHash, receipt } = await anchorFingerprint(client, {
      fingerprintRegistry,
      fingerprint,
      schemaIndex,
    });
    dataPackage = createDataPackage({
      chainId: config.chainId,
      registry: fingerprintRegistry,
      schemaId,
      issuer: agency,
      expiresAt: 0,
      salt,
      fingerprint,
      anchor: { kind: "single", transactionHash, blockNumber: Number(receipt.blockNumber) },
    });
    saveDelivery(config.chainId, { ...record, dataPackage });
  }

  progress("Delivering the report's fingerprint to the order book: confirm in your wallet…");
  const { transactionHash } = await deliverOrder(client, {
    creditOrderBook,
    orderId,
    reportFingerprint: dataPackage.fingerprint,
  });
  return { dataPackage, transactionHash, reused: earlier.kind === "reusable" };
}

/**
 * Compares the chosen report (`documentHash`) with the earlier attempt, and if it is the same
 * report, finds that attempt's anchor (saved, or recovered from the chain) and asks the order book
 * whether it takes it.
 */
async function checkEarlier(
  reader: PublicClient,
  config: AppConfig,
  {
    agency,
    orderId,
    schemaId,
    documentHash,
  }: { agency: Address; orderId: Hex; schemaId: Hex; documentHash: Hex },
  record: DeliveryRecord,
): Promise<EarlierAnchor> {
  if (record.documentHash !== documentHash) return { kind: "other-report", record };
  const dataPackage = record.dataPackage ?? (await recoverPackage(reader, config, record, schemaId));
  if (!dataPackage) return { kind: "refused", record, why: "it is not on the chain" };
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const refusal = await deliveryCheck(reader, creditOrderBook, agency, orderId, dataPackage.fingerprint);
  if (refusal === undefined) return { kind: "reusable", record, dataPackage };
  const sentence = refusal.errorName && describeRevert(refusal.errorName, refusal.errorArgs ?? []);
  return { kind: "refused", record, why: (sentence ?? refusal.message).replace(/\.$/, "") };
}

/** The package of an earlier attempt whose anchor was mined but not saved (the tab closed, say). */
async function recoverPackage(
  reader: PublicClient,
  config: AppConfig,
  record: DeliveryRecord,
  schemaId: Hex,
): Promise<DataPackage | undefined> {
  const fingerprintRegistry = getAddress(config.contracts.FingerprintRegistry);
  const found = await verifyFingerprint(reader, { fingerprintRegistry, fingerprint: record.fingerprint });
  if (found.status !== "valid" || getAddress(found.issuer) !== getAddress(record.agency)) return undefined;
  const { fingerprints } = await findAnchorTransactions(reader, {
    fingerprintRegistry,
    issuer: record.agency,
    fromBlock: BigInt(config.startBlock),
  });
  const anchor = fingerprints.get(record.fingerprint);
  if (!anchor) return undefined;
  return createDataPackage({
    chainId: config.chainId,
    registry: fingerprintRegistry,
    schemaId,
    issuer: record.agency,
    expiresAt: 0,
    salt: record.salt,
    fingerprint: record.fingerprint,
    anchor: { kind: "single", ...anchor },
  });
}

/** One step of an order's history, labelled for people. */
export type Step = TimelineEntry & { step: string };

/** A request's deadline as the SDK's timeline writes it (ISO 8601). */
const ISO_DEADLINE = /deadline (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/;

/**
 * The timeline as a person reads it: the request before the consent use it causes (the same
 * transaction logs the use first), each step named by the state it leads to, codes in words,
 * times as everywhere on the pages.
 */
export function labelTimeline(entries: readonly TimelineEntry[]): Step[] {
  const ordered = [...entries];
  for (let i = 0; i + 1 < ordered.length; i++) {
    const [first, second] = [ordered[i]!, ordered[i + 1]!];
    if (
      first.event === "ConsentConsumed" &&
      second.event === "OrderRequested" &&
      first.transactionHash === second.transactionHash
    ) {
      ordered[i] = second;
      ordered[i + 1] = first;
    }
  }
  return ordered.map((entry) => {
    let detail = entry.detail;
    if (entry.event === "OrderRequested")
      detail = detail.replace(
        ISO_DEADLINE,
        (_, iso: string) => `deadline ${formatTime(Date.parse(iso) / 1000)}`,
      );
    if (entry.event === "OrderStateChanged" && detail) {
      if (entry.state === "delivered") detail = `report ${detail}`;
      else if (entry.state === "rejected" || entry.state === "disputed")
        detail = `reason ${codeText(detail as Hex)}`;
    }
    const step =
      entry.event === "ConsentGranted"
        ? "consent granted"
        : entry.event === "ConsentConsumed"
          ? "consent used"
          : entry.state;
    return { ...entry, detail, step };
  });
}
