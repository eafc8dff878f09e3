import { isAddress, type Hex } from "viem";

import {
  applyForRecognition,
  getIssuer,
  issuerTypes,
  listIssuers,
  type Issuer,
  type IssuerType,
} from "../../sdk/issuers/issuers.ts";
import { hasControlCharacters } from "../../sdk/text.ts";
import { connect, signer } from "../context.ts";
import { ExitCode, UsageError } from "../errors.ts";
import type { Command } from "../main.ts";
import { printable, printJson, printLine } from "../output.ts";

const TYPES = issuerTypes.slice(1);

export const issuerCommand: Command = {
  summary: "Apply to be a recognised issuer; list and show the consortium's issuers.",
  usage: `issuer apply --type <type> --name <name> --jurisdiction <code> [--did <address>]
       crossproof issuer list [--type <type>]
       crossproof issuer show <address>

  Types: ${TYPES.join(", ")}. Jurisdiction: an ISO 3166 code such as HK, MO, CN-GD.
  The applying account (--key) is the one that will anchor; it must own the DID (default: its own
  did:ethr) or be a valid veriKey delegate of it. The committee then recognises the applicant and
  grants it schemas (\`crossproof gov propose issuer-recognize|schema-grant\`).`,
  options: {
    type: { type: "string" },
    name: { type: "string" },
    jurisdiction: { type: "string" },
    did: { type: "string" },
  },
  async run(positionals, values, global) {
    const [action, ...rest] = positionals;
    if (!action || !["apply", "list", "show"].includes(action)) {
      throw new UsageError("Use: crossproof issuer apply|list|show (see --help).");
    }
    const type = values.type;
    if (type !== undefined && !TYPES.includes(type as IssuerType)) {
      throw new UsageError(`--type ${String(type)} is not an issuer type; use one of: ${TYPES.join(", ")}.`);
    }

    if (action === "apply") {
      if (type === undefined) throw new UsageError(`issuer apply needs --type (${TYPES.join(", ")}).`);
      if (typeof values.name !== "string" || values.name.trim() === "")
        throw new UsageError("issuer apply needs --name.");
      if (hasControlCharacters(values.name))
        throw new UsageError(
          `--name ${printable(values.name)} holds a control character (a line break, tab, escape or direction mark): every member and the regulator read the name, so give it as plain text.`,
        );
      if (
        typeof values.jurisdiction !== "string" ||
        !/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(values.jurisdiction)
      ) {
        throw new UsageError("issuer apply needs --jurisdiction as an ISO 3166 code, e.g. HK, MO or CN-GD.");
      }
      if (values.did !== undefined && (typeof values.did !== "string" || !isAddress(values.did))) {
        throw new UsageError("--did must be the 0x address of a did:ethr identity.");
      }
      const context = await connect(global);
      const client = signer(global, context);
      const issuerRegistry = context.manifest.contracts.IssuerRegistry as Hex;
      const did = values.did ?? client.account.address;
      const { transactionHash } = await applyForRecognition(client, {
        issuerRegistry,
        did,
        type: type as IssuerType,
        name: values.name,
        jurisdiction: values.jurisdiction,
      });
      const issuer = await getIssuer(context.publicClient, {
        issuerRegistry,
        account: client.account.address,
      });
      if (global.json) printJson({ ...serialise(issuer), transactionHash });
      else {
        printLine(`${issuer.name} applied as ${issuer.type} (${issuer.jurisdiction}) with DID ${did}.`);
        printLine(
          `A committee member proposes recognition: crossproof gov propose issuer-recognize ${issuer.account}`,
        );
      }
      return ExitCode.ok;
    }

    const context = await connect(global);
    const issuerRegistry = context.manifest.contracts.IssuerRegistry as Hex;
    if (action === "list") {
      const issuers = await listIssuers(context.publicClient, {
        issuerRegistry,
        ...(type === undefined ? {} : { type: type as IssuerType }),
      });
      if (global.json) printJson(issuers.map(serialise));
      else if (issuers.length === 0) printLine("No issuers.");
      else
        for (const issuer of issuers)
          printLine(
            `${issuer.account}  ${issuer.status.padEnd(10)} ${issuer.type.padEnd(13)} ${issuer.jurisdiction.padEnd(6)} ${issuer.name}`,
          );
      return ExitCode.ok;
    }

    const [account] = rest;
    if (!account || !isAddress(account)) throw new UsageError("issuer show needs the issuer's 0x address.");
    const issuer = await getIssuer(context.publicClient, { issuerRegistry, account: account });
    if (issuer.status === "none") {
      throw new UsageError(`${account} never applied to be an issuer; see \`crossproof issuer list\`.`);
    }
    if (global.json) printJson(serialise(issuer));
    else {
      printLine(`${issuer.name} (${issuer.type}, ${issuer.jurisdiction})`);
      printLine(`  account     ${issuer.account}`);
      printLine(`  DID         did:ethr:0x${context.chainId.toString(16)}:${issuer.did.toLowerCase()}`);
      printLine(`  status      ${issuer.status} since ${issuer.statusChangedAt.toISOString()}`);
      printLine(`  applied     ${issuer.appliedAt.toISOString()}`);
      printLine(`  schemas     ${issuer.schemaIds.join(", ") || "none"}`);
    }
    return ExitCode.ok;
  },
};

function serialise(issuer: Issuer) {
  return {
    ...issuer,
    appliedAt: issuer.appliedAt.toISOString(),
    statusChangedAt: issuer.statusChangedAt.toISOString(),
  };
}
