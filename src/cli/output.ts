/** Printing results: human lines, or one JSON document with --json; progress on stderr. */
import { UNPRINTABLE } from "../sdk/text.ts";

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
}

/**
 * Every line the CLI prints to a terminal goes through `printable`: names, descriptions and URIs on
 * chain are chosen by institutions, and a line break, an escape sequence or a bidirectional override
 * in one could forge a line of output (a revocation that never happened) or restyle the screen.
 */
export function printLine(line = ""): void {
  process.stdout.write(`${printable(line, { keepTabs: true })}\n`);
}

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` with every control character, bidirectional control and line separator written as an
 * escape (`\n`, `\u001b`, `\u202e`), so it prints as one visible line. Tabs stay with `keepTabs`
 * (the CLI's own column separators).
 */
export function printable(text: string, { keepTabs = false }: { keepTabs?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (character) =>
    keepTabs && character === "\t"
      ? character
      : (ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`),
  );
}

/** A progress bar on stderr, drawn only on a terminal and at most ~10 times a second. */
export function progress(
  label: string,
  total: number,
  enabled: boolean,
): { tick(done: number): void; end(): void } {
  const draw = enabled && process.stderr.isTTY && total > 0;
  let last = 0;
  const render = (done: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(
      `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")}`,
    );
  };
  return {
    tick(done) {
      if (!draw) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      render(done);
    },
    end() {
      if (!draw) return;
      render(total);
      process.stderr.write("\n");
    },
  };
}

export function formatTime(seconds: number): string {
  return seconds === 0 ? "never" : new Date(seconds * 1000).toISOString();
}
