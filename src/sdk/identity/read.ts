/** Reading the DIDRegistry, with a clear error when no registry answers at the address. Internal. */
import { BaseError as ViemBaseError, ContractFunctionZeroDataError, type Address } from "viem";

import { toCrossproofError } from "../actions/transact.ts";
import { DeploymentNotFoundError } from "../errors.ts";

/** Runs one registry read; "returned no data" (no contract there) becomes DeploymentNotFoundError. */
export async function readRegistry<T>(
  didRegistry: Address,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ViemBaseError && error.walk((e) => e instanceof ContractFunctionZeroDataError)) {
      throw new DeploymentNotFoundError(
        `No DID registry answers at ${didRegistry} (${what} returned no data); check the deployment manifest.`,
        { cause: error },
      );
    }
    throw toCrossproofError(error, `DID registry ${what}`);
  }
}
