/** Printing results: human lines, or one JSON document with --json; progress on stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
}

export function printLine(line = ""): void {
  process.stdout.write(`${line}\n`);
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
