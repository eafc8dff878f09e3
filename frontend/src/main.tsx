/** Entry point: load /config.json, then render the app with wagmi and React Query around it. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";

import { App } from "./App.tsx";
import { AppContext } from "./app-context.ts";
import { loadAppConfig } from "./config.ts";
import { errorMessage } from "./errors.ts";
import { chainOf, createReader, createWagmiConfig } from "./wagmi.ts";
import "./styles.css";

const element = document.getElementById("root");
if (!element) throw new Error("index.html has no #root");
const root = createRoot(element);
root.render(
  <p role="status" className="loading">
    Loading…
  </p>,
);

try {
  const config = await loadAppConfig();
  const chain = chainOf(config);
  const wagmiConfig = createWagmiConfig(chain);
  const context = { config, chain, reader: createReader(chain) };
  const queryClient = new QueryClient();
  root.render(
    <StrictMode>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>
          <AppContext.Provider value={context}>
            <App />
          </AppContext.Provider>
        </QueryClientProvider>
      </WagmiProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="page">
      <h1>Crossproof</h1>
      <p role="alert" className="error">
        The app could not load its configuration: {errorMessage(error)}
      </p>
    </main>,
  );
}
