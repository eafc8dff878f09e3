/**
 * The wallet: EIP-6963 discovery plus the injected fallback, the connected account, and the
 * wrong-network prompt (wallet_switchEthereumChain, then wallet_addEthereumChain on 4902, both
 * done by wagmi's injected connector). Reading pages never need it.
 */
import { useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";

import { useApp } from "./app-context.ts";
import { errorMessage } from "./errors.ts";

export function WalletBar() {
  const { config } = useApp();
  const connectors = useConnectors();
  const connection = useConnection();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<unknown>) {
    setError(undefined);
    try {
      await action();
      setOpen(false);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  const wrongChain = connection.status === "connected" && connection.chainId !== config.chainId;

  return (
    <section className="wallet" aria-label="Wallet">
      {connection.status === "connected" ? (
        <div className="wallet-row">
          <p role="status" data-testid="wallet-account">
            Connected{connection.connector.name ? ` with ${connection.connector.name}` : ""}:{" "}
            <code>{connection.address}</code>
          </p>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setError(undefined);
              disconnect.mutate({});
            }}
          >
            Disconnect
          </button>
        </div>
      ) : (
        <div className="wallet-row">
          <button
            type="button"
            aria-expanded={open}
            aria-controls="wallet-list"
            disabled={connection.status === "connecting" || connection.status === "reconnecting"}
            onClick={() => {
              setOpen(!open);
            }}
          >
            {connection.status === "connecting" ? "Connecting…" : "Connect wallet"}
          </button>
          {open && (
            <ul id="wallet-list" className="wallet-list" aria-label="Wallets found in this browser">
              {connectors.map((connector) => (
                <li key={connector.uid}>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void run(() => connect.mutateAsync({ connector }))}
                  >
                    {connector.id === "injected" ? "Browser wallet (window.ethereum)" : connector.name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {wrongChain && (
        <div className="notice" role="alert" data-testid="wrong-chain">
          <p>
            Your wallet is on chain id {connection.chainId}; this app works on {config.chainName} (chain id{" "}
            {config.chainId}).
          </p>
          <button
            type="button"
            disabled={switchChain.isPending}
            onClick={() => void run(() => switchChain.mutateAsync({ chainId: config.chainId }))}
          >
            Switch to {config.chainName}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="wallet-error">
          {error}
        </p>
      )}
    </section>
  );
}
