/**
 * Sending transactions and signing from the connected wallet. `useSigner` gives the SDK a signing
 * client whose signatures and transactions come from the wallet while every read (the SDK's
 * simulation, gas estimate and receipt wait) goes to the app's own RPC URL, as the other pages'
 * reads do: a revert is then explained from the node's own error data before anything is signed,
 * whatever the wallet does with errors. `useAction` runs one wallet action at a time and tracks
 * it; `<ActionStatus>` shows its progress, its outcome with the transaction hash, or its failure
 * as one sentence.
 */
import { useCallback, useRef, useState, type ReactNode } from "react";
import { createWalletClient, custom, type Address, type EIP1193Provider, type Hash } from "viem";
import { useConnection } from "wagmi";

import type { SigningClient } from "../../src/sdk/actions/transact.ts";
import { useApp } from "./app-context.ts";
import { errorMessage } from "./errors.ts";

/** Why the wallet cannot act now (not connected, wrong chain), or undefined when it can. */
export type SignerProblem = string | undefined;

export type Signer = {
  /** The connected account, when there is one. */
  account: Address | undefined;
  /** What stops the wallet from signing now, in words; undefined when it is ready. */
  problem: SignerProblem;
  /** A signing client for the SDK's actions, from the connected wallet on the app's chain. */
  getSigner(): Promise<SigningClient>;
};

/** What only the wallet can answer: accounts, chain, signatures, sending. The rest is a read. */
const WALLET_METHOD =
  /^(eth_accounts|eth_requestAccounts|eth_chainId|eth_sendTransaction|eth_sign|personal_sign|eth_signTypedData(_v\d)?|wallet_\w+)$/;

export function useSigner(): Signer {
  const { config, chain, reader } = useApp();
  const connection = useConnection();
  const account = connection.status === "connected" ? connection.address : undefined;
  const problem: SignerProblem =
    connection.status !== "connected"
      ? "Connect your wallet first (the Connect wallet button at the top)."
      : connection.chainId !== config.chainId
        ? `Your wallet is on chain id ${connection.chainId}; switch it to ${config.chainName} (chain id ${config.chainId}) first.`
        : undefined;
  return {
    account,
    problem,
    async getSigner() {
      if (problem || connection.status !== "connected") throw new Error(problem);
      const wallet = (await connection.connector.getProvider()) as EIP1193Provider;
      const request = (async (args: { method: string; params?: unknown }) =>
        WALLET_METHOD.test(args.method)
          ? wallet.request(args as never)
          : reader.request(args as never)) as EIP1193Provider["request"];
      const client: SigningClient = createWalletClient({
        account: connection.address,
        chain,
        transport: custom({ request }),
      });
      return client;
    },
  };
}

/** What can put a transaction on the chain: once the wallet is asked one of these, it may be sent. */
const SENDING_METHOD = /^(eth_sendTransaction|eth_sendRawTransaction|wallet_sendCalls)$/;

/**
 * The same signing client, telling whether it has asked the wallet to send anything. The SDK
 * simulates and estimates before it asks the wallet, so an action that failed while this is still
 * false sent nothing; once true, the transaction may be on its way whatever the wallet answered.
 */
export function watchSending(client: SigningClient): {
  client: SigningClient;
  walletAskedToSend: () => boolean;
} {
  let asked = false;
  const request = (async (args: { method: string; params?: unknown }) => {
    if (SENDING_METHOD.test(args.method)) asked = true;
    return client.request(args as never);
  }) as EIP1193Provider["request"];
  const watched: SigningClient = createWalletClient({
    account: client.account,
    chain: client.chain,
    // The wrapped client retries already.
    transport: custom({ request }, { retryCount: 0 }),
  });
  return { client: watched, walletAskedToSend: () => asked };
}

export type ActionOutcome = {
  /** What happened, in one sentence (e.g. "Anchored 12 documents in block 40."). */
  message: string;
  /** The transaction that did it, when there was one. */
  transactionHash?: Hash;
};

export type ActionState =
  | { phase: "idle" }
  | { phase: "working"; label: string; progress?: string }
  | ({ phase: "done"; label: string } & ActionOutcome)
  | { phase: "failed"; label: string; message: string };

export type Action = {
  state: ActionState;
  busy: boolean;
  /**
   * Runs `work` with a signing client unless another action is running. `label` names it
   * ("Anchoring 3 documents"); `work` may report progress through `progress`.
   */
  run(
    label: string,
    work: (signer: SigningClient, progress: (text: string) => void) => Promise<ActionOutcome>,
  ): Promise<ActionOutcome | undefined>;
  /** Back to idle; the same function on every render. */
  reset: () => void;
};

export function useAction(signer: Signer): Action {
  const [state, setState] = useState<ActionState>({ phase: "idle" });
  // Two clicks before React re-renders must not start two actions: the guard is not render state.
  const running = useRef(false);
  const busy = state.phase === "working";
  // Stable, so that a page can reset its actions from an effect (another account, for one).
  const reset = useCallback(() => {
    setState({ phase: "idle" });
  }, []);
  return {
    state,
    busy,
    async run(label, work) {
      if (running.current) return undefined;
      running.current = true;
      setState({ phase: "working", label });
      try {
        const client = await signer.getSigner();
        const outcome = await work(client, (progress) => {
          setState({ phase: "working", label, progress });
        });
        setState({ phase: "done", label, ...outcome });
        return outcome;
      } catch (error) {
        setState({ phase: "failed", label, message: errorMessage(error) });
        return undefined;
      } finally {
        running.current = false;
      }
    },
    reset,
  };
}

/**
 * The action's progress or outcome, in a live region that is always there (a region added together
 * with its text is often not announced); failures are alerts. `testId` names the message for tests.
 */
export function ActionStatus({ state, testId }: { state: ActionState; testId: string }): ReactNode {
  return (
    <div className="action-status" aria-live="polite">
      <ActionMessage state={state} testId={testId} />
    </div>
  );
}

function ActionMessage({ state, testId }: { state: ActionState; testId: string }): ReactNode {
  switch (state.phase) {
    case "idle":
      return null;
    case "working":
      return (
        <p className="notice" data-testid={testId} data-phase="working">
          {state.label}… {state.progress ?? "Confirm in your wallet, then wait for the chain."}
        </p>
      );
    case "done":
      return (
        <p className="success" data-testid={testId} data-phase="done">
          {state.message}
          {state.transactionHash && (
            <>
              {" "}
              Transaction <code className="hash">{state.transactionHash}</code>.
            </>
          )}
        </p>
      );
    case "failed":
      return (
        <p role="alert" className="error" data-testid={testId} data-phase="failed">
          {state.label} failed: {state.message}
        </p>
      );
  }
}

/** A note that replaces a form's submit area while the wallet cannot sign. */
export function SignerNotice({ signer }: { signer: Signer }): ReactNode {
  if (!signer.problem) return null;
  return (
    <p className="notice" data-testid="signer-problem">
      {signer.problem}
    </p>
  );
}
