/**
 * The machine's CPU reference (MachineInfo.cpuReferenceMs): a fixed single-threaded JavaScript
 * workload, 20,000 chained keccak-256 hashes of 64 bytes with @noble/hashes (pure JavaScript),
 * run 5 times in this fresh process; prints the fastest run in ms. A fresh process, so that what a
 * benchmark loaded or runs in the background (Hardhat, EDR's threads) does not change it. Never
 * change the workload: results are compared by its time.
 *
 * Run: `node bench/lib/cpu-reference.ts`
 */
import { performance } from "node:perf_hooks";

import { keccak_256 } from "@noble/hashes/sha3.js";

function workload(): Uint8Array {
  const block = new Uint8Array(64);
  for (let i = 0; i < 20_000; i++) block.set(keccak_256(block), i % 2 === 0 ? 0 : 32);
  return block;
}

let fastest = Infinity;
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  workload();
  fastest = Math.min(fastest, performance.now() - started);
}
console.log(fastest.toFixed(1));
