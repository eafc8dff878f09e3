/**
 * Consent: a data owner signs a purpose-bound consent in the wallet (EIP-712 typed data the wallet
 * shows field by field), then submits it (the owner pays) or downloads it for the grantee to relay;
 * a grantee submits a signed consent file. Lists the connected account's consents, given and
 * received, with their state and uses; the owner revokes; each use (the usage log) is read from
 * the chain's ConsentConsumed events.
 */
import { useCallback, useEffect, useId, useState, type ReactNode } from "react";
import { getAddress, type Address, type Hex } from "viem";
import { readContract } from "viem/actions";

import { consentRegistryAbi } from "../../../src/sdk/abis.ts";
import {
  codeText,
  consentState,
  listConsents,
  listConsentUses,
  revokeConsent,
  signConsent,
  submitSignedConsent,
  type Consent,
  type ConsentUse,
  type SignedConsent,
} from "../../../src/sdk/consent/consent.ts";
import { useApp } from "../app-context.ts";
import { Party, useDirectory, type Directory } from "../consent-parties.tsx";
import {
  dataUrl,
  readSignedConsentFile,
  signedConsentFileName,
  signedConsentText,
  termsOf,
  usesText,
  utcInputValue,
  type TermsForm,
} from "../consent-terms.ts";
import { errorMessage } from "../errors.ts";
import { formatTime } from "../format.ts";
import { navigate } from "../router.ts";
import { ActionStatus, SignerNotice, useAction, useSigner } from "../transactions.tsx";

const OTHER = "other";
const DAY = 86_400;

type Lists = { given: Consent[]; received: Consent[]; now: bigint };

export function ConsentPage() {
  const { config, reader } = useApp();
  const consentRegistry = getAddress(config.contracts.ConsentRegistry);
  const creditOrderBook = getAddress(config.contracts.CreditOrderBook);
  const signer = useSigner();
  const directory = useDirectory();
  const id = useId();
  const field = (name: string) => `${id}-${name}`;
  const banks = directory.recognised("bank");

  const [granteeChoice, setGranteeChoice] = useState("");
  const [granteeOther, setGranteeOther] = useState("");
  const [form, setForm] = useState<Omit<TermsForm, "grantee">>(() => ({
    purpose: "credit-report",
    scope: [],
    validFrom: "",
    validUntil: utcInputValue(Math.floor(Date.now() / 1000) + 30 * DAY),
    maxUses: "",
  }));
  const [signatureDays, setSignatureDays] = useState("1");
  const [signed, setSigned] = useState<SignedConsent>();
  const signing = useAction(signer);

  const [uploaded, setUploaded] = useState<{ signed: SignedConsent; name: string }>();
  const [uploadError, setUploadError] = useState<string>();
  const relaying = useAction(signer);

  const [lists, setLists] = useState<Lists>();
  const [listError, setListError] = useState<string>();
  const [version, setVersion] = useState(0);
  const revoking = useAction(signer);
  const [shownUses, setShownUses] = useState<Consent>();

  const grantee = granteeChoice === OTHER ? granteeOther : granteeChoice;
  const account = signer.account;

  // The first recognised bank is the usual grantee.
  useEffect(() => {
    if (granteeChoice === "" && banks[0]) setGranteeChoice(getAddress(banks[0].account));
  }, [banks, granteeChoice]);

  // Another account has other consents, and did not sign the previous one's: forget what was shown,
  // the previous account's errors and outcomes included.
  const { reset: resetSigning } = signing;
  const { reset: resetRelaying } = relaying;
  const { reset: resetRevoking } = revoking;
  useEffect(() => {
    setShownUses(undefined);
    setSigned(undefined);
    setUploaded(undefined);
    setUploadError(undefined);
    resetSigning();
    resetRelaying();
    resetRevoking();
  }, [account, resetSigning, resetRelaying, resetRevoking]);

  const refresh = useCallback(() => {
    setVersion((current) => current + 1);
  }, []);

  useEffect(() => {
    setLists(undefined);
    setListError(undefined);
    if (!account) return;
    let live = true;
    Promise.all([
      listConsents(reader, { consentRegistry, owner: account }),
      listConsents(reader, { consentRegistry, grantee: account }),
      reader.getBlock({ blockTag: "latest" }),
    ])
      .then(([given, received, block]) => {
        if (live) setLists({ given, received, now: block.timestamp });
      })
      .catch((caught: unknown) => {
        if (live) setListError(`Your consents could not be read: ${errorMessage(caught)}`);
      });
    return () => {
      live = false;
    };
  }, [account, consentRegistry, reader, version]);

  function update<K extends keyof typeof form>(name: K, value: (typeof form)[K]) {
    setForm((current) => ({ ...current, [name]: value }));
    setSigned(undefined);
  }

  function toggleScope(schemaId: Hex, checked: boolean) {
    update("scope", checked ? [...form.scope, schemaId] : form.scope.filter((other) => other !== schemaId));
  }

  async function sign() {
    setSigned(undefined);
    await signing.run("Signing the consent", async (client, progress) => {
      const owner = client.account.address;
      const [block, nonce] = await Promise.all([
        reader.getBlock({ blockTag: "latest" }),
        readContract(reader, {
          address: consentRegistry,
          abi: consentRegistryAbi,
          functionName: "nonces",
          args: [owner],
        }),
      ]);
      const terms = termsOf({ ...form, grantee }, owner, block.timestamp);
      progress("Check the terms your wallet shows, then sign them (signing costs nothing).");
      const result = await signConsent(client, {
        consentRegistry,
        terms,
        nonce,
        deadline: block.timestamp + BigInt(Number(signatureDays) * DAY),
      });
      setSigned(result);
      return {
        message: `Signed. Submit it now (you pay the gas), or download it and give the file to ${directory.nameOf(terms.grantee) ?? terms.grantee}, who submits it.`,
      };
    });
  }

  async function submit(consent: SignedConsent, action: typeof signing, after: () => void) {
    await action.run("Submitting the consent", async (client) => {
      const { consentId, transactionHash } = await submitSignedConsent(client, {
        consentRegistry,
        signed: consent,
      });
      after();
      refresh();
      return {
        message: `Consent ${consentId} is granted: ${directory.nameOf(consent.terms.grantee) ?? getAddress(consent.terms.grantee)} may use it from now on.`,
        transactionHash,
      };
    });
  }

  async function chooseFile(file: File | undefined) {
    setUploaded(undefined);
    setUploadError(undefined);
    relaying.reset();
    if (!file) return;
    try {
      setUploaded({
        signed: await readSignedConsentFile(file, config.chainId, consentRegistry),
        name: file.name,
      });
    } catch (caught) {
      setUploadError(errorMessage(caught));
    }
  }

  async function revoke(consent: Consent) {
    await revoking.run(`Revoking consent ${short(consent.id)}`, async (client) => {
      const { transactionHash } = await revokeConsent(client, { consentRegistry, consentId: consent.id });
      refresh();
      return { message: `Consent ${consent.id} is revoked: nobody can use it from now on.`, transactionHash };
    });
  }

  return (
    <div className="credit-page">
      <h1 tabIndex={-1}>Consent</h1>
      <p className="lead">
        Let an institution use your data of chosen kinds for one purpose, for a time and a number of uses. You
        sign the terms in your wallet; every use is recorded on {config.chainName}, and you can revoke the
        consent at any time.
      </p>
      <SignerNotice signer={signer} />
      {directory.error && (
        <p role="alert" className="error">
          {directory.error}
        </p>
      )}

      <form
        className="card"
        aria-labelledby={field("sign-heading")}
        onSubmit={(event) => {
          event.preventDefault();
          void sign();
        }}
      >
        <h2 id={field("sign-heading")}>Give a consent</h2>
        <div className="grid">
          <div className="field">
            <label htmlFor={field("grantee")}>Grantee</label>
            <select
              id={field("grantee")}
              value={granteeChoice}
              onChange={(event) => {
                setGranteeChoice(event.target.value);
                setSigned(undefined);
              }}
            >
              {banks.length === 0 && <option value="">No recognised bank found</option>}
              {banks.map((bank) => (
                <option key={bank.account} value={getAddress(bank.account)}>
                  {bank.name} ({bank.jurisdiction}), bank
                </option>
              ))}
              <option value={OTHER}>Another address…</option>
            </select>
          </div>
          {granteeChoice === OTHER && (
            <div className="field">
              <label htmlFor={field("grantee-address")}>Grantee address</label>
              <input
                id={field("grantee-address")}
                type="text"
                autoComplete="off"
                spellCheck={false}
                placeholder="0x…"
                value={granteeOther}
                onChange={(event) => {
                  setGranteeOther(event.target.value);
                  setSigned(undefined);
                }}
              />
            </div>
          )}
          <div className="field">
            <label htmlFor={field("purpose")}>Purpose code</label>
            <input
              id={field("purpose")}
              type="text"
              autoComplete="off"
              spellCheck={false}
              list={field("purposes")}
              aria-describedby={field("purpose-hint")}
              value={form.purpose}
              onChange={(event) => {
                update("purpose", event.target.value);
              }}
            />
            <datalist id={field("purposes")}>
              <option value="credit-report" />
            </datalist>
            <span className="hint" id={field("purpose-hint")}>
              Lowercase letters, digits and . : _ - ; credit-report lets a bank order your credit report.
            </span>
          </div>
          <div className="field">
            <label htmlFor={field("from")}>Valid from (UTC)</label>
            <input
              id={field("from")}
              type="datetime-local"
              aria-describedby={field("from-hint")}
              value={form.validFrom}
              onChange={(event) => {
                update("validFrom", event.target.value);
              }}
            />
            <span className="hint" id={field("from-hint")}>
              Empty: from now.
            </span>
          </div>
          <div className="field">
            <label htmlFor={field("until")}>Valid until (UTC)</label>
            <input
              id={field("until")}
              type="datetime-local"
              value={form.validUntil}
              onChange={(event) => {
                update("validUntil", event.target.value);
              }}
            />
          </div>
          <div className="field">
            <label htmlFor={field("uses")}>Maximum uses</label>
            <input
              id={field("uses")}
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              aria-describedby={field("uses-hint")}
              value={form.maxUses}
              onChange={(event) => {
                update("maxUses", event.target.value);
              }}
            />
            <span className="hint" id={field("uses-hint")}>
              Empty or 0: no limit.
            </span>
          </div>
          <div className="field">
            <label htmlFor={field("deadline")}>Signature valid for</label>
            <select
              id={field("deadline")}
              value={signatureDays}
              onChange={(event) => {
                setSignatureDays(event.target.value);
                setSigned(undefined);
              }}
            >
              <option value="1">1 day</option>
              <option value="7">7 days</option>
              <option value="30">30 days</option>
            </select>
          </div>
        </div>
        <fieldset className="checks">
          <legend>Scope: the kinds of document it covers</legend>
          {directory.loading && <p>Loading the document kinds…</p>}
          {directory.schemas.map((schema) => (
            <label key={schema.id}>
              <input
                type="checkbox"
                checked={form.scope.includes(schema.id)}
                onChange={(event) => {
                  toggleScope(schema.id, event.target.checked);
                }}
              />
              {schema.name}@{schema.version}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={signing.busy || signer.problem !== undefined}>
            Sign in wallet
          </button>
        </div>
        <ActionStatus state={signing.state} testId="sign-status" />
        {signed && (
          <div data-testid="signed-consent">
            <SignedTerms signed={signed} directory={directory} />
            <div className="actions">
              <button
                type="button"
                disabled={signing.busy}
                onClick={() =>
                  void submit(signed, signing, () => {
                    setSigned(undefined);
                  })
                }
              >
                Submit it now
              </button>
              <a
                className="button secondary"
                href={dataUrl(signedConsentText(signed))}
                download={signedConsentFileName(signed)}
              >
                Download signed consent
              </a>
            </div>
          </div>
        )}
      </form>

      <form
        className="card"
        aria-labelledby={field("relay-heading")}
        onSubmit={(event) => {
          event.preventDefault();
          if (uploaded)
            void submit(uploaded.signed, relaying, () => {
              setUploaded(undefined);
            });
        }}
      >
        <h2 id={field("relay-heading")}>Submit a signed consent file</h2>
        <p className="hint">
          An owner who signed a consent and downloaded it can give you the file: submit it here and your
          account pays the gas. It works once, before the signature&apos;s deadline.
        </p>
        <div className="field">
          <label htmlFor={field("file")}>Signed consent (.json)</label>
          <input
            id={field("file")}
            type="file"
            accept=".json,application/json"
            onChange={(event) => void chooseFile(event.target.files?.[0])}
          />
        </div>
        <div role="status" aria-live="polite">
          {uploadError && (
            <p className="error" data-testid="upload-error">
              {uploadError}
            </p>
          )}
        </div>
        {uploaded && <SignedTerms signed={uploaded.signed} directory={directory} />}
        <button type="submit" disabled={!uploaded || relaying.busy || signer.problem !== undefined}>
          Submit signed consent
        </button>
        <ActionStatus state={relaying.state} testId="relay-status" />
      </form>

      <section aria-labelledby={field("list-heading")}>
        <h2 id={field("list-heading")}>Your consents</h2>
        <div role="status" aria-live="polite">
          {!account && <p>Connect your wallet to see the consents your account gave and received.</p>}
          {account && !lists && !listError && <p>Loading your consents…</p>}
          {listError && <p className="error">{listError}</p>}
          {lists && lists.given.length === 0 && lists.received.length === 0 && (
            <p data-testid="no-consents">Your account has given and received no consents.</p>
          )}
        </div>
        <ActionStatus state={revoking.state} testId="revoke-status" />
        {lists && lists.given.length > 0 && (
          <ConsentTable
            caption="Consents you gave"
            testId="consents-given"
            consents={lists.given}
            now={lists.now}
            party="grantee"
            directory={directory}
            busy={revoking.busy}
            onRevoke={signer.problem ? undefined : (consent) => void revoke(consent)}
            shown={shownUses?.id}
            onShowUses={setShownUses}
          />
        )}
        {lists && lists.received.length > 0 && (
          <ConsentTable
            caption="Consents given to you"
            testId="consents-received"
            consents={lists.received}
            now={lists.now}
            party="owner"
            directory={directory}
            busy={revoking.busy}
            shown={shownUses?.id}
            onShowUses={setShownUses}
          />
        )}
        {shownUses && (
          <ConsentUses
            key={`${shownUses.id}-${version}`}
            consent={shownUses}
            consentRegistry={consentRegistry}
            creditOrderBook={creditOrderBook}
            directory={directory}
          />
        )}
      </section>
    </div>
  );
}

function short(hex: string): string {
  return `${hex.slice(0, 10)}…`;
}

/** The terms of a signed consent, as the owner signed them. */
function SignedTerms({ signed, directory }: { signed: SignedConsent; directory: Directory }): ReactNode {
  const { terms } = signed;
  return (
    <dl className="details" data-testid="signed-terms">
      <dt>Owner</dt>
      <dd>
        <Party address={getAddress(signed.owner)} directory={directory} />
      </dd>
      <dt>Grantee</dt>
      <dd data-testid="signed-grantee">
        <Party address={getAddress(terms.grantee)} directory={directory} />
      </dd>
      <dt>Purpose</dt>
      <dd>{codeText(terms.purpose as Hex)}</dd>
      <dt>Document kinds</dt>
      <dd>{terms.scope.map((schemaId) => directory.schemaName(schemaId as Hex)).join(", ")}</dd>
      <dt>Valid</dt>
      <dd>
        from {formatTime(Number(terms.validFrom))} until {formatTime(Number(terms.validUntil))}
      </dd>
      <dt>Maximum uses</dt>
      <dd>{terms.maxUses === 0 ? "no limit" : terms.maxUses}</dd>
      <dt>Submit before</dt>
      <dd>
        {formatTime(Number(signed.deadline))} (signature nonce {signed.nonce})
      </dd>
    </dl>
  );
}

function ConsentTable({
  caption,
  testId,
  consents,
  now,
  party,
  directory,
  busy,
  onRevoke,
  shown,
  onShowUses,
}: {
  caption: string;
  testId: string;
  consents: Consent[];
  now: bigint;
  /** The other party's column. */
  party: "owner" | "grantee";
  directory: Directory;
  busy: boolean;
  /** Given for the owner's own consents. */
  onRevoke?: (consent: Consent) => void;
  shown: Hex | undefined;
  onShowUses: (consent: Consent) => void;
}): ReactNode {
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Consent</th>
            <th scope="col">{party === "grantee" ? "Grantee" : "Owner"}</th>
            <th scope="col">Purpose</th>
            <th scope="col">Document kinds</th>
            <th scope="col">Valid</th>
            <th scope="col">Uses</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {[...consents].reverse().map((consent) => {
            const state = consentState(consent, now);
            return (
              <tr key={consent.id} data-testid="consent-row" data-consent={consent.id}>
                <td data-label="Consent">
                  <code>{consent.id}</code>
                </td>
                <td data-label={party === "grantee" ? "Grantee" : "Owner"}>
                  <Party
                    address={party === "grantee" ? consent.terms.grantee : consent.owner}
                    directory={directory}
                  />
                </td>
                <td data-label="Purpose">{codeText(consent.terms.purpose)}</td>
                <td data-label="Document kinds">
                  {consent.terms.scope.map((schemaId) => directory.schemaName(schemaId)).join(", ")}
                </td>
                <td data-label="Valid">
                  {formatTime(Number(consent.terms.validFrom))} to{" "}
                  {formatTime(Number(consent.terms.validUntil))}
                </td>
                <td data-label="Uses" data-testid="consent-uses">
                  {usesText(consent.uses, consent.terms.maxUses)}
                </td>
                <td data-label="State" data-testid="consent-state">
                  {state}
                  {consent.revokedAt && <> ({formatTime(consent.revokedAt.getTime() / 1000)})</>}
                </td>
                <td data-label="Actions">
                  <div className="actions">
                    <button
                      type="button"
                      className="secondary"
                      aria-controls="consent-uses"
                      aria-expanded={shown === consent.id}
                      onClick={() => {
                        onShowUses(consent);
                      }}
                    >
                      Show uses
                    </button>
                    {onRevoke && !consent.revokedAt && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => {
                          onRevoke(consent);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The usage log of one consent: every ConsentConsumed event, from the chain. */
function ConsentUses({
  consent,
  consentRegistry,
  creditOrderBook,
  directory,
}: {
  consent: Consent;
  consentRegistry: Address;
  creditOrderBook: Address;
  directory: Directory;
}): ReactNode {
  const { config, reader } = useApp();
  const [uses, setUses] = useState<ConsentUse[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    listConsentUses(reader, {
      consentRegistry,
      consentId: consent.id,
      fromBlock: BigInt(config.startBlock),
    })
      .then((found) => {
        if (live) setUses(found);
      })
      .catch((caught: unknown) => {
        if (live) setError(`The consent's uses could not be read: ${errorMessage(caught)}`);
      });
    return () => {
      live = false;
    };
  }, [config.startBlock, consent.id, consentRegistry, reader]);

  const caption = `Uses of consent ${short(consent.id)}`;
  return (
    <section id="consent-uses" aria-label={caption} className="card">
      <h3>{caption}</h3>
      <div role="status" aria-live="polite">
        {!uses && !error && <p>Reading the usage log…</p>}
        {error && <p className="error">{error}</p>}
        {uses && (
          <p data-testid="uses-count">
            {uses.length === 0
              ? "This consent has not been used."
              : `Used ${uses.length} time${uses.length === 1 ? "" : "s"}${consent.terms.maxUses ? ` of ${consent.terms.maxUses} allowed` : ""}.`}
          </p>
        )}
      </div>
      {uses && uses.length > 0 && (
        <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
          <table data-testid="consent-use-log">
            <caption>Each use, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">Use</th>
                <th scope="col">When</th>
                <th scope="col">Recorded by</th>
                <th scope="col">For</th>
                <th scope="col">Document kind</th>
                <th scope="col">Reference</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {uses.map((use) => {
                const isOrder = getAddress(use.consumer) === creditOrderBook;
                return (
                  <tr key={`${use.transactionHash}-${use.uses}`} data-testid="consent-use">
                    <td data-label="Use">{use.uses}</td>
                    <td data-label="When">{formatTime(use.at.getTime() / 1000)}</td>
                    <td data-label="Recorded by">
                      <Party address={use.consumer} directory={directory} />
                    </td>
                    <td data-label="For">
                      <Party address={use.grantee} directory={directory} />
                    </td>
                    <td data-label="Document kind">{directory.schemaName(use.schemaId)}</td>
                    <td data-label="Reference" data-testid="use-reference">
                      {isOrder ? (
                        <>
                          credit order{" "}
                          <a
                            href={`/orders?order=${use.usageReference}`}
                            onClick={(event) => {
                              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
                                return;
                              event.preventDefault();
                              navigate(`/orders?order=${use.usageReference}`);
                            }}
                          >
                            <code>{use.usageReference}</code>
                          </a>
                        </>
                      ) : (
                        <code>{use.usageReference}</code>
                      )}
                    </td>
                    <td data-label="Transaction">
                      <code>{use.transactionHash}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
