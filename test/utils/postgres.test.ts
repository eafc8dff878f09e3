/**
 * The throwaway PostgreSQL server of test/utils/postgres.ts: it starts (as root through the
 * `postgres` system user), serves SQL through `pg` at the URL it returns, and stop() ends the
 * postmaster itself, even with a client still connected, frees the port and deletes its directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";

import { expect } from "chai";
import pg from "pg";

import { startPostgres, type PostgresServer } from "./postgres.ts";

/** The error code of a TCP connection attempt to 127.0.0.1:port, or "connected". */
function probe(port: number): Promise<string> {
  return new Promise((resolveProbe) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolveProbe("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      resolveProbe(error.code ?? error.message);
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

describe("startPostgres (throwaway PostgreSQL server)", function () {
  let server: PostgresServer;

  before(async function () {
    server = await startPostgres();
  });

  after(async function () {
    await server.stop();
  });

  it("serves the database it names at 127.0.0.1 on its port, as the postgres superuser", async function () {
    expect(server.url).to.equal(`postgres://postgres@127.0.0.1:${server.port}/crossproof_test`);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number; db: string; who: string }>(
        "select 1 as one, current_database() as db, current_user as who",
      );
      expect(rows).to.deep.equal([{ one: 1, db: "crossproof_test", who: "postgres" }]);

      await client.query("create table notes (id serial primary key, body text not null)");
      await client.query("insert into notes (body) values ($1), ($2)", ["première", "second"]);
      const notes = await client.query<{ id: number; body: string }>(
        "select id, body from notes order by id",
      );
      expect(notes.rows).to.deep.equal([
        { id: 1, body: "première" },
        { id: 2, body: "second" },
      ]);
    } finally {
      await client.end();
    }
  });

  it("creates the database asked for", async function () {
    const other = await startPostgres({ database: "indexer bench" });
    try {
      expect(other.port).to.not.equal(server.port);
      expect(other.url).to.equal(`postgres://postgres@127.0.0.1:${other.port}/indexer%20bench`);
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ db: string }>("select current_database() as db");
        expect(rows).to.deep.equal([{ db: "indexer bench" }]);
      } finally {
        await client.end();
      }
    } finally {
      await other.stop();
    }
  });

  it("stop() ends the postmaster even with a client connected, frees the port and deletes the directory", async function () {
    const doomed = await startPostgres();
    const postmasterPid = Number(readFileSync(join(doomed.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    expect(isRunning(postmasterPid)).to.be.true;
    expect(await probe(doomed.port)).to.equal("connected");

    const client = new pg.Client({ connectionString: doomed.url });
    client.on("error", () => {}); // the server ends this connection
    await client.connect();

    const started = Date.now();
    await doomed.stop();
    // A fast shutdown: no waiting for the client (a smart one would), no SIGKILL 5 s later.
    expect(Date.now() - started).to.be.below(4_000);
    await client.end().catch(() => {});

    expect(isRunning(postmasterPid)).to.be.false;
    expect(await probe(doomed.port)).to.equal("ECONNREFUSED");
    expect(existsSync(doomed.dataDir)).to.be.false;
    expect(existsSync(dirname(doomed.dataDir))).to.be.false;
    await doomed.stop(); // idempotent
  });
});
