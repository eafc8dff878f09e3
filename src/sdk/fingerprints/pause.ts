/**
 * The words for the consortium committee's pause of the FingerprintRegistry. Every place that says
 * the registry is paused uses these: the `EnforcedPause` revert message, the SDK's
 * `RegistryPausedError`, `crossproof gov status`, the proposal description, and the web app's notice
 * and committee panel. No imports, so the error and revert-message modules can use it too.
 */

/**
 * What a pause stops, and what it does not: the clause {@link REGISTRY_PAUSED} and the pause
 * proposal's description ("Pause the fingerprint registry: …") share.
 */
export const REGISTRY_PAUSE_EFFECT =
  "no anchoring, revocation or reinstatement until it is unpaused; verification still works";

/** The sentence for a paused registry. */
export const REGISTRY_PAUSED = `The fingerprint registry is paused by the consortium committee: ${REGISTRY_PAUSE_EFFECT}.`;

/** The sentence for a running registry, where its state is shown either way. */
export const REGISTRY_RUNNING = "The fingerprint registry is running: issuers anchor, revoke and reinstate.";
