/**
 * Sending a contract transaction the way every Crossproof action does: simulate first (so a
 * revert is reported with its decoded custom error before anything is signed), send, and wait for
 * the receipt. Errors come out as Crossproof errors with short, actionable messages.
 */
import {
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  type Abi,
  type Account,
  type Chain,
  type Client,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hash,
  type TransactionReceipt,
  type Transport,
} from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";

import { ChainUnreachableError, ContractRevertError } from "../errors.ts";

/** A client that can sign: a wallet client or any viem client with an account. */
export type SigningClient = Client<Transport, Chain | undefined, Account>;

export type TransactParameters<
  abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
> = {
  address: `0x${string}`;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
};

export type TransactReturnType = { transactionHash: Hash; receipt: TransactionReceipt };

/** Simulates, sends and waits for one contract call. */
export async function transact<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(client: SigningClient, parameters: TransactParameters<abi, functionName>): Promise<TransactReturnType> {
  try {
    // The casts: viem cannot narrow its generic parameter types through a wrapper that is itself
    // generic over abi and functionName; `TransactParameters` already checks them at every call site.
    const { request } = await simulateContract(client, {
      ...parameters,
      account: client.account,
      chain: client.chain,
    } as never);
    const transactionHash = await writeContract(client, request as never);
    const receipt = await waitForTransactionReceipt(client, { hash: transactionHash });
    if (receipt.status !== "success") {
      throw new ContractRevertError(`Transaction ${transactionHash} reverted.`);
    }
    return { transactionHash, receipt };
  } catch (error) {
    throw toCrossproofError(error, parameters.functionName);
  }
}

/** Maps viem errors to Crossproof errors (reverts with their custom error, network failures). */
export function toCrossproofError(error: unknown, action: string): unknown {
  if (error instanceof ContractRevertError || error instanceof ChainUnreachableError) return error;
  if (error instanceof ViemBaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName;
      const args = reverted.data?.args;
      const detail = name
        ? `${name}(${(args ?? []).map(formatArg).join(", ")})`
        : (reverted.reason ?? "no reason");
      return new ContractRevertError(`${action} was rejected by the contract: ${detail}.`, {
        errorName: name,
        errorArgs: args,
        cause: error,
      });
    }
    if (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) {
      return new ChainUnreachableError(`The chain did not answer (${action}): ${error.shortMessage}`, {
        cause: error,
      });
    }
  }
  return error;
}

function formatArg(value: unknown): string {
  return typeof value === "bigint" ? value.toString() : String(value);
}
