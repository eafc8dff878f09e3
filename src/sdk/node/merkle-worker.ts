/** Worker entry of the fast Merkle builder: builds its share of every level, then reports. */
import { parentPort, workerData } from "node:worker_threads";

import { buildShare, type TreeLayout } from "./merkle-hashing.ts";

type Task = {
  input: SharedArrayBuffer;
  shared: SharedArrayBuffer;
  barrier: SharedArrayBuffer;
  layout: TreeLayout;
  index: number;
  workers: number;
};

const task = workerData as Task;
try {
  buildShare(
    Buffer.from(task.input),
    task.shared,
    task.layout,
    task.index,
    task.workers,
    new Int32Array(task.barrier),
  );
  parentPort?.postMessage({ ok: true });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
