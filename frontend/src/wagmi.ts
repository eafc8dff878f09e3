/** wagmi and viem clients for the configured chain: reads go to its RPC URL, never to the wallet. */
import { createPublicClient, defineChain, http, type Chain, type PublicClient } from "viem";
import { createConfig, type Config } from "wagmi";
import { injected } from "wagmi/connectors";

import type { AppConfig } from "./config.ts";

export function chainOf(config: AppConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}

export function createWagmiConfig(chain: Chain): Config {
  return createConfig({
    chains: [chain],
    // EIP-6963: every wallet that announces itself becomes a connector (id = its rdns); `injected()`
    // covers a wallet that only sets window.ethereum.
    multiInjectedProviderDiscovery: true,
    connectors: [injected()],
    transports: { [chain.id]: http(chain.rpcUrls.default.http[0]) },
  });
}

export function createReader(chain: Chain): PublicClient {
  return createPublicClient({ chain, transport: http(chain.rpcUrls.default.http[0]) });
}
