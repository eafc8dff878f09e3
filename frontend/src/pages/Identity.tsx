/**
 * Identity and governance: resolve a DID and, as its owner, change it; the issuer registry and an
 * institution's application; the committee's proposals with approve and execute. Reading needs no
 * wallet; every change is a transaction from the connected wallet.
 */
import { useState } from "react";

import { useConsortium } from "./identity/consortium.ts";
import { DidPanel, type DidRequest } from "./identity/DidPanel.tsx";
import { IssuersPanel } from "./identity/IssuersPanel.tsx";
import { ProposalsPanel } from "./identity/ProposalsPanel.tsx";

export function IdentityPage() {
  const consortium = useConsortium();
  const [didRequest, setDidRequest] = useState<DidRequest>();

  return (
    <>
      <h1 tabIndex={-1}>Identity and governance</h1>
      <p className="lead">
        DIDs, the consortium&apos;s issuers and its committee&apos;s decisions, read from the chain. Reading
        needs no wallet; changes are transactions from your wallet.
      </p>
      <nav aria-label="On this page" className="in-page">
        <ul>
          <li>
            <a href="#dids">DIDs</a>
          </li>
          <li>
            <a href="#issuers">Issuers</a>
          </li>
          <li>
            <a href="#proposals">Committee proposals</a>
          </li>
        </ul>
      </nav>
      <DidPanel request={didRequest} />
      <IssuersPanel
        consortium={consortium}
        onResolveDid={(did) => {
          setDidRequest({ did, at: Date.now() });
        }}
      />
      <ProposalsPanel consortium={consortium} />
    </>
  );
}
