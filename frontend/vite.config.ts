/**
 * Vite build of the web app: `vite build frontend` (npm run build:web) writes frontend/dist, which
 * src/server/web.ts serves. The app imports the SDK from ../src/sdk by relative path.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
// ethr-did-resolver's ESM entry wraps its CommonJS build, which require()s ethers' CommonJS build,
// while the SDK imports ethers' ESM build: without this alias both copies end up in the bundle.
const ethersEsm = createRequire(import.meta.url)
  .resolve("ethers")
  .replace(/lib\.commonjs/, "lib.esm");

/** A module id inside one of these npm packages (or scopes). */
const inPackages = (...names: string[]) =>
  new RegExp(`[\\\\/]node_modules[\\\\/](${names.join("|")})[\\\\/]`);

/**
 * The large libraries the app loads at start, each in a chunk of its own: no chunk reaches Vite's
 * 500 kB warning, and, as they change less often than the app, browsers keep them cached across
 * releases. Only code loaded at start (`$initial`) is grouped: what is imported on demand (the DID
 * resolver) stays in its own chunk. A group also takes the modules its own modules import. (Vite 8
 * bundles with Rolldown, whose `output.codeSplitting.groups` replaces the deprecated
 * `rollupOptions.output.manualChunks`.)
 */
const VENDOR_CHUNKS = {
  react: inPackages("react", "react-dom", "scheduler"),
  viem: inPackages("viem", "ox", "abitype", "@noble", "@scure"),
  zod: inPackages("zod"),
  wagmi: inPackages("wagmi", "@wagmi", "@tanstack", "mipd", "eventemitter3", "use-sync-external-store"),
};

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  resolve: { alias: [{ find: /^ethers$/, replacement: ethersEsm }] },
  server: { host: "127.0.0.1", port: 5173, strictPort: true, fs: { allow: [repoRoot] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2023",
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: Object.entries(VENDOR_CHUNKS).map(([name, test]) => ({ name, test, tags: ["$initial"] })),
        },
      },
    },
  },
});
