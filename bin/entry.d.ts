/** See bin/entry.js. */
export function cliEntry(env?: Record<string, string | undefined>, root?: URL): URL;
