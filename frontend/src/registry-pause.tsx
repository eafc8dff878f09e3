/**
 * The consortium's pause of the FingerprintRegistry, as the pages that anchor, revoke or reinstate
 * see it: `useRegistryPause` reads `paused()` through the app's reader (on load, when the tab
 * becomes visible again, and whenever a page asks, e.g. after a refused transaction), and
 * `<RegistryPausedNotice>` says what it stops while it lasts. Verification is not affected.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { Hex } from "viem";

import { isRegistryPaused } from "../../src/sdk/fingerprints/actions.ts";
import { REGISTRY_PAUSED } from "../../src/sdk/fingerprints/pause.ts";
import { useApp } from "./app-context.ts";

/** The element id of the notice, for the `aria-describedby` of the actions it disables. */
export const REGISTRY_PAUSED_NOTICE_ID = "registry-paused-notice";

export type RegistryPause = {
  /** undefined until read, or when it could not be read (the contract then still refuses). */
  paused: boolean | undefined;
  /** Reads it again; resolves with what it read. */
  reload(): Promise<boolean | undefined>;
};

export function useRegistryPause(): RegistryPause {
  const { config, reader } = useApp();
  const [paused, setPaused] = useState<boolean>();
  /** Only the latest read may set the state. */
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const current = ++generation.current;
    let read: boolean | undefined;
    try {
      read = await isRegistryPaused(reader, {
        fingerprintRegistry: config.contracts.FingerprintRegistry as Hex,
      });
    } catch {
      read = undefined;
    }
    if (current === generation.current) setPaused(read);
    return read;
  }, [config, reader]);

  useEffect(() => {
    void reload();
    // The committee may pause or unpause while the tab sits in the background.
    const onVisible = () => {
      if (document.visibilityState === "visible") void reload();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [reload]);

  return { paused, reload };
}

/** The persistent notice while the registry is paused; nothing otherwise. */
export function RegistryPausedNotice({ pause }: { pause: RegistryPause }): ReactNode {
  return (
    <div aria-live="polite">
      {pause.paused === true && (
        <p className="notice" id={REGISTRY_PAUSED_NOTICE_ID} data-testid="registry-paused">
          {REGISTRY_PAUSED}
        </p>
      )}
    </div>
  );
}

/** Beside an action the pause disables: why it is disabled, in a few words. */
export function RegistryPausedHint({ pause, what }: { pause: RegistryPause; what: string }): ReactNode {
  if (pause.paused !== true) return null;
  return (
    <p className="hint" data-testid="registry-paused-hint">
      {what} is stopped while the fingerprint registry is paused.
    </p>
  );
}
