/**
 * The SDK's schema listings against a real SchemaRegistry on an in-process chain: the web app's
 * pickers and name lookups read every schema through `listAllSchemas`, which must not stop at the
 * registry's first page (they used to show only the first 100 document kinds).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { zeroHash, type Hex } from "viem";

import { schemaRegistryAbi } from "../../src/sdk/abis.ts";
import { countSchemas, listAllSchemas, listSchemas, schemaIdOf } from "../../src/sdk/schemas/schemas.ts";

const { viem } = await network.create();
const publicClient = await viem.getPublicClient();

/** 5 × 41: a page size of 41 ends on a full page, so the last read is an empty one. */
const SCHEMAS = 205;

describe("src/sdk/schemas: listing every schema", function () {
  this.timeout(120_000);
  let schemaRegistry: Hex;

  before(async function () {
    const [admin] = await viem.getWalletClients();
    if (!admin) throw new Error("The in-process chain has no accounts.");
    // The AccessManager's admin may call every restricted function, register included.
    const manager = await viem.deployContract("AccessManager", [admin.account.address]);
    ({ address: schemaRegistry } = await viem.deployContract(
      "contracts/schemas/SchemaRegistry.sol:SchemaRegistry",
      [manager.address],
    ));
    for (let i = 0; i < SCHEMAS; i++) {
      const hash = await admin.writeContract({
        address: schemaRegistry,
        abi: schemaRegistryAbi,
        functionName: "register",
        args: [
          {
            name: `kind.${i}`,
            version: "1.0",
            definitionURI: `https://schemas.example/kind-${i}.json`,
            definitionHash: zeroHash,
            revocable: i % 2 === 0,
            reinstatable: false,
          },
        ],
      });
      await publicClient.waitForTransactionReceipt({ hash });
    }
  });

  it("counts them", async function () {
    expect(await countSchemas(publicClient, { schemaRegistry })).to.equal(SCHEMAS);
  });

  it("reads all of them in registration order, whatever the page size", async function () {
    const expected = Array.from({ length: SCHEMAS }, (_, i) =>
      schemaIdOf({ name: `kind.${i}`, version: "1.0" }),
    );
    for (const pageSize of [100, 41, 1_000]) {
      const schemas = await listAllSchemas(publicClient, { schemaRegistry, pageSize });
      expect(
        schemas.map((schema) => schema.id),
        `page size ${pageSize}`,
      ).to.deep.equal(expected);
      expect(schemas.map((schema) => schema.index)).to.deep.equal(expected.map((_, i) => i + 1));
    }
    // One page is what listSchemas is for: its default stops at 100.
    expect(await listSchemas(publicClient, { schemaRegistry })).to.have.length(100);
  });

  it("refuses a page size that would never finish", async function () {
    for (const pageSize of [0, -1, 1.5]) {
      let refused: unknown;
      try {
        await listAllSchemas(publicClient, { schemaRegistry, pageSize });
      } catch (error) {
        refused = error;
      }
      expect(refused, `page size ${pageSize}`).to.be.instanceOf(RangeError);
    }
  });
});
