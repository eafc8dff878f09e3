/**
 * Orders: the credit order lifecycle from both sides, each action a wallet transaction. The view
 * follows the connected account's standing in the IssuerRegistry: a bank places orders (with a
 * consent the subject gave it), cancels, confirms or disputes them; a credit agency accepts,
 * rejects, and delivers: the report is fingerprinted in this browser, anchored by the agency's
 * wallet under the credit-report schema and delivered, and its data package offered for download
 * (the bank checks report and package on the Verify page). Any other account sees the orders about
 * it. Every order shows its timeline, rebuilt from the chain's events. While the consortium
 * committee has paused the fingerprint registry, an agency is told so and cannot anchor a report.
 */
import { useCallback, useEffect, useId, useState, type ReactNode } from "react";
import { getAddress, zeroHash, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";

import { creditOrderBookAbi } from "../../../src/sdk/abis.ts";
import type { SigningClient } from "../../../src/sdk/actions/transact.ts";
import {
  codeOf,
  codeText,
  consentState,
  listConsents,
  type Consent,
} from "../../../src/sdk/consent/consent.ts";
import {
  acceptOrder,
  cancelOrder,
  confirmOrder,
  disputeOrder,
  expireOrder,
  getOrder,
  listOrders,
  orderTimeline,
  rejectOrder,
  requestOrder,
  type Order,
  type OrderState,
} from "../../../src/sdk/credit/orders.ts";
import { InvalidInputError } from "../../../src/sdk/errors.ts";
import { hashDocument } from "../../../src/sdk/fingerprints/spec.ts";
import { isBytes32 } from "../../../src/sdk/hex.ts";
import { getIssuer, type Issuer } from "../../../src/sdk/issuers/issuers.ts";
import { useApp } from "../app-context.ts";
import { Party, useDirectory, type Directory } from "../consent-parties.tsx";
import { dataUrl, parseUtcInput, usesText, utcInputValue } from "../consent-terms.ts";
import { errorMessage } from "../errors.ts";
import { formatTime } from "../format.ts";
import { parseAddress } from "../inputs.ts";
import { packageText, PACKAGE_SUFFIX } from "../package-file.ts";
import {
  deliverReport,
  earlierAnchor,
  labelTimeline,
  readDelivery,
  whilePaused,
  type Step,
} from "../orders-delivery.ts";
import {
  REGISTRY_PAUSED_NOTICE_ID,
  RegistryPausedNotice,
  useRegistryPause,
  type RegistryPause,
} from "../registry-pause.tsx";
import { followLink } from "../router.ts";
import { ActionStatus, SignerNotice, useAction, useSigner, type Signer } from "../transactions.tsx";

const DAY = 86_400;

type Role =
  | { kind: "unknown" }
  | { kind: "loading" }
  | { kind: "failed"; message: string }
  | { kind: "bank" | "agency" | "other"; issuer: Issuer };

/** The order book's fixed terms. */
type Book = { maxResponseTime: bigint; purpose: Hex; schemaId: Hex };

/** One step of an order's state machine, as a button. */
type Transition = {
  text: string;
  /** What the page says while the wallet and the chain work. */
  progress: string;
  send: (client: SigningClient) => Promise<{ transactionHash: Hex }>;
  /** What the page says once the transaction is in. */
  done: string;
  secondary?: boolean;
};

/** What happens next in each state, for the order's panel. */
const NEXT: Record<OrderState, string> = {
  none: "It does not exist.",
  requested: "The credit agency accepts or rejects it next, or the bank cancels it.",
  accepted: "The credit agency delivers the report next.",
  delivered: "The bank verifies the report and its package, then confirms or disputes it.",
  rejected: "That is final.",
  cancelled: "That is final.",
  expired: "That is final.",
  confirmed: "That is final.",
  disputed: "That is final.",
};

function stateText(order: Order): string {
  if (order.effectiveState === order.state) return order.state;
  return `${order.effectiveState} (its deadline passed while ${order.state}; not yet recorded)`;
}

export function OrdersPage() {
  const { config, reader } = useApp();
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const signer = useSigner();
  const directory = useDirectory();
  const pause = useRegistryPause();
  const account = signer.account;
  const [role, setRole] = useState<Role>({ kind: "unknown" });
  const [book, setBook] = useState<Book>();
  const [orders, setOrders] = useState<{ list: Order[]; now: bigint }>();
  const [ordersError, setOrdersError] = useState<string>();
  const [version, setVersion] = useState(0);
  const [openId, setOpenId] = useState<Hex | undefined>(() => {
    const wanted = new URLSearchParams(window.location.search).get("order");
    return wanted && isBytes32(wanted) ? (wanted.toLowerCase() as Hex) : undefined;
  });

  const refresh = useCallback(() => {
    setVersion((current) => current + 1);
  }, []);
  /** Shows the order, read afresh (opening the order already shown reloads it). */
  const open = useCallback(
    (orderId: Hex) => {
      setOpenId(orderId);
      refresh();
    },
    [refresh],
  );

  useEffect(() => {
    let live = true;
    const read = <name extends "maxResponseTime" | "creditReportPurpose" | "creditReportSchema">(
      functionName: name,
    ) => readContract(reader, { address: creditOrderBook, abi: creditOrderBookAbi, functionName });
    Promise.all([read("maxResponseTime"), read("creditReportPurpose"), read("creditReportSchema")])
      .then(([maxResponseTime, purpose, schemaId]) => {
        if (live) setBook({ maxResponseTime, purpose, schemaId });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [creditOrderBook, reader]);

  useEffect(() => {
    if (!account) {
      setRole({ kind: "unknown" });
      return;
    }
    let live = true;
    setRole({ kind: "loading" });
    getIssuer(reader, { issuerRegistry: config.contracts.IssuerRegistry as Hex, account })
      .then((issuer) => {
        if (!live) return;
        const kind = issuer.type === "bank" ? "bank" : issuer.type === "credit-agency" ? "agency" : "other";
        setRole({ kind: issuer.status === "none" ? "other" : kind, issuer });
      })
      .catch((caught: unknown) => {
        if (live) setRole({ kind: "failed", message: errorMessage(caught) });
      });
    return () => {
      live = false;
    };
  }, [account, config.contracts.IssuerRegistry, reader]);

  useEffect(() => {
    setOrders(undefined);
    setOrdersError(undefined);
    if (!account || (role.kind !== "bank" && role.kind !== "agency" && role.kind !== "other")) return;
    let live = true;
    const filter =
      role.kind === "bank"
        ? { requester: account }
        : role.kind === "agency"
          ? { provider: account }
          : { subject: account };
    Promise.all([listOrders(reader, { creditOrderBook, ...filter }), reader.getBlock({ blockTag: "latest" })])
      .then(([list, block]) => {
        if (live) setOrders({ list: list.reverse(), now: block.timestamp });
      })
      .catch((caught: unknown) => {
        if (live) setOrdersError(`The orders could not be read: ${errorMessage(caught)}`);
      });
    return () => {
      live = false;
    };
  }, [account, creditOrderBook, reader, role.kind, version]);

  const listCaption =
    role.kind === "bank" ? "Your orders" : role.kind === "agency" ? "Incoming orders" : "Orders about you";

  return (
    <div className="credit-page">
      <h1 tabIndex={-1}>Credit orders</h1>
      <p className="lead">
        A recognised bank orders an enterprise&apos;s credit report from a recognised credit agency, with the
        enterprise&apos;s consent; the agency delivers the report off chain and its fingerprint on chain. Each
        action is a transaction from your wallet.
      </p>
      <SignerNotice signer={signer} />
      <RoleNotice role={role} account={account} />
      {/* Only an agency anchors (its reports); the others' actions do not touch the registry. */}
      {role.kind === "agency" && <RegistryPausedNotice pause={pause} />}

      {role.kind === "bank" && account && (
        <PlaceOrder
          // Another bank starts from an empty form: no consent or subject of the previous one.
          key={account}
          account={account}
          book={book}
          directory={directory}
          signer={signer}
          version={version}
          onPlaced={open}
        />
      )}

      {(role.kind === "bank" || role.kind === "agency" || role.kind === "other") && (
        <section aria-label={listCaption}>
          <div role="status" aria-live="polite">
            {!orders && !ordersError && <p>Loading the orders…</p>}
            {ordersError && <p className="error">{ordersError}</p>}
            {orders && orders.list.length === 0 && (
              <p data-testid="no-orders">
                {role.kind === "bank"
                  ? "Your bank has placed no orders yet."
                  : role.kind === "agency"
                    ? "No bank has ordered a report from you yet."
                    : "No order names your account as its subject."}
              </p>
            )}
          </div>
          {orders && orders.list.length > 0 && (
            <OrderTable
              caption={listCaption}
              orders={orders.list}
              counterpart={role.kind === "agency" ? "requester" : "provider"}
              directory={directory}
              openId={openId}
              onOpen={open}
            />
          )}
        </section>
      )}

      {role.kind !== "loading" && <OpenById onOpen={open} />}

      {openId && (
        <OrderPanel
          key={openId}
          orderId={openId}
          role={role.kind}
          account={account}
          directory={directory}
          signer={signer}
          pause={pause}
          version={version}
          onChanged={refresh}
        />
      )}
    </div>
  );
}

function RoleNotice({ role, account }: { role: Role; account: Address | undefined }): ReactNode {
  switch (role.kind) {
    case "unknown":
      return null;
    case "loading":
      return (
        <p role="status" data-testid="orders-role">
          Looking up your account in the issuer registry…
        </p>
      );
    case "failed":
      return (
        <p role="alert" className="error" data-testid="orders-role">
          Your account could not be looked up in the issuer registry: {role.message}
        </p>
      );
    default: {
      const { issuer } = role;
      const what = role.kind === "bank" ? "bank" : role.kind === "agency" ? "credit agency" : undefined;
      if (what === undefined)
        return (
          <p role="status" className="notice" data-testid="orders-role" data-role="other">
            Your account <code>{account}</code> is neither a recognised bank nor a recognised credit agency
            {issuer.status === "none" ? "" : ` (the issuer registry lists it as a ${issuer.type})`}, so it
            cannot place or handle orders. Shown below: the orders about your account, if any.
          </p>
        );
      return (
        <p role="status" data-testid="orders-role" data-role={role.kind}>
          Connected as <strong>{issuer.name}</strong> ({issuer.jurisdiction}), a {what}
          {issuer.status === "recognized" ? " the consortium recognises." : "."}
          {issuer.status !== "recognized" && (
            <span className="error">
              {" "}
              Its standing in the issuer registry is {issuer.status}: the order book refuses its actions until
              the committee recognises it.
            </span>
          )}
        </p>
      );
    }
  }
}

function PlaceOrder({
  account,
  book,
  directory,
  signer,
  version,
  onPlaced,
}: {
  account: Address;
  book: Book | undefined;
  directory: Directory;
  signer: Signer;
  version: number;
  onPlaced: (orderId: Hex) => void;
}): ReactNode {
  const { config, reader } = useApp();
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const agencies = directory.recognised("credit-agency");
  const [consents, setConsents] = useState<{ usable: Consent[]; now: bigint }>();
  const [provider, setProvider] = useState("");
  const [consentId, setConsentId] = useState("");
  const [subject, setSubject] = useState("");
  const [product, setProduct] = useState("enterprise-credit-basic");
  const [deadline, setDeadline] = useState(() => utcInputValue(Math.floor(Date.now() / 1000) + 7 * DAY));
  const [requestFile, setRequestFile] = useState<File>();
  const placing = useAction(signer);

  useEffect(() => {
    if (provider === "" && agencies[0]) setProvider(getAddress(agencies[0].account));
  }, [agencies, provider]);

  // The consents this bank may order with: granted to it, in force, for credit reports.
  useEffect(() => {
    if (!book) return;
    let live = true;
    Promise.all([
      listConsents(reader, { consentRegistry: config.contracts.ConsentRegistry as Hex, grantee: account }),
      reader.getBlock({ blockTag: "latest" }),
    ])
      .then(([all, block]) => {
        if (!live) return;
        const usable = all.filter(
          (consent) =>
            consentState(consent, block.timestamp) === "in force" &&
            consent.terms.purpose === book.purpose &&
            consent.terms.scope.some((schemaId) => schemaId.toLowerCase() === book.schemaId.toLowerCase()),
        );
        setConsents({ usable, now: block.timestamp });
      })
      .catch(() => {
        if (live) setConsents({ usable: [], now: 0n });
      });
    return () => {
      live = false;
    };
  }, [account, book, config.contracts.ConsentRegistry, reader, version]);

  function chooseConsent(value: string) {
    setConsentId(value);
    const consent = consents?.usable.find((candidate) => candidate.id === value);
    if (consent) setSubject(consent.owner);
  }

  async function place() {
    await placing.run("Placing the order", async (client) => {
      if (provider === "") throw new InvalidInputError("Choose the credit agency to order from.");
      if (consentId === "")
        throw new InvalidInputError(
          "Choose the subject's consent that lets your bank order its credit report.",
        );
      const providerAddress = parseAddress(provider, "The credit agency");
      const subjectAddress = parseAddress(subject, "The subject");
      const productCode = product.trim() === "" ? zeroHash : codeOf(product.trim(), "The product code");
      const responseDeadline = parseUtcInput(deadline, "The response deadline");
      const { timestamp: now } = await reader.getBlock({ blockTag: "latest" });
      if (responseDeadline <= now)
        throw new InvalidInputError(
          `The response deadline (${formatTime(Number(responseDeadline))}) must be in the future; the chain's time is ${formatTime(Number(now))}.`,
        );
      if (book && responseDeadline > now + book.maxResponseTime)
        throw new InvalidInputError(
          `The response deadline (${formatTime(Number(responseDeadline))}) is too far away: the order book allows at most ${Number(book.maxResponseTime) / DAY} days from now.`,
        );
      const requestHash = requestFile
        ? hashDocument(new Uint8Array(await requestFile.arrayBuffer()))
        : zeroHash;
      const { orderId, transactionHash } = await requestOrder(client, {
        creditOrderBook,
        order: {
          provider: providerAddress,
          subject: subjectAddress,
          productCode,
          consentId: consentId as Hex,
          requestHash,
          responseDeadline,
        },
      });
      onPlaced(orderId);
      return {
        message: `Placed order ${orderId} with ${directory.nameOf(providerAddress) ?? providerAddress}; the subject's consent was used once.`,
        transactionHash,
      };
    });
  }

  return (
    <form
      className="card"
      aria-labelledby={field("heading")}
      onSubmit={(event) => {
        event.preventDefault();
        void place();
      }}
    >
      <h2 id={field("heading")}>Place an order</h2>
      <div className="grid">
        <div className="field">
          <label htmlFor={field("provider")}>Credit agency</label>
          <select
            id={field("provider")}
            value={provider}
            onChange={(event) => {
              setProvider(event.target.value);
            }}
          >
            {agencies.length === 0 && <option value="">No recognised credit agency found</option>}
            {agencies.map((agency) => (
              <option key={agency.account} value={getAddress(agency.account)}>
                {agency.name} ({agency.jurisdiction})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={field("consent")}>Subject&apos;s consent</label>
          <select
            id={field("consent")}
            value={consentId}
            aria-describedby={field("consent-hint")}
            onChange={(event) => {
              chooseConsent(event.target.value);
            }}
          >
            <option value="">
              {!consents
                ? "Loading your consents…"
                : consents.usable.length === 0
                  ? "No usable consent"
                  : "Choose a consent"}
            </option>
            {consents?.usable.map((consent) => (
              <option key={consent.id} value={consent.id}>
                {directory.nameOf(consent.owner) ?? consent.owner} · {consent.id.slice(0, 10)}… · used{" "}
                {usesText(consent.uses, consent.terms.maxUses)} · until{" "}
                {formatTime(Number(consent.terms.validUntil))}
              </option>
            ))}
          </select>
          <span className="hint" id={field("consent-hint")}>
            {consents && consents.usable.length === 0
              ? "No consent in force lets your bank order a credit report: the enterprise signs one on the Consent page."
              : "Consents given to your bank for credit-report, in force, covering credit reports."}
          </span>
        </div>
        <div className="field">
          <label htmlFor={field("subject")}>Subject (the enterprise)</label>
          <input
            id={field("subject")}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="0x…"
            value={subject}
            onChange={(event) => {
              setSubject(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={field("product")}>Product code</label>
          <input
            id={field("product")}
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={product}
            onChange={(event) => {
              setProduct(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={field("deadline")}>Report due by (UTC)</label>
          <input
            id={field("deadline")}
            type="datetime-local"
            aria-describedby={field("deadline-hint")}
            value={deadline}
            onChange={(event) => {
              setDeadline(event.target.value);
            }}
          />
          <span className="hint" id={field("deadline-hint")}>
            {book ? `At most ${Number(book.maxResponseTime) / DAY} days from now.` : ""}
          </span>
        </div>
        <div className="field">
          <label htmlFor={field("request")}>Request document (optional)</label>
          <input
            id={field("request")}
            type="file"
            aria-describedby={field("request-hint")}
            onChange={(event) => {
              setRequestFile(event.target.files?.[0]);
            }}
          />
          <span className="hint" id={field("request-hint")}>
            Only its SHA-256 goes on chain.
          </span>
        </div>
      </div>
      <button type="submit" disabled={placing.busy || signer.problem !== undefined}>
        Place order
      </button>
      <ActionStatus state={placing.state} testId="place-status" />
    </form>
  );
}

function OrderTable({
  caption,
  orders,
  counterpart,
  directory,
  openId,
  onOpen,
}: {
  caption: string;
  orders: Order[];
  counterpart: "requester" | "provider";
  directory: Directory;
  openId: Hex | undefined;
  onOpen: (orderId: Hex) => void;
}): ReactNode {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table data-testid="orders">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">{counterpart === "requester" ? "Bank" : "Credit agency"}</th>
            <th scope="col">Subject</th>
            <th scope="col">Product</th>
            <th scope="col">State</th>
            <th scope="col">Due</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((order) => (
            <tr key={order.id} data-testid="order-row" data-order={order.id}>
              <td data-label="Order">
                <code>{order.id}</code>
              </td>
              <td data-label={counterpart === "requester" ? "Bank" : "Credit agency"}>
                <Party
                  address={counterpart === "requester" ? order.requester : order.request.provider}
                  directory={directory}
                />
              </td>
              <td data-label="Subject">
                <Party address={order.request.subject} directory={directory} />
              </td>
              <td data-label="Product">
                {order.request.productCode === zeroHash ? "—" : codeText(order.request.productCode)}
              </td>
              <td data-label="State" data-testid="order-state">
                {stateText(order)}
              </td>
              <td data-label="Due">{formatTime(Number(order.request.responseDeadline))}</td>
              <td data-label="Actions">
                <button
                  type="button"
                  className="secondary"
                  aria-controls="order-panel"
                  aria-expanded={openId === order.id}
                  onClick={() => {
                    onOpen(order.id);
                  }}
                >
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OpenById({ onOpen }: { onOpen: (orderId: Hex) => void }): ReactNode {
  const id = useId();
  const [value, setValue] = useState("");
  const [error, setError] = useState<string>();
  return (
    <form
      className="card"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        const text = value.trim();
        if (!isBytes32(text)) {
          setError("An order id is 0x followed by 64 hexadecimal digits.");
          return;
        }
        setError(undefined);
        onOpen(text.toLowerCase() as Hex);
      }}
    >
      <h2 id={`${id}-heading`}>Open an order by id</h2>
      <div className="field">
        <label htmlFor={`${id}-order`}>Order id</label>
        <input
          id={`${id}-order`}
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="0x…"
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
        />
      </div>
      <div role="status" aria-live="polite">
        {error && (
          <p className="error" data-testid="open-error">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="secondary">
        Open order
      </button>
    </form>
  );
}

/** One order: its terms, the connected party's actions, and its timeline. */
function OrderPanel({
  orderId,
  role,
  account,
  directory,
  signer,
  pause,
  version,
  onChanged,
}: {
  orderId: Hex;
  role: Role["kind"];
  account: Address | undefined;
  directory: Directory;
  signer: Signer;
  pause: RegistryPause;
  version: number;
  onChanged: () => void;
}): ReactNode {
  const { config, reader } = useApp();
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const [order, setOrder] = useState<Order>();
  const [steps, setSteps] = useState<Step[]>();
  const [error, setError] = useState<string>();
  const [reason, setReason] = useState("");
  const [report, setReport] = useState<File>();
  const [delivered, setDelivered] = useState(() => readDelivery(config.chainId, orderId));
  const acting = useAction(signer);

  useEffect(() => {
    let live = true;
    setError(undefined);
    Promise.all([
      getOrder(reader, { creditOrderBook, orderId }),
      orderTimeline(reader, {
        creditOrderBook,
        consentRegistry: config.contracts.ConsentRegistry as Hex,
        orderId,
        fromBlock: BigInt(config.startBlock),
      }),
    ])
      .then(([found, timeline]) => {
        if (!live) return;
        setOrder(found);
        setSteps(labelTimeline(timeline));
      })
      .catch((caught: unknown) => {
        if (live) setError(`Order ${orderId} could not be read: ${errorMessage(caught)}`);
      });
    return () => {
      live = false;
    };
  }, [config, creditOrderBook, orderId, reader, version]);

  function reasonCode(): Hex {
    if (reason.trim() === "")
      throw new InvalidInputError("Give a reason code, e.g. subject-unknown or report-mismatch.");
    return codeOf(reason.trim(), "The reason code");
  }

  async function deliver() {
    const result = await acting.run("Delivering the report", async (client, progress) => {
      if (!report) throw new InvalidInputError("Choose the report file to deliver first.");
      const outcome = await deliverReport({ reader, client, config, orderId, report, progress });
      setDelivered(readDelivery(config.chainId, orderId));
      onChanged();
      return {
        message: `Delivered: the report's fingerprint ${outcome.dataPackage.fingerprint} is anchored${outcome.reused ? " (the anchor of the earlier attempt)" : ""} and delivered. Download its data package and send it with the report to the bank.`,
        transactionHash: outcome.transactionHash,
      };
    });
    // deliverReport asks the registry before anchoring: a pause since the page read it shows here.
    if (!result) void pause.reload();
  }

  const isRequester = order !== undefined && account !== undefined && getAddress(order.requester) === account;
  const isProvider =
    order !== undefined && account !== undefined && getAddress(order.request.provider) === account;
  const state = order?.effectiveState;
  const bankActs = role === "bank" && order !== undefined;
  const agencyActs = role === "agency" && order !== undefined;
  const canExpire = order !== undefined && state === "expired" && order.state !== "expired";
  /** The order's transitions this account may make now, each one wallet transaction. */
  const transitions: Transition[] = [];
  if (bankActs && state === "requested") {
    transitions.push({
      text: "Cancel order",
      progress: "Cancelling the order",
      send: (client) => cancelOrder(client, { creditOrderBook, orderId }),
      done: `Order ${orderId} is cancelled. ${NEXT.cancelled}`,
    });
  } else if (bankActs && state === "delivered") {
    transitions.push(
      {
        text: "Confirm report",
        progress: "Confirming the order",
        send: (client) => confirmOrder(client, { creditOrderBook, orderId }),
        done: `Order ${orderId} is confirmed. ${NEXT.confirmed}`,
      },
      {
        text: "Dispute report",
        progress: "Disputing the order",
        send: (client) => disputeOrder(client, { creditOrderBook, orderId, reasonCode: reasonCode() }),
        done: `Order ${orderId} is disputed (reason ${reason.trim()}). ${NEXT.disputed}`,
        secondary: true,
      },
    );
  } else if (agencyActs && state === "requested") {
    transitions.push(
      {
        text: "Accept order",
        progress: "Accepting the order",
        send: (client) => acceptOrder(client, { creditOrderBook, orderId }),
        done: `Order ${orderId} is accepted. ${NEXT.accepted}`,
      },
      {
        text: "Reject order",
        progress: "Rejecting the order",
        send: (client) => rejectOrder(client, { creditOrderBook, orderId, reasonCode: reasonCode() }),
        done: `Order ${orderId} is rejected (reason ${reason.trim()}). ${NEXT.rejected}`,
        secondary: true,
      },
    );
  } else if (canExpire) {
    // Past its deadline: anyone may record the expiry the order book already applies.
    transitions.push({
      text: "Record the expiry",
      progress: "Recording the expiry",
      send: (client) => expireOrder(client, { creditOrderBook, orderId }),
      done: `Order ${orderId} is recorded as expired. ${NEXT.expired}`,
      secondary: true,
    });
  }

  const transition = async ({ progress, send, done }: Transition): Promise<void> => {
    const result = await acting.run(progress, async (client) => {
      const { transactionHash } = await send(client);
      onChanged();
      return { message: done, transactionHash };
    });
    // A refusal often means the order changed elsewhere (the agency accepted it meanwhile): read it
    // again, so that the page shows its real state and the actions it allows now.
    if (!result) onChanged();
  };

  // While the registry is paused, only the anchor of this browser's earlier attempt can be
  // delivered (the order book only reads the registry); deliverReport decides on the chosen file.
  const pausedDelivery = pause.paused === true ? whilePaused(earlierAnchor(delivered, account)) : undefined;
  const packageForDownload =
    delivered?.dataPackage && order && order.reportFingerprint === delivered.dataPackage.fingerprint
      ? delivered
      : undefined;

  return (
    <section id="order-panel" className="card" aria-labelledby={field("heading")} data-testid="order-panel">
      <h2 id={field("heading")}>
        Order <code>{orderId}</code>
      </h2>
      <div role="status" aria-live="polite">
        {!order && !error && <p>Reading the order…</p>}
        {error && (
          <p className="error" data-testid="order-error">
            {error}
          </p>
        )}
        {order && (
          <p>
            State: <strong data-testid="panel-state">{stateText(order)}</strong>. {NEXT[order.effectiveState]}
          </p>
        )}
      </div>
      {order && (
        <>
          <dl className="details">
            <dt>Bank</dt>
            <dd>
              <Party address={order.requester} directory={directory} />
            </dd>
            <dt>Credit agency</dt>
            <dd>
              <Party address={order.request.provider} directory={directory} />
            </dd>
            <dt>Subject</dt>
            <dd>
              <Party address={order.request.subject} directory={directory} />
            </dd>
            <dt>Consent</dt>
            <dd>
              <code>{order.request.consentId}</code>
            </dd>
            <dt>Product</dt>
            <dd>{order.request.productCode === zeroHash ? "—" : codeText(order.request.productCode)}</dd>
            <dt>Request document</dt>
            <dd>
              {order.request.requestHash === zeroHash ? "—" : <code>sha256 {order.request.requestHash}</code>}
            </dd>
            <dt>Requested</dt>
            <dd>{formatTime(order.requestedAt.getTime() / 1000)}</dd>
            <dt>Report due by</dt>
            <dd>{formatTime(Number(order.request.responseDeadline))}</dd>
            <dt>Report fingerprint</dt>
            <dd data-testid="report-fingerprint">
              {order.reportFingerprint === zeroHash ? "—" : <code>{order.reportFingerprint}</code>}
            </dd>
            {order.reasonCode !== zeroHash && (
              <>
                <dt>Reason</dt>
                <dd>{codeText(order.reasonCode)}</dd>
              </>
            )}
          </dl>

          {((bankActs && !isRequester) || (agencyActs && !isProvider)) && (
            <p className="notice" data-testid="not-party">
              {bankActs
                ? "Your bank did not place this order; the order book lets only the bank that placed it act on it."
                : "This order was not sent to your agency; the order book lets only the agency it was sent to act on it."}
            </p>
          )}

          {signer.problem === undefined && (
            <div className="order-actions">
              {bankActs && state === "delivered" && (
                <p className="hint">
                  Check the report and its data package on the{" "}
                  <a href="/" onClick={followLink}>
                    Verify
                  </a>{" "}
                  page first: confirm only a report whose fingerprint is valid and matches the one above.
                </p>
              )}
              {((bankActs && state === "delivered") || (agencyActs && state === "requested")) && (
                <div className="field">
                  <label htmlFor={field("reason")}>
                    Reason code ({bankActs ? "to dispute" : "to reject"})
                  </label>
                  <input
                    id={field("reason")}
                    type="text"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={bankActs ? "report-mismatch" : "subject-unknown"}
                    value={reason}
                    onChange={(event) => {
                      setReason(event.target.value);
                    }}
                  />
                </div>
              )}
              {transitions.length > 0 && (
                <div className="actions">
                  {transitions.map((entry) => (
                    <button
                      key={entry.text}
                      type="button"
                      className={entry.secondary ? "secondary" : undefined}
                      disabled={acting.busy}
                      onClick={() => void transition(entry)}
                    >
                      {entry.text}
                    </button>
                  ))}
                </div>
              )}
              {agencyActs && state === "accepted" && (
                <form
                  aria-labelledby={field("deliver-heading")}
                  onSubmit={(event) => {
                    event.preventDefault();
                    void deliver();
                  }}
                >
                  <h3 id={field("deliver-heading")}>Deliver the report</h3>
                  <p className="hint">
                    The report stays in this browser: its salted fingerprint is anchored by your wallet under
                    the credit-report schema and delivered to the order book. Then download its data package
                    and send both files to the bank.
                  </p>
                  <div className="field">
                    <label htmlFor={field("report")}>Report file</label>
                    <input
                      id={field("report")}
                      type="file"
                      onChange={(event) => {
                        setReport(event.target.files?.[0]);
                      }}
                    />
                  </div>
                  <button
                    type="submit"
                    disabled={acting.busy || pausedDelivery?.allowed === false}
                    aria-describedby={
                      pausedDelivery?.allowed === false ? REGISTRY_PAUSED_NOTICE_ID : undefined
                    }
                  >
                    Anchor and deliver report
                  </button>
                  {pausedDelivery && (
                    <p className="hint" data-testid="registry-paused-hint">
                      {pausedDelivery.reason}
                    </p>
                  )}
                </form>
              )}
            </div>
          )}
          <ActionStatus state={acting.state} testId="order-action-status" />
          {packageForDownload?.dataPackage && (
            <p className="actions">
              <a
                className="button"
                data-testid="package-download"
                href={dataUrl(packageText(packageForDownload.dataPackage))}
                download={`${packageForDownload.reportName}${PACKAGE_SUFFIX}`}
              >
                Download the data package ({packageForDownload.reportName}
                {PACKAGE_SUFFIX})
              </a>
            </p>
          )}
        </>
      )}
      {steps && <Timeline steps={steps} directory={directory} />}
    </section>
  );
}

function Timeline({ steps, directory }: { steps: Step[]; directory: Directory }): ReactNode {
  return (
    <div className="table-wrap" role="region" aria-label="Order timeline" tabIndex={0}>
      <table data-testid="order-timeline">
        <caption>Timeline (from the chain&apos;s events)</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Step</th>
            <th scope="col">By</th>
            <th scope="col">Detail</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((step) => (
            <tr
              key={`${step.transactionHash}-${step.event}`}
              data-testid="timeline-row"
              data-step={step.step}
            >
              <td data-label="When">{formatTime(step.at.getTime() / 1000)}</td>
              <td data-label="Step">{step.step}</td>
              <td data-label="By">
                <Party address={step.actor} directory={directory} />
              </td>
              <td data-label="Detail">
                {step.detail
                  ? step.detail.replace(
                      /0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g,
                      (address) => directory.nameOf(address) ?? address,
                    )
                  : "—"}
              </td>
              <td data-label="Transaction">
                <code>{step.transactionHash}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
