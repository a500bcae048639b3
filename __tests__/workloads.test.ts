import { TerraformStack } from "cdktf";
import { RbacKeyVault } from "../lib/rbac-key-vault";
import { WorkloadSpec, Workloads } from "../lib/workloads";
import { Block, FAKE_ISSUER, FAKE_RESOURCE_GROUP, resources, synthConstructs } from "./helpers";

const DEPLOYER = { tenantId: "00000000-0000-0000-0000-0000000000aa", objectId: "00000000-0000-0000-0000-0000000000bb" };

function vaultIn(stack: TerraformStack): RbacKeyVault {
  return new RbacKeyVault(stack, "KeyVault", {
    name: "kv-apps",
    resourceGroup: FAKE_RESOURCE_GROUP,
    deployer: DEPLOYER,
    secrets: [
      { name: "api-key", value: "a" },
      { name: "db-password", value: "b" },
    ],
  });
}

function synthWorkloads(workloads: readonly WorkloadSpec[], inspect?: (w: Workloads) => void): Block {
  return synthConstructs((stack) => {
    const deployed = new Workloads(stack, "Workloads", { cluster: FAKE_ISSUER, resourceGroup: FAKE_RESOURCE_GROUP, keyVault: vaultIn(stack), workloads });
    inspect?.(deployed);
  }).tf;
}

const names = (tf: Block, type: string, name: (r: Block) => string = (r) => r.name) => Object.values(resources(tf, type)).map(name).sort();
const spec = (serviceAccountName: string, more: Partial<WorkloadSpec> = {}): WorkloadSpec => ({
  identityName: "id-shared",
  serviceAccountName,
  federatedCredentialName: `fic-${serviceAccountName}`,
  ...more,
});

describe("Workloads", () => {
  test("makes one identity per distinct identity, and a service account and credential per workload", () => {
    const tf = synthWorkloads([spec("sa-1"), spec("sa-2", { namespace: "batch" }), spec("sa-3", { identityName: "id-own" })], (deployed) => {
      expect(deployed.identities.map((i) => i.node.id)).toEqual(["id-shared", "id-own"]);
      expect(deployed.workloads.map((w) => w.identity.node.id)).toEqual(["id-shared", "id-shared", "id-own"]);
    });
    expect(names(tf, "azurerm_user_assigned_identity")).toEqual(["id-own", "id-shared"]);
    expect(names(tf, "kubernetes_service_account_v1", (r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(expect.arrayContaining(["default/sa-1", "default/sa-3"]));
    expect(names(tf, "azurerm_federated_identity_credential")).toEqual(["fic-sa-1", "fic-sa-2", "fic-sa-3"]);
  });

  test("creates each namespace once, and never a built-in one or one said to exist", () => {
    const tf = synthWorkloads([
      spec("sa-1", { namespace: "batch" }),
      spec("sa-2", { namespace: "batch" }),
      spec("sa-3", { namespace: "kube-system" }),
      spec("sa-4", { namespace: "shared", namespaceExists: true }),
      spec("sa-5"),
    ]);
    expect(names(tf, "kubernetes_namespace_v1", (r) => r.metadata.name)).toEqual(["batch"]);
    // A created namespace is referenced, so its accounts wait for it; the others are named literally.
    const namespaces = Object.values(resources(tf, "kubernetes_service_account_v1")).map((r) => r.metadata.namespace);
    expect(namespaces.filter((n: string) => n.startsWith("${kubernetes_namespace_v1."))).toHaveLength(2);
    expect(namespaces).toEqual(expect.arrayContaining(["kube-system", "shared", "default"]));
  });

  test("grants an identity the whole vault when one of its workloads names no secrets, else each secret its workloads name", () => {
    const tf = synthWorkloads(
      [spec("sa-1", { secrets: ["api-key"] }), spec("sa-2", { secrets: ["db-password", "api-key"] }), spec("sa-3", { identityName: "id-all" }), spec("sa-4", { identityName: "id-all", secrets: ["api-key"] })],
      (deployed) => {
        const [shared, all] = deployed.identities;
        expect(deployed.secretsReadableBy(shared)).toEqual(["api-key", "db-password"]);
        expect(deployed.grantsOf(shared)).toHaveLength(2);
        expect(deployed.secretsReadableBy(all)).toBeUndefined();
        expect(deployed.grantsOf(all)).toHaveLength(1);
      },
    );
    const scopes = Object.values(resources(tf, "azurerm_role_assignment"))
      .filter((r) => r.role_definition_name === "Key Vault Secrets User")
      .map((r) => String(r.scope).replace(/\.[A-Za-z0-9_-]+\./, ".<id>."));
    expect(scopes.sort()).toEqual([
      "${azurerm_key_vault.<id>.id}",
      "${azurerm_key_vault_secret.<id>.resource_versionless_id}",
      "${azurerm_key_vault_secret.<id>.resource_versionless_id}",
    ]);
  });

  test("puts its resources in its own scopes unless told where, which keeps a stack's addresses", () => {
    const inside = synthWorkloads([spec("sa-1", { namespace: "batch" })]);
    expect(Object.keys(resources(inside, "kubernetes_namespace_v1"))[0]).toMatch(/^Workloads_Namespaces_batch_/);
    const beside = synthConstructs((stack) => {
      new Workloads(stack, "Workloads", {
        cluster: FAKE_ISSUER,
        resourceGroup: FAKE_RESOURCE_GROUP,
        keyVault: vaultIn(stack),
        workloads: [spec("sa-1", { namespace: "batch" })],
        resourcesIn: stack,
      });
    }).tf;
    expect(Object.keys(resources(beside, "kubernetes_namespace_v1"))[0]).toMatch(/^Namespaces_batch_/);
    expect(Object.keys(resources(beside, "azurerm_user_assigned_identity"))[0]).toMatch(/^Identities_id-shared_Identity_/);
  });

  test("keys construct ids by the keys given, so a name spelled differently keeps its address", () => {
    const ids = (identityName: string) => Object.keys(resources(synthWorkloads([spec("sa-1", { identityName, identityKey: "team-a" })]), "azurerm_user_assigned_identity"));
    expect(ids("Team-A-Identity")).toEqual(ids("team-a-identity"));
  });
});
