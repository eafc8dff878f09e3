/**
 * An audit index written by another schema version: refused with what to do, or, for an owner that
 * re-reads everything from the chain (`npm start`'s own index), replaced by a new one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { AuditSchemaVersionError } from "../../src/indexer/errors.ts";
import { openAuditStore } from "../../src/indexer/open.ts";
import { SCHEMA_VERSION } from "../../src/indexer/store.ts";

describe("audit index schema versions (src/indexer/open.ts)", function () {
  let dir: string;
  let sqlitePath: string;

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "crossproof-audit-version-"));
    sqlitePath = join(dir, "audit.sqlite");
    const store = await openAuditStore({ sqlitePath });
    await store.db.query(`UPDATE audit_meta SET value = ? WHERE name = 'schema_version'`, [
      String(SCHEMA_VERSION - 1),
    ]);
    await store.db.query(`INSERT INTO audit_meta (name, value) VALUES ('left-by-the-old-version', 'yes')`);
    await store.close();
  });

  afterEach(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses an index of another version and says how to rebuild it", async function () {
    let refused: unknown;
    try {
      await openAuditStore({ sqlitePath });
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(AuditSchemaVersionError);
    expect((refused as Error).message).to.contain(
      `was written by schema version ${SCHEMA_VERSION - 1}, this Crossproof reads version ${SCHEMA_VERSION}. Index into a new database`,
    );
  });

  it("replaces it with a new index when asked to", async function () {
    const store = await openAuditStore({ sqlitePath }, { replaceOtherVersion: true });
    try {
      const meta = await store.db.query<{ name: string; value: string }>(
        `SELECT name, value FROM audit_meta ORDER BY name`,
      );
      expect(meta).to.deep.equal([{ name: "schema_version", value: String(SCHEMA_VERSION) }]);
    } finally {
      await store.close();
    }
  });
});
