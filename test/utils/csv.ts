/** A strict RFC 4180 reader for the audit exports' tests. */
import { expect } from "chai";

/** The audit exports' columns, in order: the tests state them rather than import the exporter's list. */
export const AUDIT_CSV_COLUMNS = [
  "block",
  "log",
  "time",
  "contract",
  "event",
  "actor",
  "subject",
  "transaction",
  "args",
] as const;

export type AuditCsvRecord = Record<(typeof AUDIT_CSV_COLUMNS)[number], string>;

/**
 * RFC 4180 records, header line included: fields separated by commas, lines ended by CRLF, quoted
 * fields with doubled quotes. Throws on anything else (a bare line break, a quote inside an unquoted
 * field, text after a closing quote, an unterminated quote, a last line without CRLF).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
        const next = text[i + 1];
        if (next !== undefined && next !== "," && next !== "\r")
          throw new Error(`text after a closing quote at ${i + 1}`);
      }
    } else if (c === '"') {
      if (field !== "") throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") {
      throw new Error(`a bare line break at ${i} (RFC 4180 ends lines with CRLF)`);
    } else field += c;
  }
  if (quoted) throw new Error("an unterminated quoted field");
  if (field !== "" || row.length > 0) throw new Error("the last line does not end with CRLF");
  return rows;
}

/** An audit export's records keyed by column, after checking its header line. */
export function auditCsvRecords(text: string): AuditCsvRecord[] {
  const [header, ...rows] = parseCsv(text);
  expect(header).to.deep.equal([...AUDIT_CSV_COLUMNS]);
  return rows.map((cells) => {
    expect(cells).to.have.length(AUDIT_CSV_COLUMNS.length);
    return Object.fromEntries(AUDIT_CSV_COLUMNS.map((name, i) => [name, cells[i]!])) as AuditCsvRecord;
  });
}
