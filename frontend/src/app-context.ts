/** What every page reads: the runtime configuration, its chain, and a read-only client for it. */
import { createContext, useContext } from "react";
import type { Chain, PublicClient } from "viem";

import type { AppConfig } from "./config.ts";

export type AppContextValue = { config: AppConfig; chain: Chain; reader: PublicClient };

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp() outside <AppContext.Provider>");
  return value;
}
