import { AksOidcCluster } from "../lib/aks-oidc-cluster";
import { synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

describe("ExistingAksOidcCluster errors", () => {
  test("fails when the cluster's or its group's name breaks Azure's rules, listing both", () => {
    const error = propsErrorOf(() => synthConstructs((stack) => AksOidcCluster.fromExisting(stack, "Cluster", { name: "aks platform", resourceGroupName: "rg-platform." })));
    expect(error.message).toBe(
      "Invalid construct props (2 problems):\n" +
        `  - stack/Cluster.name: contains a character other than letters, digits, '-' and '_' (got "aks platform"); use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters (rule: 1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit)\n` +
        `  - stack/Cluster.resourceGroupName: ends with '.' (got "rg-platform."); use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters (rule: 1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.')`,
    );
  });
});
