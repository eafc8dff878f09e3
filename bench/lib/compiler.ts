/**
 * The Solidity compiler settings a gas figure depends on (version, EVM version, optimizer), read
 * from the Hardhat configuration, for the benchmarks' result files.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

export type CompilerSummary =
  { version: string; evmVersion: string | undefined; optimizer: unknown } | "see hardhat.config.ts";

export function compilerOf(hre: HardhatRuntimeEnvironment): CompilerSummary {
  const compiler = (
    hre.config.solidity as unknown as {
      profiles?: {
        default?: {
          compilers?: { version: string; settings?: { optimizer?: unknown; evmVersion?: string } }[];
        };
      };
    }
  ).profiles?.default?.compilers?.[0];
  return compiler
    ? {
        version: compiler.version,
        evmVersion: compiler.settings?.evmVersion,
        optimizer: compiler.settings?.optimizer,
      }
    : "see hardhat.config.ts";
}
