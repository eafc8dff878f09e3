/**
 * Credit report orders: ids, the CreditOrderBook actions of the bank (request, cancel, confirm,
 * dispute) and of the credit agency (accept, reject, deliver), reads, and the regulator's timeline
 * rebuilt from events alone.
 */
import {
  encodeAbiParameters,
  isAddressEqual,
  keccak256,
  parseEventLogs,
  stringToHex,
  type Address,
  type Client,
  type Hex,
} from "viem";
import { getBlockNumber, readContract } from "viem/actions";

import { consentRegistryAbi, creditOrderBookAbi } from "../abis.ts";
import { blockTimes, getContractEventsInRanges } from "../actions/events.ts";
import {
  transact,
  toCrossproofError,
  type SigningClient,
  type TransactReturnType,
} from "../actions/transact.ts";
import { InvalidInputError } from "../errors.ts";

/** Tag of order ids (contracts/libraries/OrderIds.sol). */
export const ORDER_ID_TAG = stringToHex("crossproof.credit-order.v1", { size: 32 });

/** Order states, in the contract's enum order (ICreditOrderBook.OrderState). */
export const orderStates = [
  "none",
  "requested",
  "accepted",
  "rejected",
  "cancelled",
  "expired",
  "delivered",
  "confirmed",
  "disputed",
] as const;
export type OrderState = (typeof orderStates)[number];

/** The state's enum value; throws InvalidInputError listing the names. */
export function orderStateIndex(state: string): number {
  const index = orderStates.indexOf(state as OrderState);
  if (index <= 0)
    throw new InvalidInputError(
      `"${state}" is not an order state; use one of: ${orderStates.slice(1).join(", ")}.`,
    );
  return index;
}

/**
 * The id of the `index`-th order (0-based) `requester` places, mirroring OrderIds.derive.
 *
 * @example
 * orderIdOf({ requester: bank, index: 0n });
 */
export function orderIdOf({ requester, index }: { requester: Address; index: bigint }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "address" }, { type: "uint256" }],
      [ORDER_ID_TAG, requester, index],
    ),
  );
}

export type OrderRequest = {
  provider: Address;
  subject: Address;
  productCode: Hex;
  consentId: Hex;
  /** SHA-256 of the off-chain request document, or zero. */
  requestHash: Hex;
  /** Unix seconds. */
  responseDeadline: bigint;
};

export type Order = {
  id: Hex;
  requester: Address;
  /** The stored state. */
  state: OrderState;
  /** The state counting an unrecorded expiry. */
  effectiveState: OrderState;
  requestedAt: Date;
  updatedAt: Date;
  reportFingerprint: Hex;
  reasonCode: Hex;
  request: OrderRequest;
};

type Book = { creditOrderBook: Address };

/**
 * The order book's ABI plus the consent registry's errors: `request` lets the registry's refusals
 * through (a consent revoked, exhausted, not in force, not the bank's…), and without their
 * definitions they could not be decoded.
 */
const requestAbi = [
  ...creditOrderBookAbi,
  ...consentRegistryAbi.filter(
    (item): item is Extract<(typeof consentRegistryAbi)[number], { type: "error" }> => item.type === "error",
  ),
];

/**
 * Places an order (a recognised bank): consumes one use of the subject's consent.
 *
 * @example
 * const { orderId } = await requestOrder(bank, { creditOrderBook, order: { provider, subject, productCode, consentId, requestHash, responseDeadline } });
 */
export async function requestOrder(
  client: SigningClient,
  { creditOrderBook, order }: Book & { order: OrderRequest },
): Promise<TransactReturnType & { orderId: Hex }> {
  const result = await transact(client, {
    address: creditOrderBook,
    abi: requestAbi,
    functionName: "request",
    args: [order],
  });
  const [requested] = parseEventLogs({
    abi: creditOrderBookAbi,
    logs: result.receipt.logs,
    eventName: "OrderRequested",
  });
  if (!requested) throw new InvalidInputError(`Transaction ${result.transactionHash} placed no order.`);
  return { ...result, orderId: requested.args.orderId };
}

/** The credit agency accepts the order. */
export function acceptOrder(client: SigningClient, { creditOrderBook, orderId }: Book & { orderId: Hex }) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "accept",
    args: [orderId],
  });
}

/** The credit agency rejects the order with a reason code. */
export function rejectOrder(
  client: SigningClient,
  { creditOrderBook, orderId, reasonCode }: Book & { orderId: Hex; reasonCode: Hex },
) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "reject",
    args: [orderId, reasonCode],
  });
}

/** The bank cancels its order before acceptance. */
export function cancelOrder(client: SigningClient, { creditOrderBook, orderId }: Book & { orderId: Hex }) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "cancel",
    args: [orderId],
  });
}

/** The credit agency delivers: the report's fingerprint, already anchored under the credit-report schema. */
export function deliverOrder(
  client: SigningClient,
  { creditOrderBook, orderId, reportFingerprint }: Book & { orderId: Hex; reportFingerprint: Hex },
) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "deliver",
    args: [orderId, reportFingerprint],
  });
}

/** The bank confirms the delivered report. */
export function confirmOrder(client: SigningClient, { creditOrderBook, orderId }: Book & { orderId: Hex }) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "confirm",
    args: [orderId],
  });
}

/** The bank disputes the delivered report with a reason code. */
export function disputeOrder(
  client: SigningClient,
  { creditOrderBook, orderId, reasonCode }: Book & { orderId: Hex; reasonCode: Hex },
) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "dispute",
    args: [orderId, reasonCode],
  });
}

/** Records the expiry of an order whose deadline passed (anyone). */
export function expireOrder(client: SigningClient, { creditOrderBook, orderId }: Book & { orderId: Hex }) {
  return transact(client, {
    address: creditOrderBook,
    abi: creditOrderBookAbi,
    functionName: "expire",
    args: [orderId],
  });
}

/** Reads one order; throws a ContractRevertError `OrderNotFound` when unknown. */
export async function getOrder(
  client: Client,
  { creditOrderBook, orderId }: Book & { orderId: Hex },
): Promise<Order> {
  try {
    const [found, effective] = await Promise.all([
      readContract(client, {
        address: creditOrderBook,
        abi: creditOrderBookAbi,
        functionName: "order",
        args: [orderId],
      }),
      readContract(client, {
        address: creditOrderBook,
        abi: creditOrderBookAbi,
        functionName: "effectiveState",
        args: [orderId],
      }),
    ]);
    return {
      id: orderId,
      requester: found.requester,
      state: orderStates[found.state] ?? "none",
      effectiveState: orderStates[effective] ?? "none",
      requestedAt: new Date(Number(found.requestedAt) * 1000),
      updatedAt: new Date(Number(found.updatedAt) * 1000),
      reportFingerprint: found.reportFingerprint,
      reasonCode: found.reasonCode,
      request: { ...found.request },
    };
  } catch (error) {
    throw toCrossproofError(error, "reading the order");
  }
}

/** Orders by requester, provider, subject or stored state (exactly one filter). */
export async function listOrders(
  client: Client,
  {
    creditOrderBook,
    requester,
    provider,
    subject,
    state,
  }: Book & { requester?: Address; provider?: Address; subject?: Address; state?: OrderState },
): Promise<Order[]> {
  const filters = [requester, provider, subject, state].filter((value) => value !== undefined);
  if (filters.length !== 1) {
    throw new InvalidInputError("List orders by exactly one of requester, provider, subject or state.");
  }
  const page = [0n, 2n ** 64n] as const;
  try {
    const ids =
      requester !== undefined
        ? await readContract(client, {
            address: creditOrderBook,
            abi: creditOrderBookAbi,
            functionName: "ordersByRequester",
            args: [requester, ...page],
          })
        : provider !== undefined
          ? await readContract(client, {
              address: creditOrderBook,
              abi: creditOrderBookAbi,
              functionName: "ordersByProvider",
              args: [provider, ...page],
            })
          : subject !== undefined
            ? await readContract(client, {
                address: creditOrderBook,
                abi: creditOrderBookAbi,
                functionName: "ordersBySubject",
                args: [subject, ...page],
              })
            : await readContract(client, {
                address: creditOrderBook,
                abi: creditOrderBookAbi,
                functionName: "ordersByState",
                args: [orderStateIndex(state!), ...page],
              });
    return await Promise.all(ids.map((orderId) => getOrder(client, { creditOrderBook, orderId })));
  } catch (error) {
    throw toCrossproofError(error, "listing orders");
  }
}

export type TimelineEntry = {
  at: Date;
  blockNumber: bigint;
  transactionHash: Hex;
  event: "ConsentGranted" | "ConsentConsumed" | "OrderRequested" | "OrderStateChanged";
  actor: Address;
  /** The order's state after the event ("none" before the request; the consent use comes with it). */
  state: OrderState;
  detail: string;
};

/**
 * The order's history as a regulator's observer node rebuilds it: from the order book's and the
 * consent registry's events alone, oldest first.
 *
 * @example
 * for (const entry of await orderTimeline(client, { creditOrderBook, consentRegistry, orderId, fromBlock })) console.log(entry);
 */
export async function orderTimeline(
  client: Client,
  {
    creditOrderBook,
    consentRegistry,
    orderId,
    fromBlock = 0n,
  }: Book & { consentRegistry: Address; orderId: Hex; fromBlock?: bigint },
): Promise<TimelineEntry[]> {
  try {
    // All four reads end at the same block.
    const range = { fromBlock, toBlock: await getBlockNumber(client, { cacheTime: 0 }) };
    const [requested, changed] = await Promise.all([
      getContractEventsInRanges(client, {
        address: creditOrderBook,
        abi: creditOrderBookAbi,
        eventName: "OrderRequested",
        args: { orderId },
        ...range,
      }),
      getContractEventsInRanges(client, {
        address: creditOrderBook,
        abi: creditOrderBookAbi,
        eventName: "OrderStateChanged",
        args: { orderId },
        ...range,
      }),
    ]);
    const entries: (Omit<TimelineEntry, "at"> & { logIndex: number; blockTimestamp?: bigint | null })[] = [];
    const consentId = requested[0]?.args.consentId;
    // The consent's grant and its uses, read by the consent id (indexed) from the order's request.
    const [granted, consumed] = consentId
      ? await Promise.all([
          getContractEventsInRanges(client, {
            address: consentRegistry,
            abi: consentRegistryAbi,
            eventName: "ConsentGranted",
            args: { consentId },
            ...range,
          }),
          getContractEventsInRanges(client, {
            address: consentRegistry,
            abi: consentRegistryAbi,
            eventName: "ConsentConsumed",
            args: { consentId },
            ...range,
          }),
        ])
      : [[], []];
    for (const log of granted) {
      entries.push({
        blockNumber: log.blockNumber,
        blockTimestamp: log.blockTimestamp,
        transactionHash: log.transactionHash,
        logIndex: log.logIndex,
        event: "ConsentGranted",
        actor: log.args.owner!,
        state: "none",
        detail: `consent ${consentId} to ${log.args.grantee}${log.args.relayer && log.args.relayer !== log.args.owner ? `, signed by the owner and relayed by ${log.args.relayer}` : ""}`,
      });
    }
    // The request's own use: emitted by the order book in the request's transaction. A grantee may
    // record a use of its consent itself with any usage reference (this order's id too); that use
    // is the consent's, not the order's.
    const request = requested[0];
    for (const log of consumed) {
      if (
        !request ||
        log.transactionHash !== request.transactionHash ||
        !log.args.consumer ||
        !isAddressEqual(log.args.consumer, creditOrderBook) ||
        log.args.usageReference !== orderId
      )
        continue;
      entries.push({
        blockNumber: log.blockNumber,
        blockTimestamp: log.blockTimestamp,
        transactionHash: log.transactionHash,
        logIndex: log.logIndex,
        event: "ConsentConsumed",
        actor: log.args.consumer,
        state: "requested",
        detail: `consent ${log.args.consentId} of ${log.args.owner} used by ${log.args.grantee} (use ${log.args.uses})`,
      });
    }
    for (const log of requested) {
      entries.push({
        blockNumber: log.blockNumber,
        blockTimestamp: log.blockTimestamp,
        transactionHash: log.transactionHash,
        logIndex: log.logIndex,
        event: "OrderRequested",
        actor: log.args.requester!,
        state: "requested",
        detail: `from ${log.args.provider} about ${log.args.subject}, deadline ${new Date(Number(log.args.responseDeadline) * 1000).toISOString()}`,
      });
    }
    for (const log of changed) {
      const state = orderStates[log.args.state!] ?? "none";
      entries.push({
        blockNumber: log.blockNumber,
        blockTimestamp: log.blockTimestamp,
        transactionHash: log.transactionHash,
        logIndex: log.logIndex,
        event: "OrderStateChanged",
        actor: log.args.actor!,
        state,
        detail: log.args.detail && BigInt(log.args.detail) !== 0n ? log.args.detail : "",
      });
    }
    entries.sort((a, b) =>
      a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
    );
    const times = await blockTimes(client, entries);
    return entries.map(({ logIndex: _logIndex, blockTimestamp: _blockTimestamp, ...entry }) => ({
      ...entry,
      at: times.get(entry.blockNumber)!,
    }));
  } catch (error) {
    throw toCrossproofError(error, "reading the order's events");
  }
}
