/**
 * One rule for text people read (src/sdk/text.ts) and the URI fields that land on chain for good
 * (src/sdk/uri.ts): no control characters, direction marks or line separators.
 */
import { expect } from "chai";

import { hasControlCharacters } from "../../src/sdk/text.ts";
import { isAbsoluteUri } from "../../src/sdk/uri.ts";

describe("src/sdk/text.ts and src/sdk/uri.ts", function () {
  it("finds control characters, direction marks and line separators, and nothing in plain text", function () {
    for (const text of ["a\nb", "a\u001b[2J", "a\u009b31m", "a\u202eb", "a\u2028b", "a\tb", "a\u0000"]) {
      expect(hasControlCharacters(text), JSON.stringify(text)).to.equal(true);
    }
    for (const text of ["Macao Public Health Laboratory", "澳門衛生局", "health.test-report@1.0", ""]) {
      expect(hasControlCharacters(text), text).to.equal(false);
    }
  });

  it("takes absolute URIs only, never free text or a URI carrying control characters", function () {
    for (const uri of ["https://schemas.example/a.json", "ipfs://bafybeigdyrzt", "urn:crossproof:batch:1"]) {
      expect(isAbsoluteUri(uri), uri).to.equal(true);
    }
    for (const text of [
      "patient Jane Doe",
      "schemas.example/a.json",
      "https://a.example/\u001b[2J",
      "https://a.example/x\u202eevil",
      "https://a.example/\u009b31m",
      "https://a.example/a b",
    ]) {
      expect(isAbsoluteUri(text), JSON.stringify(text)).to.equal(false);
    }
  });
});
