/**
 * A test wallet for the browser tests: an EIP-1193 provider injected into every page (as
 * `window.ethereum` and by an EIP-6963 announcement) whose requests are answered in Node, where a
 * viem local account signs and reads go to the local node. The test steers it: which chain it
 * reports, which chains it knows (wallet_switchEthereumChain answers 4902 for the others, as
 * MetaMask does, and wallet_addEthereumChain adds and switches), which methods the "user"
 * rejects (code 4001), and which of its accounts is selected (`switchAccount`, announced to the
 * page with `accountsChanged`). It signs EIP-712 typed data (eth_signTypedData_v4) and sends
 * transactions.
 */
import type { BrowserContext, Page } from "playwright-core";
import {
  createPublicClient,
  createWalletClient,
  http,
  numberToHex,
  type Chain,
  type Hex,
  type PrivateKeyAccount,
  type TypedDataDefinition,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type TestWalletOptions = {
  privateKey: Hex;
  /** The chain the wallet's account transacts on (its RPC URL serves reads). */
  chain: Chain;
  rdns?: string;
  name?: string;
};

export type TestWallet = {
  /** The selected account's address. */
  address: Hex;
  rdns: string;
  name: string;
  /** Every method the pages asked for, in order. */
  calls: string[];
  /** Every EIP-712 message the wallet was asked to sign, as the page sent it. */
  signedTypedData: TypedDataDefinition[];
  /** The chain id the wallet reports (eth_chainId). */
  chainId: number;
  /** Chains it can switch to without adding them first. */
  knownChains: Set<number>;
  /** Methods the user "rejects" (EIP-1193 code 4001). */
  rejecting: Set<string>;
  /** Back to: on `chain`, the first account, knowing only it, not connected, rejecting nothing, no calls. */
  reset(): void;
  /**
   * Selects the account of `privateKey` and, when `page` is given, tells it (`accountsChanged`),
   * as a wallet does when its user picks another account.
   */
  switchAccount(privateKey: Hex, page?: Page): Promise<void>;
};

type RpcRequest = { method: string; params?: unknown[] };
/** An answer, plus provider events the page emits once it has the answer. */
type RpcReply = ({ result: unknown } | { error: { code: number; message: string; data?: unknown } }) & {
  events?: { event: string; payload: unknown }[];
};

class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Runs in the page before any of its scripts; serialised by Playwright, so self-contained. */
function pageScript(info: { uuid: string; name: string; rdns: string; icon: string }) {
  type Listener = (payload: unknown) => void;
  type Reply = {
    result?: unknown;
    error?: { code: number; message: string; data?: unknown };
    events?: { event: string; payload: unknown }[];
  };
  const listeners = new Map<string, Set<Listener>>();
  const bridge = (window as unknown as { __testWalletRequest: (request: unknown) => Promise<Reply> })
    .__testWalletRequest;
  const emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  // For the test: announce a wallet-side change (another account selected).
  (window as unknown as { __testWalletEmit: typeof emit }).__testWalletEmit = emit;
  const provider = {
    isTestWallet: true,
    async request({ method, params }: { method: string; params?: unknown[] }) {
      const reply = await bridge({ method, params: params ?? [] });
      for (const { event, payload } of reply.events ?? [])
        setTimeout(() => {
          emit(event, payload);
        }, 0);
      if (reply.error) {
        const error = new Error(reply.error.message) as Error & { code: number; data?: unknown };
        error.code = reply.error.code;
        // A revert's data, as wallets pass it on (code 3, "execution reverted").
        if (reply.error.data !== undefined) error.data = reply.error.data;
        throw error;
      }
      return reply.result;
    },
    on(event: string, listener: Listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(event, set);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  Object.defineProperty(window, "ethereum", { value: provider, configurable: true, writable: false });
  const detail = Object.freeze({ info: Object.freeze({ ...info }), provider });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

const ICON =
  "data:image/svg+xml;base64," +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="#36c"/></svg>',
  ).toString("base64");

/** Installs the wallet into every page of `context` (call before the first page.goto). */
export async function installTestWallet(
  context: BrowserContext,
  options: TestWalletOptions,
): Promise<TestWallet> {
  const firstAccount = privateKeyToAccount(options.privateKey);
  let account: PrivateKeyAccount = firstAccount;
  const rpcUrl = options.chain.rpcUrls.default.http[0]!;
  const transport = http(rpcUrl);
  const publicClient = createPublicClient({ chain: options.chain, transport });
  const walletClientOf = (of: PrivateKeyAccount) =>
    createWalletClient({ account: of, chain: options.chain, transport });
  let walletClient = walletClientOf(account);
  let connected = false;
  const wallet: TestWallet = {
    address: account.address,
    rdns: options.rdns ?? "org.crossproof.testwallet",
    name: options.name ?? "Crossproof Test Wallet",
    calls: [],
    signedTypedData: [],
    chainId: options.chain.id,
    knownChains: new Set([options.chain.id]),
    rejecting: new Set(),
    reset() {
      account = firstAccount;
      walletClient = walletClientOf(account);
      wallet.address = account.address;
      connected = false;
      wallet.calls.length = 0;
      wallet.signedTypedData.length = 0;
      wallet.chainId = options.chain.id;
      wallet.knownChains = new Set([options.chain.id]);
      wallet.rejecting.clear();
    },
    async switchAccount(privateKey, page) {
      account = privateKeyToAccount(privateKey);
      walletClient = walletClientOf(account);
      wallet.address = account.address;
      if (page && connected) {
        await page.evaluate((address) => {
          (window as unknown as { __testWalletEmit(event: string, payload: unknown): void }).__testWalletEmit(
            "accountsChanged",
            [address],
          );
        }, account.address);
      }
    },
  };

  const chainChanged = () => [{ event: "chainChanged", payload: numberToHex(wallet.chainId) }];

  async function handle({ method, params = [] }: RpcRequest): Promise<RpcReply> {
    if (wallet.rejecting.has(method)) throw new RpcError(4001, "User rejected the request.");
    switch (method) {
      case "eth_chainId":
        return { result: numberToHex(wallet.chainId) };
      case "net_version":
        return { result: String(wallet.chainId) };
      case "eth_requestAccounts":
        connected = true;
        return { result: [account.address] };
      case "eth_accounts":
        return { result: connected ? [account.address] : [] };
      case "wallet_requestPermissions":
        connected = true;
        return { result: [{ parentCapability: "eth_accounts", caveats: [] }] };
      case "wallet_getPermissions":
        return { result: connected ? [{ parentCapability: "eth_accounts", caveats: [] }] : [] };
      case "wallet_revokePermissions":
        connected = false;
        return { result: null };
      case "wallet_switchEthereumChain": {
        const target = Number((params[0] as { chainId: string }).chainId);
        if (!wallet.knownChains.has(target))
          throw new RpcError(4902, `Unrecognized chain ID ${numberToHex(target)}. Try adding the chain.`);
        wallet.chainId = target;
        return { result: null, events: chainChanged() };
      }
      case "wallet_addEthereumChain": {
        // Adding a chain also switches to it (MetaMask asks both in one prompt).
        const target = Number((params[0] as { chainId: string }).chainId);
        wallet.knownChains.add(target);
        wallet.chainId = target;
        return { result: null, events: chainChanged() };
      }
      case "personal_sign":
        return { result: await account.signMessage({ message: { raw: params[0] as Hex } }) };
      case "eth_signTypedData_v4": {
        const [signer, data] = params as [Hex, string];
        if (signer.toLowerCase() !== account.address.toLowerCase())
          throw new RpcError(4100, `The wallet's account is ${account.address}, not ${signer}.`);
        const typedData = JSON.parse(data) as TypedDataDefinition & { types: Record<string, unknown> };
        // The domain type is implied by the domain's fields (viem derives it), as MetaMask does.
        const { EIP712Domain: _domain, ...types } = typedData.types;
        wallet.signedTypedData.push(typedData);
        return { result: await account.signTypedData({ ...typedData, types }) };
      }
      case "eth_sendTransaction": {
        if (wallet.chainId !== options.chain.id)
          throw new RpcError(4901, `The wallet is on chain ${wallet.chainId}, not ${options.chain.id}.`);
        const tx = params[0] as { from?: Hex; to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        if (tx.from && tx.from.toLowerCase() !== account.address.toLowerCase())
          throw new RpcError(4100, `The wallet's account is ${account.address}, not ${tx.from}.`);
        return {
          result: await walletClient.sendTransaction({
            to: tx.to ?? null,
            data: tx.data,
            value: tx.value ? BigInt(tx.value) : undefined,
            // The page's gas limit when it gives one (the SDK adds headroom to some), as wallets do.
            gas: tx.gas ? BigInt(tx.gas) : undefined,
          }),
        };
      }
      default:
        // Reads (eth_call, eth_blockNumber, …) go to the node.
        return { result: await publicClient.request({ method, params } as never) };
    }
  }

  await context.exposeFunction("__testWalletRequest", async (request: RpcRequest): Promise<RpcReply> => {
    wallet.calls.push(request.method);
    try {
      return await handle(request);
    } catch (caught) {
      const error = caught as { code?: number; shortMessage?: string; message?: string };
      // The node's own error (under viem's wrappers) keeps the code and a revert's data.
      let node: unknown = caught;
      while (node && typeof node === "object" && !("data" in node) && "cause" in node) node = node.cause;
      const data = node && typeof node === "object" && "data" in node ? node.data : undefined;
      const code = node && typeof node === "object" && "code" in node ? node.code : error.code;
      return {
        error: {
          code: typeof code === "number" ? code : -32603,
          message: error.shortMessage ?? error.message ?? String(caught),
          ...(data === undefined ? {} : { data }),
        },
      };
    }
  });
  const info = {
    uuid: "7b1b3e43-4a50-4d0d-9d0a-5b6f1f0a0001",
    name: wallet.name,
    rdns: wallet.rdns,
    icon: ICON,
  };
  // The test runner's TypeScript transform may wrap functions in esbuild's `__name` helper, which
  // does not exist in the page: define it there as the identity before running the script.
  await context.addInitScript({
    content: `globalThis.__name ??= (target) => target;\n(${pageScript.toString()})(${JSON.stringify(info)});`,
  });
  return wallet;
}
