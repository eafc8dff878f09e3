/**
 * Resolving `did:ethr` DIDs of a Crossproof chain with the unmodified ethr-did-resolver (which walks
 * the registry's events) behind the did-resolver `Resolver`. Resolution judges expiry of keys,
 * services and delegates against the host clock, as ethr-did-resolver does.
 */
import { Resolver, type DIDResolutionResult } from "did-resolver";
import { getResolver } from "ethr-did-resolver";
import { BrowserProvider, JsonRpcProvider } from "ethers";
import { BaseError as ViemBaseError, HttpRequestError, TimeoutError, type Address, type Client } from "viem";

import { BaseError, ChainUnreachableError, DeploymentNotFoundError, InvalidInputError } from "../errors.ts";
import { didNetworkOf, parseDid } from "./did.ts";

export type { DIDDocument, DIDResolutionResult } from "did-resolver";

/** The resolver answered with an error other than bad input or an unreachable chain. */
export class DidResolutionError extends BaseError {
  override name = "DidResolutionError";
  /** The did-resolver error code, e.g. `notFound`. */
  readonly resolutionError: string;
  constructor(message: string, options: { resolutionError: string; cause?: unknown }) {
    super(message, { code: "did-resolution-failed", cause: options.cause });
    this.resolutionError = options.resolutionError;
  }
}

export type CreateDidResolverParameters = {
  chainId: number;
  /** The DIDRegistry's address (deployment manifest `contracts.DIDRegistry`). */
  didRegistry: Address;
  /** How long one resolution may take before it fails with ChainUnreachableError (default 15 s). */
  timeoutMs?: number;
} & (
  | {
      /** JSON-RPC endpoint of the chain. */
      rpcUrl: string;
      client?: undefined;
    }
  | {
      /** A viem client of the chain whose transport serves the resolver's reads (e.g. a web app's reader). */
      client: Pick<Client, "request" | "transport">;
      rpcUrl?: undefined;
    }
);

export type ResolveDidOptions = {
  /** Resolve the document as of this block (a `?versionId=` query); default: latest. */
  versionId?: number;
};

export type DidResolver = {
  chainId: number;
  didRegistry: Address;
  /** The did-resolver `Resolver`, for callers that resolve other methods too or want raw results. */
  resolver: Resolver;
  /**
   * Resolves one DID of this chain. Throws InvalidInputError for a malformed DID or one of another
   * chain, ChainUnreachableError when the chain does not answer in time, DeploymentNotFoundError
   * when no registry answers at `didRegistry`, DidResolutionError for any other resolver error. A
   * deactivated DID resolves (didDocumentMetadata.deactivated).
   */
  resolve(did: string, options?: ResolveDidOptions): Promise<DIDResolutionResult>;
  /** Releases the RPC provider. */
  destroy(): void;
};

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * A resolver for the DIDs of one Crossproof chain, reading through `rpcUrl` or through a viem
 * `client`'s transport. Call `destroy()` when done.
 *
 * @example
 * const resolver = createDidResolver({ chainId, rpcUrl, didRegistry: manifest.contracts.DIDRegistry });
 * const inBrowser = createDidResolver({ chainId, client: publicClient, didRegistry });
 * const { didDocument } = await resolver.resolve("did:ethr:0x7a69:0xf39f…");
 * resolver.destroy();
 */
export function createDidResolver({
  chainId,
  rpcUrl: givenRpcUrl,
  client,
  didRegistry,
  timeoutMs = DEFAULT_TIMEOUT_MS,
}: CreateDidResolverParameters): DidResolver {
  const network = didNetworkOf(chainId);
  const transportUrl = (client?.transport as { url?: unknown } | undefined)?.url;
  /** Where the reads go, for messages. */
  const rpcUrl =
    givenRpcUrl ?? (typeof transportUrl === "string" ? transportUrl : "the client's RPC endpoint");
  /**
   * Resolutions waiting, told when the client's transport fails: ethers turns a failed eth_call
   * from an EIP-1193 provider into "missing revert data", which would hide an unreachable chain.
   */
  const waiting = new Set<(error: ViemBaseError) => void>();
  async function request(args: { method: string; params?: unknown }): Promise<unknown> {
    try {
      return await client!.request(args as never);
    } catch (error) {
      if (
        error instanceof ViemBaseError &&
        error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError)
      )
        for (const notify of waiting) notify(error);
      throw error;
    }
  }
  // staticNetwork: no eth_chainId before every call, and no endless network detection when the
  // endpoint is down. A client's requests reach ethers as an EIP-1193 provider.
  const provider = client
    ? new BrowserProvider({ request }, chainId, { staticNetwork: true })
    : new JsonRpcProvider(givenRpcUrl, chainId, { staticNetwork: true });
  const resolver = new Resolver(
    // The cast: ethr-did-resolver's types see ethers' CommonJS declarations, this module its ESM ones;
    // they describe the same class, but TypeScript compares their private fields nominally.
    getResolver({ networks: [{ chainId, provider: provider as never, registry: didRegistry }] }),
  );

  async function resolve(did: string, options: ResolveDidOptions = {}): Promise<DIDResolutionResult> {
    const parsed = parseDid(did);
    if (parsed.chainId !== chainId) {
      throw new InvalidInputError(
        `${did} is a DID of chain ${parsed.chainId} (${parsed.network}), but this resolver serves chain ${chainId} (${network}).`,
      );
    }
    let query = "";
    if (options.versionId !== undefined) {
      if (!Number.isSafeInteger(options.versionId) || options.versionId < 0) {
        throw new InvalidInputError(
          `The version id must be a block number, got ${String(options.versionId)}.`,
        );
      }
      query = `?versionId=${options.versionId}`;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    let notify: ((error: ViemBaseError) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ChainUnreachableError(
            `The chain at ${rpcUrl} did not answer within ${timeoutMs} ms while resolving ${did}.`,
          ),
        );
      }, timeoutMs);
      notify = (error) => {
        reject(
          new ChainUnreachableError(
            `Cannot reach the chain at ${rpcUrl} to resolve ${did}: ${error.shortMessage}`,
            {
              cause: error,
            },
          ),
        );
      };
      waiting.add(notify);
    });
    let result: DIDResolutionResult;
    try {
      result = await Promise.race([resolver.resolve(`${did.trim()}${query}`), failure]);
    } finally {
      clearTimeout(timer);
      if (notify) waiting.delete(notify);
    }
    const error = result.didResolutionMetadata.error;
    if (error) {
      const message = String(result.didResolutionMetadata.message ?? error);
      if (
        /ECONNREFUSED|ENOTFOUND|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|timeout|could not detect network|fetch failed/i.test(
          message,
        )
      ) {
        throw new ChainUnreachableError(
          `Cannot reach the chain at ${rpcUrl} to resolve ${did}: ${firstLine(message)}`,
        );
      }
      if (error === "invalidDid" || error === "unknownNetwork") {
        throw new InvalidInputError(`Cannot resolve ${did}: ${firstLine(message)}`);
      }
      if (/could not decode result data|BAD_DATA/.test(message)) {
        throw new DeploymentNotFoundError(
          `Cannot resolve ${did}: no DID registry answers at ${didRegistry} on chain ${chainId}; check the deployment manifest.`,
        );
      }
      throw new DidResolutionError(`Cannot resolve ${did}: ${firstLine(message)}`, {
        resolutionError: error,
      });
    }
    return result;
  }

  return {
    chainId,
    didRegistry,
    resolver,
    resolve,
    destroy() {
      provider.destroy();
    },
  };
}

/**
 * Resolves one DID with a throwaway resolver (see {@link createDidResolver} to resolve many).
 *
 * @example
 * const { didDocument, didDocumentMetadata } = await resolveDid({ chainId, rpcUrl, didRegistry, did });
 */
export async function resolveDid({
  did,
  versionId,
  ...parameters
}: CreateDidResolverParameters & ResolveDidOptions & { did: string }): Promise<DIDResolutionResult> {
  const resolver = createDidResolver(parameters);
  try {
    return await resolver.resolve(did, { versionId });
  } finally {
    resolver.destroy();
  }
}

function firstLine(message: string): string {
  const line = message.split("\n")[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
