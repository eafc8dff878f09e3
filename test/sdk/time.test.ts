/** src/sdk/time.ts, and the CLI's date flags that use it (they used Date.parse, which rolled 2027-02-30 over to March 2). */
import { expect } from "chai";

import { parseWhen } from "../../src/cli/commands/consent.ts";
import { parseExpiry } from "../../src/cli/commands/shared.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { isoSeconds } from "../../src/sdk/time.ts";

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe("ISO 8601 times (src/sdk/time.ts)", function () {
  it("reads dates as midnight UTC and date-times as UTC unless they give an offset", function () {
    expect(isoSeconds("2027-06-30")).to.equal(seconds("2027-06-30T00:00:00Z"));
    expect(isoSeconds("2027-06-30T12:00")).to.equal(seconds("2027-06-30T12:00:00Z"));
    expect(isoSeconds("2027-06-30T12:00:30Z")).to.equal(seconds("2027-06-30T12:00:30Z"));
    expect(isoSeconds("2027-06-30 12:00:30.250Z")).to.equal(seconds("2027-06-30T12:00:30Z"));
    expect(isoSeconds("2027-06-30T20:00:00+08:00")).to.equal(seconds("2027-06-30T12:00:00Z"));
    expect(isoSeconds("2027-06-30T04:30:00-0730")).to.equal(seconds("2027-06-30T12:00:00Z"));
    expect(isoSeconds("2028-02-29")).to.equal(seconds("2028-02-29T00:00:00Z"));
  });

  it("refuses impossible moments and other forms instead of guessing", function () {
    for (const text of [
      "2027-02-30",
      "2027-02-29",
      "2027-13-01",
      "2027-06-30T24:00",
      "2027-06-30T23:59:60Z",
      "2027-06-30T12:00+25:00",
      "1 Jan 2027",
      "2027/06/30",
      "June 30, 2027",
      "2027-6-30",
      "",
    ]) {
      expect(isoSeconds(text), text).to.equal(undefined);
    }
  });

  it("makes --expires, consent times and their messages use it", function () {
    const now = Date.parse("2026-11-27T00:00:00Z");
    expect(parseExpiry("2027-06-30", now)).to.equal(seconds("2027-06-30T00:00:00Z"));
    expect(() => parseExpiry("2027-02-30", now)).to.throw(UsageError, "--expires 2027-02-30 is not a date");
    expect(() => parseExpiry("1 Jan 2027", now)).to.throw(UsageError, "UTC unless it gives an offset");
    expect(() => parseExpiry("2026-11-26", now)).to.throw(UsageError, "is not in the future");
    expect(parseWhen("2027-06-30T08:00:00+08:00", "--until")).to.deep.equal({
      kind: "date",
      seconds: BigInt(seconds("2027-06-30T00:00:00Z")),
    });
    expect(() => parseWhen("2027-04-31", "--until")).to.throw(UsageError, "--until 2027-04-31 is neither");
  });
});
