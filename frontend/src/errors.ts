/**
 * One readable sentence for any error the app shows: wallet (EIP-1193) codes, a contract's
 * rejection as its custom error's NatSpec notice with the arguments filled in (a missing role
 * included), the SDK's own errors (already written for people), and anything else cut to its
 * first line, never raw JSON.
 */
import { errorChain } from "../../src/sdk/errors.ts";
import { describeContractError } from "../../src/sdk/revert-messages.ts";

/** EIP-1193 / EIP-1474 provider error codes and what to tell the person. */
const WALLET_CODES: Record<number, string> = {
  4001: "You declined the request in your wallet.",
  4100: "The wallet has not authorised this site; connect it first.",
  4200: "Your wallet does not support this request.",
  4900: "Your wallet is not connected to any network.",
  4901: "Your wallet is not connected to the requested network.",
  4902: "Your wallet does not know this network yet.",
  [-32002]: "Your wallet already has a request waiting; open the wallet to answer it.",
  [-32603]: "The wallet reported an internal error; try again.",
};

const BY_NAME: Record<string, string> = {
  UserRejectedRequestError: WALLET_CODES[4001]!,
  ProviderNotFoundError: "No wallet was found in this browser; install one or enable it for this site.",
  ConnectorAlreadyConnectedError: "This wallet is already connected.",
  ChainNotConfiguredError: "This app is not configured for that network.",
};

/** Makes `text` one sentence: first line, no JSON, no "Details:" or "Version:" trailers, a final stop. */
export function oneSentence(text: string): string {
  let line = text.split("\n").find((part) => part.trim() !== "") ?? "";
  const json = line.search(/[{[]\s*"/);
  if (json > 0) line = line.slice(0, json);
  line = line.replace(/\s*(Details|Version|Request Arguments):.*$/i, "").trim();
  line = line.replace(/[\s:,;-]+$/, "");
  if (line === "") return "Something went wrong; try again.";
  return /[.!?]$/.test(line) ? line : `${line}.`;
}

export function errorMessage(error: unknown): string {
  const links = errorChain(error);
  for (const link of links) {
    if (typeof link.code === "number" && WALLET_CODES[link.code]) return WALLET_CODES[link.code]!;
    if (typeof link.name === "string" && BY_NAME[link.name]) return BY_NAME[link.name]!;
  }
  const rejection = describeContractError(error);
  if (rejection !== undefined) return `The contract refused: ${rejection}`;
  // The SDK's errors (CrossproofError, InvalidInputError, …) are written to be shown as they are.
  const first = links[0];
  if (first === undefined) return oneSentence(String(error));
  const text =
    typeof first.shortMessage === "string"
      ? first.shortMessage
      : typeof first.message === "string"
        ? first.message
        : String(error);
  return oneSentence(text);
}
