import { AzureResourceGroup } from "../lib/resource-group";
import { synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

describe("AzureResourceGroup errors", () => {
  test("fails when a new group's name and location break Azure's rules, listing both", () => {
    const error = propsErrorOf(() => synthConstructs((stack) => AzureResourceGroup.create(stack, "ResourceGroup", { name: "rg/app", location: "East_US" })));
    expect(error.message).toBe(
      "Invalid construct props (2 problems):\n" +
        `  - stack/ResourceGroup.name: contains a character other than letters, digits, '-', '_', '.', '(' and ')' (got "rg/app"); use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters (rule: 1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.')\n` +
        `  - stack/ResourceGroup.location: is not an Azure region name of lowercase letters and digits (got "East_US"); use the region's name as \`az account list-locations -o table\` prints it, e.g. "eastus" (rule: an Azure region name: lowercase letters and digits without spaces, e.g. "eastus" ("East US" is normalised))`,
    );
  });

  test("takes a region's display name, as azurerm and the configuration layer do (was: \"East US\" refused, though the rule says it is normalised)", () => {
    for (const location of ["East US", "West Europe", "eastus"]) {
      expect(() => synthConstructs((stack) => AzureResourceGroup.create(stack, "ResourceGroup", { name: "rg", location }))).not.toThrow();
    }
  });

  test("fails when an existing group's name is longer than 90 characters", () => {
    const name = "rg-" + "x".repeat(88);
    expect(propsErrorOf(() => synthConstructs((stack) => AzureResourceGroup.fromExisting(stack, "ResourceGroup", { name }))).problems.map((p) => [p.path, p.problem])).toEqual([
      ["stack/ResourceGroup.name", "is 91 characters long; it must be 1-90"],
    ]);
  });
});
