import { TerraformVariable } from "cdktf";
import { AksOidcCluster, AksOidcClusterProps } from "../lib/aks-oidc-cluster";
import { FAKE_RESOURCE_GROUP, synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

const clusterError = (props: Partial<AksOidcClusterProps>) =>
  propsErrorOf(() => synthConstructs((stack) => new AksOidcCluster(stack, "Cluster", { name: "myAKSCluster", resourceGroup: FAKE_RESOURCE_GROUP, ...props })));

describe("AksOidcCluster errors", () => {
  test("fails when the name is longer than 63 characters", () => {
    const name = "aks-" + "x".repeat(60);
    expect(clusterError({ name }).message).toBe(
      "Invalid construct props (1 problem):\n" +
        `  - stack/Cluster.name: is 64 characters long; it must be 1-63 (got "${name}"); ` +
        "use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters " +
        "(rule: 1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit)",
    );
  });

  test("fails when the node pool, node count, VM size, admin groups, import id and Linux profile break Azure's rules, listing every problem at once", () => {
    const error = clusterError({
      dnsPrefix: "-aks",
      nodePoolName: "NodePool1",
      nodeCount: 0,
      nodeVmSize: "Basic_D2s_v5",
      adminGroupObjectIds: ["00000000-0000-0000-0000-000000000000", "admins"],
      importId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
      linuxProfile: { adminUsername: "1admin", sshPublicKey: "ecdsa-sha2-nistp256 AAAA" },
    });
    expect(error.problems.map((p) => [p.path, p.problem])).toEqual([
      ["stack/Cluster.dnsPrefix", "does not start and end with a letter or digit"],
      ["stack/Cluster.nodePoolName", "is not lowercase letters and digits starting with a letter"],
      ["stack/Cluster.nodeCount", "is outside 1-1000"],
      ["stack/Cluster.nodeVmSize", "is not an Azure VM size name"],
      ["stack/Cluster.adminGroupObjectIds[1]", "is 6 characters long; it must be 36"],
      ["stack/Cluster.importId", "is not the ARM id of an AKS cluster"],
      ["stack/Cluster.linuxProfile.adminUsername", "is not letters, digits, '-' and '_' starting with a letter"],
      ["stack/Cluster.linuxProfile.sshPublicKey", "is not an ssh-rsa or ssh-ed25519 public key line"],
    ]);
    expect(error.message.split("\n")[0]).toBe("Invalid construct props (8 problems):");
  });

  test("skips admin groups given as a list known only at apply (was: its one placeholder element failed as a UUID)", () => {
    expect(() =>
      synthConstructs((stack) => {
        const groups = new TerraformVariable(stack, "admins", { type: "list(string)" }).listValue;
        new AksOidcCluster(stack, "Cluster", { name: "myAKSCluster", resourceGroup: FAKE_RESOURCE_GROUP, localAccountsDisabled: true, adminGroupObjectIds: groups });
      }),
    ).not.toThrow();
  });

  test("fails when the node count is not a whole number", () => {
    expect(clusterError({ nodeCount: 1.5 }).message).toBe(
      "Invalid construct props (1 problem):\n  - stack/Cluster.nodeCount: must be a whole number, not a number (got 1.5); give a whole number from 1 to 1000",
    );
  });

  test("skips a name known only at apply, and fails when the text beside it has a character the rule never allows", () => {
    const build = (name: (token: string) => string) =>
      synthConstructs((stack) => {
        const suffix = new TerraformVariable(stack, "suffix", { type: "string" }).stringValue;
        // A DNS prefix of its own: one derived from a name that mixes text and a token makes cdktf warn.
        new AksOidcCluster(stack, "Cluster", { name: name(suffix), resourceGroup: FAKE_RESOURCE_GROUP, dnsPrefix: "aks" });
      });
    expect(() => build((suffix) => suffix)).not.toThrow();
    expect(() => build((suffix) => `aks-${suffix}`)).not.toThrow();
    expect(propsErrorOf(() => build((suffix) => `aks.${suffix}`)).problems.map((p) => [p.path, p.problem])).toEqual([
      ["stack/Cluster.name", "contains a character other than letters, digits, '-' and '_'"],
    ]);
  });

  test("fails when workload identity is required of a cluster that turns it off", () => {
    synthConstructs((stack) => {
      const on = new AksOidcCluster(stack, "On", { name: "on", resourceGroup: FAKE_RESOURCE_GROUP });
      expect(on.requireWorkloadIdentity()).toEqual([]);
      const off = new AksOidcCluster(stack, "Off", { name: "off", resourceGroup: FAKE_RESOURCE_GROUP, workloadIdentityEnabled: false });
      expect(() => off.requireWorkloadIdentity()).toThrow(
        new Error("stack/Off: workload identity is required, but this cluster turns it off (workloadIdentityEnabled: false)"),
      );
    });
  });
});
