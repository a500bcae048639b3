import * as fs from "fs";
import * as path from "path";
import { AZURE_REGIONS } from "../lib/config/azure-regions";
import { closestKey, resolveConfig } from "../lib/config/load";
import { regionProblems } from "../lib/config/regions";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { render } = require("../scripts/generate-regions.js") as { render(locations: unknown[], commit: string, date: string): string };

const TABLE = path.join(__dirname, "..", "lib", "config", "azure-regions.ts");
const COMMIT = "e9d62409c6fcc5554b60dd79cd60f55b344ad2f0";

describe("the table of Azure regions", () => {
  test("names its source, commit and date, as the generator writes them", () => {
    const header = fs.readFileSync(TABLE, "utf8").split("\n").slice(0, 4).join("\n");
    expect(header).toBe(render([], COMMIT, "2026-03-12").split("\n").slice(0, 4).join("\n"));
    expect(header).toContain("Azure/terraform-azurerm-avm-utl-regions, modules/cached-data/locations.tf.json");
  });

  test("holds region names as `location` takes them, sorted and each once, the article's among them", () => {
    const names = AZURE_REGIONS.map(([name]) => name);
    expect(names.every((n) => /^[a-z0-9]+$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(["eastus", "westeurope", "swedencentral", "westus3"]));
    expect(names).not.toContain("global");
  });

  test("is generated from physical regions only: logical ones name geographies that hold no resources", () => {
    const text = render(
      [
        { name: "westus", displayName: "West US", metadata: { regionType: "Physical" } },
        { name: "asia", displayName: "Asia", metadata: { regionType: "Logical" } },
        { name: "eastus", displayName: "East US", metadata: { regionType: "Physical" } },
      ],
      COMMIT,
      "2026-03-12",
    );
    expect(text.split("\n").filter((l) => l.startsWith("  ["))).toEqual(['  ["eastus", "East US"],', '  ["westus", "West US"],']);
    expect(text).toContain(`commit ${COMMIT} (2026-03-12)`);
  });
});

describe("location", () => {
  test.each([
    ["eastu", "eastus"],
    ["westeurop", "westeurope"],
    ["swedencentrl", "swedencentral"],
  ])("suggests %s → %s", (given, suggested) => {
    expect(regionProblems({ location: given }, closestKey)[0]?.fix).toMatch(new RegExp(`^did you mean "${suggested}"\\? `));
  });

  test("suggests nothing for a name far from every region", () => {
    expect(regionProblems({ location: "mars1" }, closestKey)[0]?.fix).toMatch(/^use a name from/);
  });

  test("takes a region the table does not know when locationUnlisted says so, and display names of those it knows", () => {
    expect(resolveConfig({}, { env: { LOCATION: "East US 2" } }).config.location).toBe("eastus2");
    expect(resolveConfig({ location: "newregion1", locationUnlisted: true }).config.location).toBe("newregion1");
    expect(() => resolveConfig({ location: "newregion1" })).toThrow(/location: is not an Azure public-cloud region/);
  });
});
