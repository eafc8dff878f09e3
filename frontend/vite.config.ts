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

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react()],
  resolve: { alias: [{ find: /^ethers$/, replacement: ethersEsm }] },
  server: { host: "127.0.0.1", port: 5173, strictPort: true, fs: { allow: [repoRoot] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2023",
    // viem, wagmi and the contracts' ABIs in one chunk (~640 kB, ~180 kB gzipped), served locally.
    chunkSizeWarningLimit: 1000,
  },
});
