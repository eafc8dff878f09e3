/**
 * The SDK derives consent and order ids off chain (to name a consent or an order before its
 * transaction lands, and to index events); they must equal what the contracts derive
 * (contracts/libraries/ConsentIds.sol, OrderIds.sol). Checked against the contracts' pure views
 * on an in-process chain, and against the id a real grant returns.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, keccak256, maxUint256, stringToHex, zeroAddress, type Address } from "viem";

import { consentRegistryAbi, creditOrderBookAbi } from "../../src/sdk/abis.ts";
import { CONSENT_ID_TAG, consentIdOf, grantConsent } from "../../src/sdk/consent/consent.ts";
import { ORDER_ID_TAG, orderIdOf } from "../../src/sdk/credit/orders.ts";

const { viem } = await network.create();

const OWNERS: Address[] = [
  zeroAddress,
  "0x0000000000000000000000000000000000000001",
  getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
  "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF",
];
const INDEXES = [0n, 1n, 2n, 41n, 2n ** 32n, 2n ** 64n + 3n, maxUint256];

async function deploy() {
  const [deployer, owner, grantee] = await viem.getWalletClients();
  if (!deployer || !owner || !grantee) throw new Error("The in-process chain has too few accounts.");
  // Neither constructor checks its addresses: any authority and registries will do for pure views.
  // (Contracts are read through the SDK's ABIs: artifacts' types are not part of the TS project.)
  const { address: consentRegistry } = await viem.deployContract(
    "contracts/consent/ConsentRegistry.sol:ConsentRegistry",
    [deployer.account.address],
  );
  const { address: creditOrderBook } = await viem.deployContract(
    "contracts/credit/CreditOrderBook.sol:CreditOrderBook",
    [
      deployer.account.address,
      consentRegistry,
      deployer.account.address,
      keccak256(stringToHex("credit.report@1.0")),
      stringToHex("credit-report", { size: 32 }),
      30n * 86_400n,
    ],
  );
  return { consentRegistry, creditOrderBook, owner, grantee, publicClient: await viem.getPublicClient() };
}

describe("consent and order ids (SDK = contracts)", function () {
  it("uses distinct 32-byte tags for the two kinds of id", function () {
    expect(CONSENT_ID_TAG).to.equal(stringToHex("crossproof.consent.v1", { size: 32 }));
    expect(ORDER_ID_TAG).to.equal(stringToHex("crossproof.credit-order.v1", { size: 32 }));
    expect(consentIdOf({ owner: OWNERS[2]!, index: 0n })).not.to.equal(
      orderIdOf({ requester: OWNERS[2]!, index: 0n }),
    );
  });

  it("derives consentIdOf exactly as ConsentRegistry.consentIdOf", async function () {
    const { consentRegistry, publicClient } = await deploy();
    for (const owner of OWNERS) {
      for (const index of INDEXES) {
        const onChain = await publicClient.readContract({
          address: consentRegistry,
          abi: consentRegistryAbi,
          functionName: "consentIdOf",
          args: [owner, index],
        });
        expect(consentIdOf({ owner, index }), `${owner} #${index.toString()}`).to.equal(onChain);
      }
    }
  });

  it("derives orderIdOf exactly as CreditOrderBook.orderIdOf", async function () {
    const { creditOrderBook, publicClient } = await deploy();
    for (const requester of OWNERS) {
      for (const index of INDEXES) {
        const onChain = await publicClient.readContract({
          address: creditOrderBook,
          abi: creditOrderBookAbi,
          functionName: "orderIdOf",
          args: [requester, index],
        });
        expect(orderIdOf({ requester, index }), `${requester} #${index.toString()}`).to.equal(onChain);
      }
    }
  });

  it("gives lower-case and checksummed addresses the same id", function () {
    const checksummed = OWNERS[2]!;
    const lower = checksummed.toLowerCase() as Address;
    expect(consentIdOf({ owner: lower, index: 5n })).to.equal(consentIdOf({ owner: checksummed, index: 5n }));
    expect(orderIdOf({ requester: lower, index: 5n })).to.equal(
      orderIdOf({ requester: checksummed, index: 5n }),
    );
  });

  it("predicts the ids real grants get: the owner's 0th, 1st, 2nd consent", async function () {
    const { consentRegistry, owner, grantee, publicClient } = await deploy();
    const { timestamp } = await publicClient.getBlock();
    const terms = {
      grantee: grantee.account.address,
      purpose: stringToHex("credit-report", { size: 32 }),
      scope: [keccak256(stringToHex("credit.report@1.0"))],
      validFrom: timestamp,
      validUntil: timestamp + 86_400n,
      maxUses: 1,
    };
    for (const index of [0n, 1n, 2n]) {
      const { consentId } = await grantConsent(owner, { consentRegistry, terms });
      expect(consentId).to.equal(consentIdOf({ owner: owner.account.address, index }));
    }
    const listed = await publicClient.readContract({
      address: consentRegistry,
      abi: consentRegistryAbi,
      functionName: "consentsByOwner",
      args: [owner.account.address, 0n, 10n],
    });
    expect(listed).to.deep.equal(
      [0n, 1n, 2n].map((index) => consentIdOf({ owner: owner.account.address, index })),
    );
  });
});
