/**
 * Audit: the regulator's timeline from the audit API (/api/events with filters and paging), its
 * CSV export (/api/events.csv: every matching event, streamed by the server, so neither it nor the
 * browser holds them all), and an order's state and timeline (/api/orders/<id>). Read-only, no
 * wallet.
 */
import { useId, useState, type SyntheticEvent } from "react";

import type { AuditEventPage, AuditEventRecord } from "../../../src/sdk/audit.ts";
import { contractEventNames, contractNames, type ContractName } from "../../../src/sdk/contracts.ts";
import { orderStates } from "../../../src/sdk/credit/orders.ts";
import { useApp } from "../app-context.ts";
import { errorMessage } from "../errors.ts";
import { formatTime } from "../format.ts";

function eventNames(contract: string): string[] {
  return contractEventNames(
    (contractNames as readonly string[]).includes(contract) ? (contract as ContractName) : undefined,
  );
}

type AuditEvent = AuditEventRecord;
type EventPage = AuditEventPage;
type OrderReport = {
  order: Record<string, string | number | null> | null;
  consent: Record<string, string | number | null> | null;
  timeline: AuditEvent[];
};

type Filters = {
  contract: string;
  event: string;
  actor: string;
  subject: string;
  from: string;
  to: string;
  order: "asc" | "desc";
  limit: string;
};

const EMPTY: Filters = {
  contract: "",
  event: "",
  actor: "",
  subject: "",
  from: "",
  to: "",
  order: "asc",
  limit: "50",
};

function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, ...extra }))
    if (value.trim() !== "") params.set(name, value.trim());
  return params.toString();
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = (await response.json().catch(() => undefined)) as
    (T & { error?: { message?: string } }) | undefined;
  if (!response.ok)
    throw new Error(
      body?.error?.message ?? `The audit API answered ${response.status} ${response.statusText}.`,
    );
  if (body === undefined) throw new Error("The audit API answered with something other than JSON.");
  return body;
}

export function AuditPage() {
  const { config } = useApp();
  const api = config.auditApi;
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>();
  const [page, setPage] = useState<EventPage>();
  const [cursors, setCursors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const [orderId, setOrderId] = useState("");
  const [order, setOrder] = useState<OrderReport>();
  const [orderError, setOrderError] = useState<string>();
  const [orderBusy, setOrderBusy] = useState(false);

  async function load(next: Filters, cursor?: string) {
    setBusy(true);
    setError(undefined);
    try {
      const result = await getJson<EventPage>(`${api}/events?${query(next, cursor ? { cursor } : {})}`);
      setPage(result);
      setApplied(next);
    } catch (caught) {
      setError(errorMessage(caught));
      setPage(undefined);
    } finally {
      setBusy(false);
    }
  }

  async function lookUpOrder(event: SyntheticEvent) {
    event.preventDefault();
    setOrderBusy(true);
    setOrderError(undefined);
    setOrder(undefined);
    try {
      const value = orderId.trim();
      if (value === "") throw new Error("Enter an order id (0x followed by 64 hexadecimal digits).");
      setOrder(await getJson<OrderReport>(`${api}/orders/${encodeURIComponent(value)}`));
    } catch (caught) {
      setOrderError(errorMessage(caught));
    } finally {
      setOrderBusy(false);
    }
  }

  const set = (name: keyof Filters) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setFilters((current) => ({
      ...current,
      [name]: value,
      // A contract change can make the chosen event meaningless.
      ...(name === "contract" && !eventNames(value).includes(current.event) ? { event: "" } : {}),
    }));
  };

  // Every event the filters match, not only the pages shown: the page size does not apply.
  const csvHref = applied ? `${api}/events.csv?${query({ ...applied, limit: "" })}` : undefined;

  return (
    <>
      <h1 tabIndex={-1}>Audit trail</h1>
      <p className="lead">
        Every event of every Crossproof contract, from the audit index. Read-only; no wallet needed.
      </p>

      <form
        className="card filters"
        aria-labelledby={field("heading")}
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          void load(filters);
        }}
      >
        <h2 id={field("heading")}>Events</h2>
        <div className="grid">
          <div className="field">
            <label htmlFor={field("contract")}>Contract</label>
            <select id={field("contract")} value={filters.contract} onChange={set("contract")}>
              <option value="">Any contract</option>
              {Object.keys(config.contracts).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={field("event")}>Event</label>
            <select id={field("event")} value={filters.event} onChange={set("event")}>
              <option value="">Any event</option>
              {eventNames(filters.contract).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={field("actor")}>Actor (address or DID)</label>
            <input
              id={field("actor")}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={filters.actor}
              onChange={set("actor")}
            />
          </div>
          <div className="field">
            <label htmlFor={field("subject")}>Subject (address, DID, id or fingerprint)</label>
            <input
              id={field("subject")}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={filters.subject}
              onChange={set("subject")}
            />
          </div>
          <div className="field">
            <label htmlFor={field("from")}>From (block or date)</label>
            <input
              id={field("from")}
              type="text"
              placeholder="2026-11-01"
              value={filters.from}
              onChange={set("from")}
            />
          </div>
          <div className="field">
            <label htmlFor={field("to")}>To (block or date)</label>
            <input id={field("to")} type="text" value={filters.to} onChange={set("to")} />
          </div>
          <div className="field">
            <label htmlFor={field("order")}>Order</label>
            <select id={field("order")} value={filters.order} onChange={set("order")}>
              <option value="asc">Oldest first</option>
              <option value="desc">Newest first</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={field("limit")}>Per page</label>
            <select id={field("limit")} value={filters.limit} onChange={set("limit")}>
              {["25", "50", "100", "500"].map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Show events
          </button>
          {csvHref && (
            <a
              className="button secondary"
              href={csvHref}
              download="crossproof-audit-events.csv"
              aria-describedby={field("csv-note")}
            >
              Export CSV
            </a>
          )}
        </div>
        {csvHref && (
          <p className="hint" id={field("csv-note")} data-testid="csv-note">
            The CSV holds every event these filters match, not only the pages shown. An argument list too long
            for one spreadsheet cell (32,767 characters) is shortened there, and says how much was left out;
            the audit API&apos;s JSON has it whole.
          </p>
        )}
      </form>

      <section aria-label="Events found">
        <div role="status" aria-live="polite">
          {busy && <p>Loading events…</p>}
          {error && (
            <p className="error" data-testid="audit-error">
              {error}
            </p>
          )}
          {page && !busy && (
            <p data-testid="event-count">
              {page.events.length === 0
                ? "No events match."
                : `${page.events.length} event${page.events.length === 1 ? "" : "s"} on this page${page.next ? "; more follow" : ""}.`}
            </p>
          )}
        </div>
        {page && page.events.length > 0 && <EventTable events={page.events} caption="Events" />}
        {page && applied && (cursors.length > 0 || page.next) && (
          <div className="actions">
            {cursors.length > 0 && (
              <button
                type="button"
                className="secondary"
                disabled={busy}
                onClick={() => {
                  const previous = cursors.slice(0, -1);
                  setCursors(previous);
                  void load(applied, previous.at(-1));
                }}
              >
                Previous page
              </button>
            )}
            {page.next && (
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  const next = page.next!;
                  setCursors([...cursors, next]);
                  void load(applied, next);
                }}
              >
                Next page
              </button>
            )}
          </div>
        )}
      </section>

      <form
        className="card"
        aria-labelledby={field("order-heading")}
        onSubmit={(event) => void lookUpOrder(event)}
      >
        <h2 id={field("order-heading")}>Credit order</h2>
        <div className="field">
          <label htmlFor={field("order-id")}>Order id</label>
          <input
            id={field("order-id")}
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="0x…"
            value={orderId}
            onChange={(event) => {
              setOrderId(event.target.value);
            }}
          />
        </div>
        <button type="submit" disabled={orderBusy}>
          Look up order
        </button>
      </form>
      <section aria-label="Order">
        <div role="status" aria-live="polite">
          {orderBusy && <p>Looking up the order…</p>}
          {orderError && (
            <p className="error" data-testid="order-error">
              {orderError}
            </p>
          )}
          {order?.order && (
            <p>
              Order state: <strong data-testid="order-state">{String(order.order.state)}</strong>
            </p>
          )}
        </div>
        {order?.order && (
          <>
            <dl className="details">
              <dt>Requester (bank)</dt>
              <dd>
                <code>{String(order.order.requester)}</code>
              </dd>
              <dt>Provider (credit agency)</dt>
              <dd>
                <code>{String(order.order.provider)}</code>
              </dd>
              <dt>Subject</dt>
              <dd>
                <code>{String(order.order.subject)}</code>
              </dd>
              <dt>Consent</dt>
              <dd>
                <code>{String(order.order.consent_id)}</code>
              </dd>
              <dt>Response deadline</dt>
              <dd>{formatTime(Number(order.order.response_deadline))}</dd>
            </dl>
            <EventTable events={order.timeline} caption="Order timeline" showState />
          </>
        )}
      </section>
    </>
  );
}

function EventTable({
  events,
  caption,
  showState = false,
}: {
  events: AuditEvent[];
  caption: string;
  showState?: boolean;
}) {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table data-testid={showState ? "order-timeline" : "events"}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Block</th>
            <th scope="col">Time</th>
            <th scope="col">Contract</th>
            <th scope="col">Event</th>
            {showState && <th scope="col">State</th>}
            <th scope="col">Actor</th>
            <th scope="col">Subject</th>
            <th scope="col">Transaction</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr
              key={`${event.transactionHash}-${event.logIndex}`}
              data-position={`${event.blockNumber}.${event.logIndex}`}
            >
              <td data-label="Block">{event.blockNumber}</td>
              <td data-label="Time">{formatTime(event.blockTime)}</td>
              <td data-label="Contract">{event.contract}</td>
              <td data-label="Event">{event.event}</td>
              {showState && <td data-label="State">{stateOf(event)}</td>}
              <td data-label="Actor">
                <code>{event.actor ?? "—"}</code>
              </td>
              <td data-label="Subject">
                <code>{event.subject ?? "—"}</code>
              </td>
              <td data-label="Transaction">
                <code>{event.transactionHash}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function stateOf(event: AuditEvent): string {
  if (event.event === "OrderRequested") return "requested";
  if (event.event !== "OrderStateChanged") return "";
  const state = Number(event.args.state);
  return orderStates[state] ?? `state ${state}`;
}
