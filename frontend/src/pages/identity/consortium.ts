/**
 * What the issuer and proposal panels read together from the chain: the issuers, the schemas, the
 * committee and its proposals, and whether the fingerprint registry is paused, all through the
 * app's reader, reloaded after every change.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Hex } from "viem";

import { isRegistryPaused } from "../../../../src/sdk/fingerprints/actions.ts";
import {
  getCommittee,
  listProposalStates,
  type ProposalState,
} from "../../../../src/sdk/governance/committee.ts";
import { describeProposalCall } from "../../../../src/sdk/governance/describe.ts";
import { listIssuers, type Issuer } from "../../../../src/sdk/issuers/issuers.ts";
import { listAllSchemas, type Schema } from "../../../../src/sdk/schemas/schemas.ts";
import { useApp } from "../../app-context.ts";
import { errorMessage } from "../../errors.ts";

export type Committee = { address: Hex; members: Hex[]; threshold: number; nonce: bigint };

export type ConsortiumData = {
  issuers: Issuer[];
  schemas: Schema[];
  committee: Committee;
  proposals: ProposalState[];
  /** Whether the committee has paused the FingerprintRegistry; undefined when it could not be read. */
  registryPaused: boolean | undefined;
  /** Issuer names by lowercase account. */
  issuerName(account: string): string | undefined;
  /** `name@version` by schema id. */
  schemaName(schemaId: string): string | undefined;
  /** What a call does, in words (see describeProposalCall). */
  describe(call: { to: Hex; data: Hex; value?: bigint }): string;
};

export type Consortium = {
  data: ConsortiumData | undefined;
  loading: boolean;
  error: string | undefined;
  reload(): Promise<void>;
};

export function useConsortium(): Consortium {
  const { config, reader } = useApp();
  const [data, setData] = useState<ConsortiumData>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  /** Only the latest load may set the state. */
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const current = ++generation.current;
    setLoading(true);
    setError(undefined);
    const contracts = config.contracts;
    const committee = contracts.Committee as Hex;
    try {
      const [issuers, schemas, info, proposals, registryPaused] = await Promise.all([
        listIssuers(reader, { issuerRegistry: contracts.IssuerRegistry as Hex }),
        listAllSchemas(reader, { schemaRegistry: contracts.SchemaRegistry as Hex }),
        getCommittee(reader, { committee }),
        listProposalStates(reader, {
          committee,
          committeeProposals: contracts.CommitteeProposals as Hex,
          fromBlock: BigInt(config.startBlock),
        }),
        // A registry deployed before the pause existed has no paused(): the rest still shows.
        isRegistryPaused(reader, { fingerprintRegistry: contracts.FingerprintRegistry as Hex }).catch(
          () => undefined,
        ),
      ]);
      const issuerNames = new Map(issuers.map((issuer) => [issuer.account.toLowerCase(), issuer.name]));
      const schemaNames = new Map(
        schemas.map((schema) => [schema.id.toLowerCase(), `${schema.name}@${schema.version}`]),
      );
      const issuerName = (account: string) => issuerNames.get(account.toLowerCase());
      const schemaName = (schemaId: string) => schemaNames.get(schemaId.toLowerCase());
      if (current !== generation.current) return;
      setData({
        issuers,
        schemas,
        committee: { address: committee, ...info },
        proposals,
        registryPaused,
        issuerName,
        schemaName,
        describe: (call) => describeProposalCall(call, { contracts, issuerName, schemaName }),
      });
    } catch (caught) {
      if (current === generation.current) setError(errorMessage(caught));
    } finally {
      if (current === generation.current) setLoading(false);
    }
  }, [config, reader]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, loading, error, reload };
}
