/**
 * Who and what the Consent and Orders pages name: the institutions of the IssuerRegistry (banks to
 * grant consents to, credit agencies to order from, names for addresses) and the document kinds of
 * the SchemaRegistry (a consent's scope). Read once per page from the chain.
 */
import { useEffect, useState, type ReactNode } from "react";
import { getAddress, type Address, type Hex } from "viem";

import { listIssuers, type Issuer, type IssuerType } from "../../src/sdk/issuers/issuers.ts";
import { listAllSchemas, type Schema } from "../../src/sdk/schemas/schemas.ts";
import { useApp } from "./app-context.ts";
import { errorMessage } from "./errors.ts";

export type Directory = {
  /** Every institution that ever applied, in order of application. */
  issuers: Issuer[];
  /** Every registered document kind. */
  schemas: Schema[];
  loading: boolean;
  /** Why the registries could not be read, in one sentence. */
  error: string | undefined;
  /** The institutions of `type` the consortium recognises now. */
  recognised(type: IssuerType): Issuer[];
  /** "Name (jurisdiction)" of an institution or contract; undefined for other accounts. */
  nameOf(address: string): string | undefined;
  /** "name@version" of a schema id, or the id itself. */
  schemaName(schemaId: Hex): string;
};

export function useDirectory(): Directory {
  const { config, reader } = useApp();
  const [issuers, setIssuers] = useState<Issuer[]>([]);
  const [schemas, setSchemas] = useState<Schema[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    Promise.all([
      listIssuers(reader, { issuerRegistry: config.contracts.IssuerRegistry as Hex }),
      listAllSchemas(reader, { schemaRegistry: config.contracts.SchemaRegistry as Hex }),
    ])
      .then(([foundIssuers, foundSchemas]) => {
        if (!live) return;
        setIssuers(foundIssuers);
        setSchemas(foundSchemas);
        setLoading(false);
      })
      .catch((caught: unknown) => {
        if (!live) return;
        setError(`The issuer and schema registries could not be read: ${errorMessage(caught)}`);
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [config, reader]);

  const contracts: Record<string, string> = {
    [getAddress(config.contracts.CreditOrderBook)]: "Credit order book",
    [getAddress(config.contracts.ConsentRegistry)]: "Consent registry",
  };
  return {
    issuers,
    schemas,
    loading,
    error,
    recognised: (type) => issuers.filter((issuer) => issuer.type === type && issuer.status === "recognized"),
    nameOf(address) {
      const account = getAddress(address);
      const issuer = issuers.find((candidate) => getAddress(candidate.account) === account);
      if (issuer) return `${issuer.name}${issuer.jurisdiction ? ` (${issuer.jurisdiction})` : ""}`;
      return contracts[account];
    },
    schemaName(schemaId) {
      const schema = schemas.find((candidate) => candidate.id.toLowerCase() === schemaId.toLowerCase());
      return schema ? `${schema.name}@${schema.version}` : schemaId;
    },
  };
}

/** An account: its institution's name when known, then the address. */
export function Party({ address, directory }: { address: Address; directory: Directory }): ReactNode {
  const name = directory.nameOf(address);
  return (
    <>
      {name && <>{name} · </>}
      <code>{address}</code>
    </>
  );
}
