/**
 * DIDs end to end: the real `crossproof` bin against a real local chain (Hardhat's EDR node) with the
 * DIDRegistry deployed, resolved by the real, unmodified ethr-did-resolver, both through the SDK and
 * through `crossproof did resolve`. Plus the SDK's pure helpers (DIDs, attributes, signed requests).
 */
import { stat, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { expect } from "chai";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  getAddress,
  http,
  keccak256,
  zeroAddress,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { didRegistryAbi } from "../../src/sdk/abis.ts";
import type { SigningClient } from "../../src/sdk/actions/transact.ts";
import { parseDeploymentManifest } from "../../src/sdk/deployments.ts";
import { ChainUnreachableError, ContractRevertError, InvalidInputError } from "../../src/sdk/errors.ts";
import {
  applyDidChange,
  createDidResolver,
  decodeBytes32Text,
  decodeDidAttribute,
  didOf,
  encodeBytes32Text,
  encodeDelegateType,
  getDidState,
  parseDid,
  parseDuration,
  parseSignedDidRequest,
  publicKeyAttribute,
  recoverDidRequestSigner,
  resolveDid,
  serviceAttribute,
  signDidChange,
  submitSignedDidRequest,
  type DidResolver,
  type DIDResolutionResult,
  type SignedDidRequest,
} from "../../src/sdk/identity/index.ts";

import {
  DEV_KEYS,
  freePort,
  rpc,
  startDeployedChain,
  type DeployedChain,
} from "../../scripts/lib/local-chain.ts";
import { runCli, type CliResult } from "../utils/cli.ts";

/** Unique to this file (test/cli uses 31401-31402, test/start 31404). */
const CHAIN_ID = 31_405;
const NETWORK = "0x7aad";

type Result = CliResult;
type Identity = { key: Hex; address: Address; did: string };

const cli = runCli;

/** A verification method's key material field (ethr-did-resolver still uses the deprecated names). */
function keyField(method: object, field: "publicKeyHex" | "publicKeyBase58"): unknown {
  return (method as Record<string, unknown>)[field];
}

/** A failed command: the expected exit code and exactly one line on stderr, no stack trace. */
function expectOneLineError(result: Result, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).to.equal(code);
  const lines = result.stderr.trim().split("\n");
  expect(lines, result.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^crossproof: /);
  expect(lines[0]).to.match(pattern);
  expect(result.stderr).not.to.contain("    at ");
}

describe("DIDs: crossproof did + ethr-did-resolver on a local chain", function () {
  let chain: DeployedChain | undefined;
  let dir: string;
  let env: Record<string, string>;
  let didRegistry: Address;
  let publicClient: PublicClient;
  let relayer: SigningClient;
  let resolver: DidResolver | undefined;
  let viemChain: Chain;

  const run = (args: string[], key: string = DEV_KEYS[0]) =>
    cli(args, { ...env, CROSSPROOF_PRIVATE_KEY: key });
  const sdkResolve = (did: string) => resolver!.resolve(did);
  const resolveViaCli = async (did: string): Promise<DIDResolutionResult> => {
    const result = await run(["did", "resolve", did, "--json"]);
    expect(result.code, result.stderr).to.equal(0);
    return result.json as unknown as DIDResolutionResult;
  };

  /** A fresh identity (a pairwise DID), funded unless `funded` is false. */
  async function newIdentity(funded = true): Promise<Identity> {
    const key = generatePrivateKey();
    const { address } = privateKeyToAccount(key);
    if (funded) await rpc(chain!.rpcUrl, "hardhat_setBalance", [address, "0x56bc75e2d63100000"]);
    return { key, address, did: didOf({ chainId: CHAIN_ID, address }) };
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "crossproof-did-"));
    // The whole system, deployed by the real deploy script; the did commands use its DIDRegistry.
    chain = await startDeployedChain("hardhat", CHAIN_ID);
    viemChain = defineChain({
      id: CHAIN_ID,
      name: "DID test chain",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    });
    publicClient = createPublicClient({ chain: viemChain, transport: http(chain.rpcUrl) });
    relayer = createWalletClient({
      account: privateKeyToAccount(DEV_KEYS[0]),
      chain: viemChain,
      transport: http(chain.rpcUrl),
    });
    const manifestPath = join(chain.deploymentsDir, `${CHAIN_ID}.json`);
    const manifest = parseDeploymentManifest(JSON.parse(await readFile(manifestPath, "utf8")), manifestPath);
    didRegistry = getAddress(manifest.contracts.DIDRegistry);
    env = {
      CROSSPROOF_RPC_URL: chain.rpcUrl,
      CROSSPROOF_DEPLOYMENTS_DIR: chain.deploymentsDir,
      CROSSPROOF_MANIFEST: "",
      CROSSPROOF_PRIVATE_KEY: DEV_KEYS[0],
    };
    resolver = createDidResolver({ chainId: CHAIN_ID, rpcUrl: chain.rpcUrl, didRegistry });
  });

  after(async function () {
    resolver?.destroy();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("create prints the DID of the key; show reports a fresh identity", async function () {
    const me = await newIdentity();
    const created = await run(["did", "create", "--json"], me.key);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.json.did).to.equal(`did:ethr:${NETWORK}:${me.address.toLowerCase()}`);
    const human = await run(["did", "create"], me.key);
    expect(human.stdout.trim()).to.equal(me.did);

    const shown = await run(["did", "show", me.did, "--json"]);
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.json).to.deep.include({
      did: me.did,
      identity: me.address,
      owner: me.address,
      changed: "0",
      nonce: "0",
      deactivated: false,
    });
    expect((await run(["did", "show"], me.key)).stdout).to.contain("(itself)");
  });

  it("resolves a fresh DID with its #controller, through the SDK and the CLI", async function () {
    const me = await newIdentity(false);
    for (const result of [await sdkResolve(me.did), await resolveViaCli(me.did)]) {
      const document = result.didDocument!;
      expect(document.id).to.equal(me.did);
      expect(document.verificationMethod).to.deep.equal([
        {
          id: `${me.did}#controller`,
          type: "EcdsaSecp256k1RecoveryMethod2020",
          controller: me.did,
          blockchainAccountId: `eip155:${CHAIN_ID}:${me.address}`,
        },
      ]);
      expect(document.authentication).to.deep.equal([`${me.did}#controller`]);
      expect(document.assertionMethod).to.deep.equal([`${me.did}#controller`]);
      expect(result.didDocumentMetadata.deactivated).to.equal(undefined);
    }
    const human = await run(["did", "resolve", me.did]);
    expect(human.stdout).to.contain("#controller");
    expect(human.stdout).to.contain(`eip155:${CHAIN_ID}:${me.address}`);
  });

  it("add-key publishes keys the resolver shows (veriKey in assertionMethod, X25519 in keyAgreement); revoke-key removes one", async function () {
    const me = await newIdentity();
    const secp = `0x02${"ab".repeat(32)}`;
    const added = await run(
      ["did", "add-key", "--type", "Secp256k1", "--purpose", "veriKey", "--hex", secp, "--json"],
      me.key,
    );
    expect(added.code, added.stderr).to.equal(0);
    expect(added.json.did).to.equal(me.did);
    const x25519 = "9GXjPGGvmRq9F6Ng5dQQXvzxxLY5TKXz5V4TJwKcNPdT"; // 32 bytes in base58
    const agreed = await run(
      ["did", "add-key", "--type", "X25519", "--purpose", "enc", "--base58", x25519, "--validity", "7d"],
      me.key,
    );
    expect(agreed.code, agreed.stderr).to.equal(0);
    expect(agreed.stdout).to.match(/^Added key did\/pub\/X25519\/enc\/base58 \(valid 7 days\) for /);

    const document = (await resolveViaCli(me.did)).didDocument!;
    const veriKey = document.verificationMethod!.find(
      (method) => keyField(method, "publicKeyHex") === secp.slice(2),
    );
    expect(veriKey, JSON.stringify(document)).to.include({
      type: "EcdsaSecp256k1VerificationKey2019",
      controller: me.did,
    });
    expect(document.assertionMethod).to.include(veriKey!.id);
    expect(document.authentication).not.to.include(veriKey!.id);
    const agreement = document.verificationMethod!.find(
      (method) => keyField(method, "publicKeyBase58") === x25519,
    );
    expect(agreement, JSON.stringify(document)).to.include({ type: "X25519KeyAgreementKey2019" });
    expect(document.keyAgreement).to.deep.equal([agreement!.id]);

    const revoked = await run(
      ["did", "revoke-key", "--type", "Secp256k1", "--purpose", "veriKey", "--hex", secp],
      me.key,
    );
    expect(revoked.code, revoked.stderr).to.equal(0);
    const after = (await sdkResolve(me.did)).didDocument!;
    expect(after.verificationMethod!.map((method) => keyField(method, "publicKeyHex"))).not.to.include(
      secp.slice(2),
    );
    expect(after.keyAgreement).to.have.length(1);
  });

  it("add-service publishes a service endpoint the resolver shows; revoke-service removes it", async function () {
    const me = await newIdentity();
    const endpoint = "https://issuer.example/.well-known/did-configuration.json";
    const added = await run(
      ["did", "add-service", "--type", "LinkedDomains", "--endpoint", endpoint],
      me.key,
    );
    expect(added.code, added.stderr).to.equal(0);
    const result = await sdkResolve(me.did);
    expect(result.didDocument!.service).to.deep.equal([
      { id: `${me.did}#service-1`, type: "LinkedDomains", serviceEndpoint: endpoint },
    ]);
    expect((await run(["did", "resolve", me.did])).stdout).to.contain(`LinkedDomains  ${endpoint}`);

    const revoked = await run(
      ["did", "revoke-service", "--type", "LinkedDomains", "--endpoint", endpoint],
      me.key,
    );
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect((await sdkResolve(me.did)).didDocument!.service).to.equal(undefined);
  });

  it("create --generate makes a pairwise DID whose first service is signed by the new key and paid by --key", async function () {
    const keyFile = join(dir, "pairwise.key");
    const endpoint = "https://holder.example/inbox";
    const created = await run([
      "did",
      "create",
      "--generate",
      keyFile,
      "--type",
      "DIDCommMessaging",
      "--endpoint",
      endpoint,
      "--json",
    ]);
    expect(created.code, created.stderr).to.equal(0);
    expect((await stat(keyFile)).mode & 0o777).to.equal(0o600);
    const key = (await readFile(keyFile, "utf8")).trim() as Hex;
    const address = privateKeyToAccount(key).address;
    expect(created.json.did).to.equal(didOf({ chainId: CHAIN_ID, address }));
    expect(await publicClient.getBalance({ address })).to.equal(0n);
    const document = (await sdkResolve(created.json.did as string)).didDocument!;
    expect(document.service).to.deep.equal([
      { id: `${created.json.did as string}#service-1`, type: "DIDCommMessaging", serviceEndpoint: endpoint },
    ]);

    const again = await run(["did", "create", "--generate", keyFile]);
    expectOneLineError(again, 2, /never overwrites a key file/);
  });

  it("change-owner rotates the controller; the old key can no longer write, the new one can", async function () {
    const me = await newIdentity();
    const next = await newIdentity();
    const rotated = await run(["did", "change-owner", next.address], me.key);
    expect(rotated.code, rotated.stderr).to.equal(0);

    const result = await resolveViaCli(me.did);
    expect(result.didDocument!.verificationMethod![0]).to.deep.equal({
      id: `${me.did}#controller`,
      type: "EcdsaSecp256k1RecoveryMethod2020",
      controller: me.did,
      blockchainAccountId: `eip155:${CHAIN_ID}:${next.address}`,
    });
    expect((await run(["did", "show", me.did, "--json"])).json.owner).to.equal(next.address);

    const stale = await run(
      ["did", "add-service", "--type", "LinkedDomains", "--endpoint", "https://old.example"],
      me.key,
    );
    expectOneLineError(stale, 1, /is not the owner of identity/);

    const byNewOwner = await run(
      ["did", "add-service", "--did", me.did, "--type", "LinkedDomains", "--endpoint", "https://new.example"],
      next.key,
    );
    expect(byNewOwner.code, byNewOwner.stderr).to.equal(0);
    expect((await sdkResolve(me.did)).didDocument!.service![0]!.serviceEndpoint).to.equal(
      "https://new.example",
    );
  });

  it("shows delegates; one added for 3 seconds disappears once it expires (host clock), revoke-delegate removes another", async function () {
    const me = await newIdentity();
    const lasting = await newIdentity(false);
    const brief = await newIdentity(false);
    const long = await run(
      ["did", "delegate", lasting.address, "--type", "sigAuth", "--validity", "1h"],
      me.key,
    );
    expect(long.code, long.stderr).to.equal(0);
    const short = await run(["did", "delegate", brief.address, "--validity", "3", "--json"], me.key);
    expect(short.code, short.stderr).to.equal(0);
    expect(short.json).to.include({ type: "veriKey", validity: 3 });

    const accounts = (result: DIDResolutionResult) =>
      result.didDocument!.verificationMethod!.map((method) => method.blockchainAccountId);
    const before = await sdkResolve(me.did);
    expect(accounts(before)).to.include.members([
      `eip155:${CHAIN_ID}:${lasting.address}`,
      `eip155:${CHAIN_ID}:${brief.address}`,
    ]);
    const sigAuth = before.didDocument!.verificationMethod!.find(
      (method) => method.blockchainAccountId === `eip155:${CHAIN_ID}:${lasting.address}`,
    )!;
    expect(before.didDocument!.authentication).to.include(sigAuth.id);

    // Wait (real time: the resolver judges expiry by the host clock) until the short one has expired.
    const validTo = await publicClient.readContract({
      address: didRegistry,
      abi: didRegistryAbi,
      functionName: "delegates",
      args: [
        me.address,
        keccak256(encodeAbiParameters([{ type: "bytes32" }], [encodeDelegateType("veriKey")])),
        brief.address,
      ],
    });
    await waitUntilPast(validTo);

    const expired = await resolveViaCli(me.did);
    expect(accounts(expired)).to.include(`eip155:${CHAIN_ID}:${lasting.address}`);
    expect(accounts(expired)).not.to.include(`eip155:${CHAIN_ID}:${brief.address}`);

    const revoked = await run(
      ["did", "revoke-delegate", lasting.address, "--type", "sigAuth", "--json"],
      me.key,
    );
    expect(revoked.code, revoked.stderr).to.equal(0);
    // Revocation sets validTo to the block's timestamp, and the resolver keeps a delegate while
    // validTo >= now (host clock): wait for that second to pass (the chain may run a little ahead).
    const block = await publicClient.getBlock({ blockNumber: BigInt(revoked.json.blockNumber as string) });
    await waitUntilPast(block.timestamp);
    expect(accounts(await sdkResolve(me.did))).to.deep.equal([`eip155:${CHAIN_ID}:${me.address}`]);
  });

  it("deactivate asks for --yes, then the DID resolves deactivated with an empty document and refuses every write", async function () {
    const me = await newIdentity();
    expect(
      (
        await run(
          ["did", "add-service", "--type", "LinkedDomains", "--endpoint", "https://x.example"],
          me.key,
        )
      ).code,
    ).to.equal(0);
    const unconfirmed = await run(["did", "deactivate"], me.key);
    expectOneLineError(unconfirmed, 2, /Deactivation is final.*--yes/);

    const deactivated = await run(["did", "deactivate", "--yes"], me.key);
    expect(deactivated.code, deactivated.stderr).to.equal(0);

    for (const result of [await sdkResolve(me.did), await resolveViaCli(me.did)]) {
      expect(result.didDocumentMetadata.deactivated).to.equal(true);
      expect(result.didDocument).to.deep.include({
        id: me.did,
        verificationMethod: [],
        authentication: [],
        assertionMethod: [],
      });
      expect(result.didDocument!.service).to.equal(undefined);
    }
    expect((await run(["did", "resolve", me.did])).stdout).to.contain("DEACTIVATED");
    const shown = await run(["did", "show", me.did, "--json"]);
    expect(shown.json).to.include({ owner: zeroAddress, deactivated: true });

    const write = await run(
      ["did", "add-service", "--type", "LinkedDomains", "--endpoint", "https://y.example"],
      me.key,
    );
    expectOneLineError(write, 1, /is deactivated, and a deactivated DID can never change again/);
    const json = await run(["did", "change-owner", DEV_KEYS_ADDRESS_1, "--json"], me.key);
    expect(json.code).to.equal(1);
    expect(json.json).to.deep.equal({
      error: {
        code: "contract-revert",
        message: `changeOwner refused: identity ${me.address} is deactivated, and a deactivated DID can never change again.`,
      },
    });
    try {
      await applyDidChange(createWallet(me.key), {
        didRegistry,
        change: { action: "changeOwner", identity: me.address, newOwner: me.address },
      });
      expect.fail("a deactivated DID accepted a change");
    } catch (error) {
      expect(error).to.be.instanceOf(ContractRevertError);
      expect((error as ContractRevertError).errorName).to.equal("IdentityDeactivated");
    }
  });

  it("a request signed by an unfunded owner is submitted by a relayer; replaying it is refused", async function () {
    const owner = await newIdentity(false);
    const file = join(dir, "signed-service.json");
    const endpoint = "https://owner.example/didcomm";
    const signed = await run(
      ["did", "sign", "add-service", "--type", "DIDCommMessaging", "--endpoint", endpoint, "--out", file],
      owner.key,
    );
    expect(signed.code, signed.stderr).to.equal(0);
    expect(signed.stdout).to.contain("(nonce 0, valid until");
    const request = parseSignedDidRequest(JSON.parse(await readFile(file, "utf8")), file);
    expect(request).to.include({ chainId: CHAIN_ID, didRegistry, signer: owner.address, nonce: "0" });
    expect(await recoverDidRequestSigner(request)).to.equal(owner.address);

    const submitted = await run(["did", "submit", file, "--json"]);
    expect(submitted.code, submitted.stderr).to.equal(0);
    expect(submitted.json).to.include({
      did: owner.did,
      action: "setAttribute",
      signer: owner.address,
      relayer: privateKeyToAccount(DEV_KEYS[0]).address,
    });
    expect(await publicClient.getBalance({ address: owner.address })).to.equal(0n);
    expect((await sdkResolve(owner.did)).didDocument!.service).to.deep.equal([
      { id: `${owner.did}#service-1`, type: "DIDCommMessaging", serviceEndpoint: endpoint },
    ]);
    expect((await getDidState(publicClient, { didRegistry, identity: owner.address })).nonce).to.equal(1n);

    const replayed = await run(["did", "submit", file]);
    expectOneLineError(replayed, 1, /this signed request was already used .*cannot be replayed/);

    // A signed deactivation: the owner signs (with --yes), the relayer submits.
    const deactivation = join(dir, "signed-deactivate.json");
    expectOneLineError(
      await run(["did", "sign", "deactivate", "--out", deactivation], owner.key),
      2,
      /Add --yes/,
    );
    expect(
      (await run(["did", "sign", "deactivate", "--yes", "--out", deactivation], owner.key)).code,
    ).to.equal(0);
    expect((await run(["did", "submit", deactivation])).code).to.equal(0);
    expect((await sdkResolve(owner.did)).didDocumentMetadata.deactivated).to.equal(true);
  });

  it("signs with a JSON-RPC (node) account and a local account through the SDK; refuses edited requests", async function () {
    // The node's unlocked account #1 signs with eth_signTypedData_v4.
    const nodeAccount = privateKeyToAccount(DEV_KEYS[1]).address;
    const nodeWallet = createWalletClient({
      account: nodeAccount,
      chain: viemChain,
      transport: http(chain!.rpcUrl),
    });
    const identity = nodeAccount;
    const service = serviceAttribute({ type: "LinkedDomains", endpoint: "https://node.example" });
    const request = await signDidChange(nodeWallet, {
      didRegistry,
      change: { action: "setAttribute", identity, name: service.name, value: service.value, validity: 3600n },
    });
    expect(request.signer).to.equal(nodeAccount);
    expect(await recoverDidRequestSigner(request)).to.equal(nodeAccount);
    // The JSON survives a round trip through a file.
    const roundTripped = parseSignedDidRequest(JSON.parse(JSON.stringify(request)));
    await submitSignedDidRequest(relayer, { didRegistry, request: roundTripped });
    const did = didOf({ chainId: CHAIN_ID, address: identity });
    expect((await sdkResolve(did)).didDocument!.service![0]!.serviceEndpoint).to.equal(
      "https://node.example",
    );

    // A local account: signs in process; the next nonce is read from the registry.
    const local = await newIdentity(false);
    const rotation = await signDidChange(createWallet(local.key), {
      didRegistry,
      change: { action: "changeOwner", identity: local.address, newOwner: nodeAccount },
    });
    expect(rotation.nonce).to.equal("0");

    // Edited after signing: the signature no longer covers it.
    const edited: SignedDidRequest = {
      ...rotation,
      change: { action: "changeOwner", identity: local.address, newOwner: local.address },
    };
    await expectRejected(
      submitSignedDidRequest(relayer, { didRegistry, request: edited }),
      ContractRevertError,
      /the request was signed by 0x[0-9a-fA-F]{40}, but identity .* is owned by/,
    );
    // For another chain, or another registry: refused before sending.
    await expectRejected(
      submitSignedDidRequest(relayer, { didRegistry, request: { ...rotation, chainId: 1 } }),
      InvalidInputError,
      /is for chain 1, but the RPC endpoint serves chain 31405/,
    );
    await expectRejected(
      submitSignedDidRequest(relayer, {
        didRegistry,
        request: { ...rotation, didRegistry: `0x${"12".repeat(20)}` },
      }),
      InvalidInputError,
      /is for the DID registry 0x1212/,
    );
    // Past its deadline.
    const late = await signDidChange(createWallet(local.key), {
      didRegistry,
      change: { action: "changeOwner", identity: local.address, newOwner: nodeAccount },
      deadline: 1,
    });
    await expectRejected(
      submitSignedDidRequest(relayer, { didRegistry, request: late }),
      ContractRevertError,
      /the signed request expired at 1970-01-01T00:00:01.000Z/,
    );

    await submitSignedDidRequest(relayer, { didRegistry, request: rotation });
    expect((await getDidState(publicClient, { didRegistry, identity: local.address })).owner).to.equal(
      nodeAccount,
    );
  });

  it("bad input exits 2 with one line: malformed DID, unknown network, wrong chain, wrong registry, bad request file, missing flags", async function () {
    const address = privateKeyToAccount(DEV_KEYS[0]).address.toLowerCase();
    expectOneLineError(await run(["did", "resolve", "did:ethr:0x7aad:0x1234"]), 2, /is not an address/);
    expectOneLineError(await run(["did", "resolve", "not-a-did"]), 2, /is not a DID/);
    expectOneLineError(
      await run(["did", "resolve", `did:ethr:sepolia:${address}`]),
      2,
      /names network "sepolia"/,
    );
    expectOneLineError(await run(["did", "resolve", `did:web:example.com`]), 2, /uses the "web" DID method/);
    expectOneLineError(
      await run(["did", "resolve", `did:ethr:0x1:${address}`]),
      2,
      /is a DID of chain 1, but the RPC endpoint serves chain 31405/,
    );
    expectOneLineError(
      await run([
        "did",
        "add-service",
        "--did",
        `did:ethr:0x1:${address}`,
        "--type",
        "X",
        "--endpoint",
        "https://x",
      ]),
      2,
      /is a DID of chain 1/,
    );
    const json = await run(["did", "resolve", `did:ethr:0x1:${address}`, "--json"]);
    expect((json.json.error as { code: string }).code).to.equal("invalid-input");

    const bogus = join(dir, "bogus-request.json");
    await writeFile(bogus, JSON.stringify({ type: "crossproof.did-request", version: 1, chainId: CHAIN_ID }));
    expectOneLineError(
      await run(["did", "submit", bogus]),
      2,
      /is not a signed Crossproof DID request: field "didRegistry"/,
    );
    const manifest = JSON.parse(await readFile(join(chain!.deploymentsDir, `${CHAIN_ID}.json`), "utf8")) as {
      contracts: Record<string, string>;
    };
    const wrongManifest = join(dir, "wrong-registry.json");
    manifest.contracts.DIDRegistry = `0x${"00".repeat(19)}01`;
    await writeFile(wrongManifest, JSON.stringify(manifest));
    expectOneLineError(
      await run([
        "did",
        "add-service",
        "--type",
        "A",
        "--endpoint",
        "https://x",
        "--manifest",
        wrongManifest,
      ]),
      2,
      /No DID registry answers at 0x0+1 .*check the deployment manifest/,
    );
    expectOneLineError(
      await run(["did", "resolve", `did:ethr:${NETWORK}:${address}`, "--manifest", wrongManifest]),
      2,
      /no DID registry answers at 0x0+1 on chain 31405/,
    );
    expectOneLineError(await run(["did", "delegate", address]), 2, /needs --validity/);
    expectOneLineError(
      await run(["did", "add-key", "--type", "Ed25519", "--purpose", "enc", "--hex", `0x${"11".repeat(32)}`]),
      2,
      /An Ed25519 key cannot have purpose enc/,
    );
    expectOneLineError(
      await run(["did", "add-service", "--type", "Linked-Domains", "--endpoint", "https://x.example"]),
      2,
      /must be letters, digits or _ only/,
    );
    expectOneLineError(
      await run([
        "did",
        "add-service",
        "--type",
        "ThisServiceTypeIsFarTooLongForBytes32",
        "--endpoint",
        "https://x",
      ]),
      2,
      /at most 32 bytes/,
    );
  });

  it("the SDK resolver raises ChainUnreachableError for a refused connection and for a node that never answers", async function () {
    const port = await freePort();
    await expectRejected(
      resolveDid({
        chainId: CHAIN_ID,
        rpcUrl: `http://127.0.0.1:${port}`,
        didRegistry,
        did: `did:ethr:${NETWORK}:${zeroAddress.replace(/0$/, "1")}`,
      }),
      ChainUnreachableError,
      /Cannot reach the chain/,
    );
    const silent: Server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolveListen) => silent.listen(0, "127.0.0.1", resolveListen));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      await expectRejected(
        resolveDid({
          chainId: CHAIN_ID,
          rpcUrl: `http://127.0.0.1:${silentPort}`,
          didRegistry,
          did: `did:ethr:${NETWORK}:${zeroAddress.replace(/0$/, "1")}`,
          timeoutMs: 500,
        }),
        ChainUnreachableError,
        /did not answer within 500 ms/,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolveClose) => {
        silent.close(() => {
          resolveClose();
        });
      });
    }
  });

  it("the SDK resolver reads through a viem client as well (the web app's reader), with the same document", async function () {
    const me = await newIdentity();
    await applyDidChange(createWallet(me.key), {
      didRegistry,
      change: {
        action: "setAttribute",
        identity: me.address,
        ...serviceAttribute({ type: "LinkedDomains", endpoint: "https://client.example" }),
        validity: 3_600n,
      },
    });
    const throughClient = createDidResolver({ chainId: CHAIN_ID, client: publicClient, didRegistry });
    try {
      const viaClient = await throughClient.resolve(me.did);
      expect(viaClient.didDocument?.service).to.deep.equal([
        { id: `${me.did}#service-1`, type: "LinkedDomains", serviceEndpoint: "https://client.example" },
      ]);
      expect(viaClient.didDocument).to.deep.equal((await sdkResolve(me.did)).didDocument);
    } finally {
      throughClient.destroy();
    }
    const port = await freePort();
    const unreachable = createPublicClient({
      chain: viemChain,
      transport: http(`http://127.0.0.1:${port}`, { retryCount: 0 }),
    });
    await expectRejected(
      resolveDid({ chainId: CHAIN_ID, client: unreachable, didRegistry, did: me.did }),
      ChainUnreachableError,
      new RegExp(`Cannot reach the chain at http://127\\.0\\.0\\.1:${port}`),
    );
  });

  function createWallet(key: Hex): SigningClient {
    return createWalletClient({
      account: privateKeyToAccount(key),
      chain: viemChain,
      transport: http(chain!.rpcUrl),
    });
  }
});

const DEV_KEYS_ADDRESS_1 = privateKeyToAccount(DEV_KEYS[1]).address;

/** Waits (real time) until the host clock is past Unix second `seconds`, as the resolver judges expiry. */
async function waitUntilPast(seconds: bigint): Promise<void> {
  while (Date.now() < (Number(seconds) + 1) * 1000 + 100) await sleep(100);
}

async function expectRejected(
  promise: Promise<unknown>,
  type: new (...args: never[]) => Error,
  message: RegExp,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail(`expected a ${type.name}`);
}

describe("DIDs: SDK helpers", function () {
  const address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  it("writes canonical DIDs and parses them back, with a clear message for each kind of mistake", function () {
    const did = didOf({ chainId: 31_337, address });
    expect(did).to.equal("did:ethr:0x7a69:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    expect(parseDid(did)).to.deep.equal({ did, chainId: 31_337, address, network: "0x7a69" });
    expect(parseDid(`did:ethr:0x7a69:${address}`).did).to.equal(did);
    const cases: [string, RegExp][] = [
      ["", /A DID is required/],
      ["ethr:0x7a69:0x00", /is not a DID/],
      ["did:key:z6Mk", /uses the "key" DID method/],
      [`did:ethr:${address}`, /names no chain/],
      [`did:ethr:0x07a69:${address}`, /write the chain id as 0x7a69/],
      [`did:ethr:0x0:${address}`, /not a usable chain id/],
      [`did:ethr:0x7a69:0x02${"11".repeat(32)}`, /is a public-key DID/],
      [`did:ethr:0x7a69:${address.replace("Fd6", "fd6")}`, /wrong checksum/],
      [`${did}#controller`, /is a DID URL/],
      [`did:ethr:0x7a69:extra:${address}`, /is not did:ethr:0x<chain id in hex>:0x<address>/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseDid(input), input).to.throw(InvalidInputError, message);
    }
  });

  it("encodes and decodes key and service attributes; rejects names over 32 bytes and bad keys", function () {
    const key = publicKeyAttribute({
      algorithm: "Ed25519",
      purpose: "sigAuth",
      encoding: "base64",
      publicKey: `0x${"07".repeat(32)}`,
    });
    expect(key.nameText).to.equal("did/pub/Ed25519/sigAuth/base64");
    expect(decodeBytes32Text(key.name)).to.equal(key.nameText);
    expect(decodeDidAttribute(key)).to.deep.equal({
      kind: "publicKey",
      name: "did/pub/Ed25519/sigAuth/base64",
      algorithm: "Ed25519",
      purpose: "sigAuth",
      encoding: "base64",
      publicKey: `0x${"07".repeat(32)}`,
    });
    const service = serviceAttribute({ type: "LinkedDomains", endpoint: "https://issuer.example" });
    expect(decodeDidAttribute(service)).to.deep.equal({
      kind: "service",
      name: "did/svc/LinkedDomains",
      type: "LinkedDomains",
      endpoint: "https://issuer.example",
    });
    const structured = serviceAttribute({ type: "DIDCommMessaging", endpoint: { uri: "https://x.example" } });
    expect(decodeDidAttribute(structured)).to.include({ endpoint: '{"uri":"https://x.example"}' });
    expect(decodeDidAttribute({ name: encodeBytes32Text("something/else"), value: "0x01" })).to.deep.equal({
      kind: "other",
      name: "something/else",
      value: "0x01",
    });

    expect(() => encodeBytes32Text("x".repeat(33))).to.throw(
      InvalidInputError,
      /33 bytes; .* at most 32 bytes/,
    );
    expect(() => serviceAttribute({ type: "A".repeat(25), endpoint: "https://x" })).to.throw(
      /at most 32 bytes/,
    );
    expect(() => serviceAttribute({ type: "LinkedDomains", endpoint: "not a uri" })).to.throw(
      /not an absolute URI/,
    );
    expect(() =>
      publicKeyAttribute({ algorithm: "Secp256k1", purpose: "veriKey", publicKey: `0x05${"11".repeat(32)}` }),
    ).to.throw(/starts with 02 or 03/);
    expect(() =>
      publicKeyAttribute({ algorithm: "Ed25519", purpose: "veriKey", publicKey: `0x${"11".repeat(31)}` }),
    ).to.throw(/An Ed25519 public key is 32 bytes; this one is 31/);
    expect(() => publicKeyAttribute({ algorithm: "RSA", purpose: "veriKey", publicKey: "0x11" })).to.throw(
      /Unknown key type "RSA"; use Secp256k1, Ed25519, X25519/,
    );
    expect(() => encodeDelegateType("admin")).to.throw(/Unknown delegate type "admin"/);
    expect(encodeDelegateType("veriKey")).to.equal(
      `0x${Buffer.from("veriKey").toString("hex").padEnd(64, "0")}`,
    );
  });

  it("parses durations", function () {
    expect(parseDuration("3600")).to.equal(3600n);
    expect(parseDuration("2s")).to.equal(2n);
    expect(parseDuration("12h")).to.equal(43_200n);
    expect(parseDuration("1y")).to.equal(31_536_000n);
    expect(() => parseDuration("0")).to.throw(/longer than 0 seconds/);
    expect(() => parseDuration("soon")).to.throw(/is not a duration/);
  });

  it("validates the signed request JSON, naming the bad field", function () {
    const base = {
      type: "crossproof.did-request",
      version: 1,
      chainId: 31_337,
      didRegistry: address,
      change: {
        action: "addDelegate",
        identity: address,
        delegateType: encodeDelegateType("veriKey"),
        delegate: address,
        validity: "60",
      },
      nonce: "0",
      deadline: "1700000000",
      signer: address,
      signature: `0x${"11".repeat(65)}`,
    };
    expect(parseSignedDidRequest(base).change.action).to.equal("addDelegate");
    expect(() => parseSignedDidRequest({ ...base, nonce: 1 }, "req.json")).to.throw(
      InvalidInputError,
      /req.json is not a signed Crossproof DID request: field "nonce"/,
    );
    expect(() => parseSignedDidRequest({ ...base, change: { ...base.change, validity: "-1" } })).to.throw(
      /field "change.validity"/,
    );
    expect(() => parseSignedDidRequest({ ...base, change: { ...base.change, action: "steal" } })).to.throw(
      /field "change.action"/,
    );
  });
});
