import { configRows } from "../lib/app/explain";
import { resolveConfig } from "../lib/config/load";
import { expandTemplates, expandedName, isTemplatePath, TEMPLATE_KEYS } from "../lib/config/templates";

describe("name templates", () => {
  test("are the keys the schema marks, and only they", () => {
    expect(TEMPLATE_KEYS).toEqual([
      "resourceGroup.name",
      "cluster.name",
      "cluster.dnsPrefix",
      "cluster.resourceGroup",
      "keyVault.name",
      "keyVault.secretName",
      "keyVault.additionalSecrets[]",
      "keyVault.resourceGroup",
      "workloads[].namespace",
      "workloads[].serviceAccount",
      "workloads[].identity",
      "workloads[].federatedCredential",
      "workloads[].secrets[]",
    ]);
    expect(isTemplatePath("workloads[12].secrets[3]")).toBe(true);
    expect(isTemplatePath("keyVault.additionalSecrets[0]")).toBe(true);
    expect(isTemplatePath("policy.suppressions[0].reason")).toBe(false);
    expect(isTemplatePath("location")).toBe(false);
  });

  test("expand every template key with the suffix and leave other values as they are", () => {
    const reason = "Names like team-{suffix} are public";
    const { config } = resolveConfig({
      suffix: "a1b2c3",
      keyVault: { additionalSecrets: ["extra-{suffix}"] },
      policy: { suppressions: [{ id: "CKV_AZURE_4", reason }] },
    });
    const expanded = expandTemplates(config, "${random_id.Suffix.hex}");
    expect(expanded.resourceGroup.name).toBe("myResourceGroup${random_id.Suffix.hex}");
    expect(expanded.keyVault.additionalSecrets).toEqual(["extra-${random_id.Suffix.hex}"]);
    expect(expanded.workloads[0]).toMatchObject({ identity: "myIdentity${random_id.Suffix.hex}", namespace: "default" });
    expect(expanded.policy.suppressions[0].reason).toBe(reason);
    expect(expanded.location).toBe(config.location);
    expect(config.resourceGroup.name).toBe("myResourceGroup{suffix}");
  });

  test("npm run config names what a template expands to, not other text holding {suffix}", () => {
    const loaded = resolveConfig({ suffix: "a1b2c3", policy: { suppressions: [{ id: "CKV_AZURE_4", reason: "Logs go to team-{suffix}" }] } });
    const rows = configRows(loaded);
    expect(rows.find((r) => r.path === "workloads[0].identity")).toMatchObject({ value: "myIdentity{suffix}", name: "myIdentitya1b2c3" });
    expect(rows.find((r) => r.path === "policy.suppressions[0].reason")).not.toHaveProperty("name");
    expect(expandedName("policy.suppressions[0].reason", "team-{suffix}", "a1b2c3")).toBeUndefined();
    expect(expandedName("cluster.name", "aks-{suffix}", undefined)).toBeUndefined();
    expect(expandedName("cluster.name", "aks-{suffix}", "x1")).toBe("aks-x1");
  });
});
