/**
 * Text that people read on a terminal or a page: control characters (C0, DEL, C1), bidirectional
 * controls and line separators can forge lines, restyle a terminal or reverse what is shown. One
 * rule for every check (input refused, output escaped).
 */
export const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Whether `text` holds a control character, a bidirectional control or a line separator. */
export function hasControlCharacters(text: string): boolean {
  return new RegExp(UNPRINTABLE.source).test(text);
}
