import { describe, expect, it } from "vitest";
import { placesIn } from "./places.ts";

describe("places a text names", () => {
  it("reads countries and regions whatever their case, a multi-word name as one place", () => {
    expect(placesIn("We ship to the European Union, the United Kingdom, Switzerland and Norway.")).toEqual([
      "european union",
      "united kingdom",
      "switzerland",
      "norway",
    ]);
    expect(placesIn("do u ship to canada or the united  states?")).toEqual(["canada", "united states"]);
  });

  it("names each place once and finds none inside another word or in ordinary words", () => {
    expect(placesIn("Spain, spain and SPAIN")).toEqual(["spain"]);
    expect(placesIn("Spanish chinaware, a jersey and Jordan sneakers")).toEqual([]);
    expect(placesIn("Express delivery arrives the next business day, Monday to Friday.")).toEqual([]);
  });
});
