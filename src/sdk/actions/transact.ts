/**
 * Sending a contract transaction the way every Crossproof action does: simulate first (so a
 * revert is reported with its decoded custom error before anything is signed), send, and wait for
 * the receipt. Errors come out as Crossproof errors with short, actionable messages.
 */
import {
  BaseError as ViemBaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  FeeCapTooHighError,
  FeeCapTooLowError,
  InsufficientFundsError,
  TipAboveFeeCapError,
  TimeoutError,
  WaitForTransactionReceiptTimeoutError,
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
import {
  estimateContractGas,
  getBlock,
  getTransaction,
  simulateContract,
  waitForTransactionReceipt,
  writeContract,
} from "viem/actions";

import {
  ChainEvmVersionError,
  ChainUnreachableError,
  ContractRevertError,
  TransactionFeeError,
  TransactionNotMinedError,
  errorChain,
} from "../errors.ts";

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

/** Chains whose transactions offer a fixed gas price (see {@link withFixedGasPrice}). */
const fixedGasPrices = new WeakMap<Chain, bigint>();

/**
 * Marks a chain definition so that every transaction {@link transact} sends on it offers exactly
 * `gasPrice` (as both maxFeePerGas and maxPriorityFeePerGas) instead of the node's or viem's fee
 * estimate, e.g. 0 on a consortium chain without fees, where accounts hold no funds. Returns the chain.
 *
 * @example
 * const chain = withFixedGasPrice(defineChain({ ... }), 0n);
 */
export function withFixedGasPrice<const chain extends Chain>(chain: chain, gasPrice: bigint): chain {
  fixedGasPrices.set(chain, gasPrice);
  return chain;
}

function fixedFees(
  chain: Chain | undefined,
): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | undefined {
  const gasPrice = chain ? fixedGasPrices.get(chain) : undefined;
  return gasPrice === undefined ? undefined : { maxFeePerGas: gasPrice, maxPriorityFeePerGas: gasPrice };
}

/** EIP-7825's per-transaction gas cap (Osaka). */
const TRANSACTION_GAS_CAP = 16_777_216n;

/**
 * The gas to send with: the node's estimate plus a fifth, but never more than the block's gas limit,
 * nor above EIP-7825's per-transaction cap when the estimate itself fits under it (and never less
 * than the estimate). An estimate is the least gas with which the call succeeded on the state and
 * in the block the node simulated; the mined transaction meets another block, and possibly another
 * state, and one that runs out of gas is lost with all of it (seen once on anvil with an order's
 * `accept`, out of gas at exactly its estimate). Unused gas is not charged.
 */
export function withGasMargin(estimate: bigint, blockGasLimit?: bigint): bigint {
  let gas = estimate + estimate / 5n;
  if (estimate <= TRANSACTION_GAS_CAP && gas > TRANSACTION_GAS_CAP) gas = TRANSACTION_GAS_CAP;
  if (blockGasLimit !== undefined && gas > blockGasLimit) gas = blockGasLimit;
  return gas > estimate ? gas : estimate;
}

/** Simulates, sends (with {@link withGasMargin}) and waits for one contract call. */
export async function transact<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(client: SigningClient, parameters: TransactParameters<abi, functionName>): Promise<TransactReturnType> {
  try {
    // The casts: viem cannot narrow its generic parameter types through a wrapper that is itself
    // generic over abi and functionName; `TransactParameters` already checks them at every call site.
    const { request } = await simulateContract(client, {
      ...parameters,
      ...fixedFees(client.chain),
      account: client.account,
      chain: client.chain,
    } as never);
    const [estimate, { gasLimit: blockGasLimit }] = await Promise.all([
      // With the whole ABI, not the one function simulateContract returns: a node that estimates
      // against its pending block may meet a custom error the simulation did not (e.g. the same
      // anchor already sent and pending), and it must be decoded by name.
      estimateContractGas(client, { ...(request as object), abi: parameters.abi } as never),
      getBlock(client),
    ]);
    const transactionHash = await writeContract(client, {
      ...(request as object),
      gas: withGasMargin(estimate, blockGasLimit),
    } as never);
    const receipt = await waitForTransactionReceipt(client, { hash: transactionHash }).catch(
      (error: unknown) => {
        throw error instanceof WaitForTransactionReceiptTimeoutError
          ? new TransactionNotMinedError(
              `${parameters.functionName} was sent (transaction ${transactionHash}) but not mined in time: the chain may be stalled or busy. It may still land: wait, then look again before sending anything anew.`,
              { transactionHash, cause: error },
            )
          : error;
      },
    );
    if (receipt.status !== "success") {
      throw await explainOnChainRevert(client, parameters, transactionHash, receipt);
    }
    return { transactionHash, receipt };
  } catch (error) {
    throw toCrossproofError(error, parameters.functionName);
  }
}

/**
 * A transaction that passed its simulation but reverted when mined (the state or the time changed
 * in between, or it ran out of gas): replays the call on the mined block (a reverted transaction
 * leaves no effects, so that is the state and the time it met) to name the error.
 */
async function explainOnChainRevert(
  client: SigningClient,
  parameters: { address: `0x${string}`; abi: Abi; functionName: string; args: unknown },
  transactionHash: Hash,
  receipt: TransactionReceipt,
): Promise<unknown> {
  try {
    await simulateContract(client, {
      ...parameters,
      account: client.account,
      blockNumber: receipt.blockNumber,
    } as never);
  } catch (error) {
    const explained = toCrossproofError(error, parameters.functionName);
    if (explained instanceof ContractRevertError) {
      return new ContractRevertError(
        `${explained.message} (transaction ${transactionHash} reverted when mined)`,
        {
          errorName: explained.errorName,
          errorArgs: explained.errorArgs,
          cause: error,
        },
      );
    }
  }
  const sent = await getTransaction(client, { hash: transactionHash }).catch(() => undefined);
  const gas = sent ? ` after using ${receipt.gasUsed} of its ${sent.gas} gas` : "";
  return new ContractRevertError(
    `Transaction ${transactionHash} (${parameters.functionName}) reverted when mined${gas}, although its simulation passed.`,
  );
}

/** Maps viem errors to Crossproof errors (reverts with their custom error, network failures). */
export function toCrossproofError(error: unknown, action: string): unknown {
  if (
    error instanceof ContractRevertError ||
    error instanceof ChainUnreachableError ||
    error instanceof TransactionFeeError ||
    error instanceof TransactionNotMinedError ||
    error instanceof ChainEvmVersionError
  ) {
    return error;
  }
  if (isMissingOpcode(error)) return new ChainEvmVersionError(undefined, { cause: error });
  if (error instanceof ViemBaseError) {
    const feeProblem = error.walk(
      (e) =>
        e instanceof InsufficientFundsError ||
        e instanceof TipAboveFeeCapError ||
        e instanceof FeeCapTooLowError ||
        e instanceof FeeCapTooHighError,
    );
    if (feeProblem) {
      const reason =
        feeProblem instanceof InsufficientFundsError
          ? "the sending account cannot pay for its gas"
          : `its fees do not fit the chain (${feeProblem instanceof ViemBaseError ? feeProblem.shortMessage : String(feeProblem)})`;
      return new TransactionFeeError(`The chain refused ${action}: ${reason}.`, { cause: error });
    }
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

/**
 * An opcode the chain does not run: anvil and Hardhat's EDR say `NotActivated`; geth names the
 * opcode ("invalid opcode: MCOPY"), others its byte ("opcode 0x5e not defined"). Only PUSH0 (0x5f)
 * and MCOPY (0x5e) count: a contract reaching INVALID (0xfe) is no sign of an older EVM.
 */
export function isMissingOpcode(error: unknown): boolean {
  return errorChain(error).some((link) =>
    [link.shortMessage, link.details, link.message].some(
      (text) =>
        typeof text === "string" &&
        /\bNotActivated\b|invalid opcode:? (PUSH0|MCOPY|0x5[ef])\b|opcode 0x5[ef] not defined/i.test(text),
    ),
  );
}

function formatArg(value: unknown): string {
  return typeof value === "bigint" ? value.toString() : String(value);
}
