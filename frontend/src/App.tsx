/** The shell: header with navigation and wallet, then the page for the current path. */
import { useEffect, useRef } from "react";

import { useApp } from "./app-context.ts";
import { AuditPage } from "./pages/Audit.tsx";
import { ConsentPage } from "./pages/Consent.tsx";
import { IdentityPage } from "./pages/Identity.tsx";
import { IssuePage } from "./pages/Issue.tsx";
import { OrdersPage } from "./pages/Orders.tsx";
import { VerifyPage } from "./pages/Verify.tsx";
import { followLink, usePath } from "./router.ts";
import { WalletBar } from "./wallet.tsx";

const PAGES = [
  { path: "/", title: "Verify", render: () => <VerifyPage /> },
  { path: "/issue", title: "Issue", render: () => <IssuePage /> },
  { path: "/consent", title: "Consent", render: () => <ConsentPage /> },
  { path: "/orders", title: "Orders", render: () => <OrdersPage /> },
  { path: "/identity", title: "Identity", render: () => <IdentityPage /> },
  { path: "/audit", title: "Audit", render: () => <AuditPage /> },
] as const;

export function App() {
  const { config } = useApp();
  const path = usePath().replace(/\/+$/, "") || "/";
  const page = PAGES.find((candidate) => candidate.path === path);
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(path);

  useEffect(() => {
    document.title = `${page?.title ?? "Not found"} · Crossproof`;
    // After an in-app navigation (not at load), move focus to the new page's heading, which screen
    // readers then announce.
    if (shownPath.current !== path) main.current?.querySelector("h1")?.focus();
    shownPath.current = path;
  }, [page, path]);

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <strong>Crossproof</strong>
          <span className="chain">
            {config.chainName} · chain id {config.chainId}
          </span>
        </div>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((entry) => (
              <li key={entry.path}>
                <a href={entry.path} onClick={followLink} aria-current={entry === page ? "page" : undefined}>
                  {entry.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <WalletBar />
      </header>
      <main id="main" ref={main} className="page">
        {page ? (
          page.render()
        ) : (
          <>
            <h1 tabIndex={-1}>Page not found</h1>
            <p>
              There is no page at <code>{path}</code>. Go to{" "}
              <a href="/" onClick={followLink}>
                Verify
              </a>{" "}
              or{" "}
              <a href="/audit" onClick={followLink}>
                Audit
              </a>
              .
            </p>
          </>
        )}
      </main>
    </>
  );
}
