/** Formatting shared by the pages. */
import { zeroAddress, zeroHash } from "viem";

/** A Unix time in seconds as "2026-11-27 10:04:05 UTC"; `none` when 0. */
export function formatTime(seconds: number, none = "—"): string {
  if (!seconds) return none;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function isZero(value: string | null | undefined): boolean {
  return !value || value === zeroAddress || value === zeroHash;
}
