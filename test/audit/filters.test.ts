/**
 * The bounds of `--from`/`--to` and of the API's from/to (src/indexer/filters.ts parseBound): block
 * numbers, dates and date-times, read the way a regulator means them.
 */
import { expect } from "chai";

import { parseBound } from "../../src/indexer/filters.ts";
import { InvalidInputError } from "../../src/sdk/errors.ts";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("src/indexer/filters.ts: parseBound", function () {
  it("reads block numbers, dates (a bare date ends with its day) and date-times with offsets", function () {
    expect(parseBound("1200", "--from", false)).to.deep.equal({ block: 1200 });
    expect(parseBound("2026-11-27", "--from", false)).to.deep.equal({ time: at("2026-11-27T00:00:00Z") });
    expect(parseBound("2026-11-27", "--to", true)).to.deep.equal({ time: at("2026-11-27T23:59:59Z") });
    expect(parseBound("2026-11-27T08:30:00+08:00", "--from", false)).to.deep.equal({
      time: at("2026-11-27T00:30:00Z"),
    });
  });

  it("starts a lower bound inside a second at the next whole second, and ends an upper one at its own", function () {
    // Block times are whole seconds: an event at 13:18:24 is before 13:18:24.500.
    expect(parseBound("2026-11-27T13:18:24.500Z", "--from", false)).to.deep.equal({
      time: at("2026-11-27T13:18:25Z"),
    });
    expect(parseBound("2026-11-27T13:18:24.500Z", "--to", true)).to.deep.equal({
      time: at("2026-11-27T13:18:24Z"),
    });
    expect(parseBound("2026-11-27T13:18:24.000Z", "--from", false)).to.deep.equal({
      time: at("2026-11-27T13:18:24Z"),
    });
  });

  it("says when a URL query lost the + of an offset, and what a bound must look like otherwise", function () {
    expect(() => parseBound("2026-11-27T08:30:00 08:00", "from", false))
      .to.throw(InvalidInputError)
      .with.property("message")
      .that.contains('lost the "+" of its offset: in a URL write it as %2B');
    expect(() => parseBound("yesterday", "--from", false))
      .to.throw(InvalidInputError)
      .with.property("message")
      .that.contains("is neither a block number nor a date");
  });
});
