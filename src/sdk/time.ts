/** Times given as text by people: ISO 8601 dates and date-times, read strictly. */

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))?)?$/i;

/**
 * Unix seconds of an ISO 8601 date (`2027-06-30`, midnight UTC) or date-time
 * (`2027-06-30T12:00`, `…:00Z`, `…+08:00`; UTC unless it gives an offset), or undefined when the text
 * is not one or names no real moment (2027-02-30, 24:00, 23:59:60, offset +25:00). Unlike
 * `Date.parse`, it accepts no other forms and never rolls an impossible date over into the next
 * month, nor reads a time without an offset in the machine's local zone.
 */
export function isoSeconds(text: string): number | undefined {
  const match = ISO_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", , zone, sign, oh = "0", om = "0"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  const real =
    back.getUTCFullYear() === year &&
    back.getUTCMonth() === month - 1 &&
    back.getUTCDate() === day &&
    back.getUTCHours() === hour &&
    back.getUTCMinutes() === minute &&
    back.getUTCSeconds() === second;
  if (!real || Number(oh) > 23 || Number(om) > 59) return undefined;
  const offset = zone && sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60 : 0;
  return Math.floor(ms / 1000) - offset;
}
