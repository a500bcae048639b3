import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { TerraformOutput } from "cdktf";
import { FederatedIdentity } from "../lib/federated-identity";
import { RbacKeyVault } from "../lib/rbac-key-vault";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, onlyResource, ref, resources, synthConstructs } from "./helpers";

const DEPLOYER = { tenantId: "00000000-0000-0000-0000-0000000000aa", objectId: "00000000-0000-0000-0000-0000000000bb" };

function synthVault(withWorkload = false) {
  return synthConstructs((stack) => {
    const vault = new RbacKeyVault(stack, "KeyVault", {
      name: "kv-workload-id",
      resourceGroup: FAKE_RESOURCE_GROUP,
      deployer: DEPLOYER,
      secrets: [{ name: "my-secret", value: "Hello!" }],
    });
    if (withWorkload) {
      const identity = new FederatedIdentity(stack, "Workload", {
        cluster: FAKE_ISSUER,
        resourceGroup: FAKE_RESOURCE_GROUP,
        identityName: "myIdentity",
        serviceAccounts: [{ name: "sa", federatedCredentialName: "myFedIdentity" }],
      });
      const grant = vault.grantSecretsRead(identity);
      new TerraformOutput(stack, "grant", { value: grant.id });
    }
  });
}

describe("RbacKeyVault", () => {
  test("has purge protection and Azure RBAC authorization, in the deployer's tenant", () => {
    const { json, tf } = synthVault();
    expect(json).toHaveResourceWithProperties(KeyVault, {
      name: "kv-workload-id",
      tenant_id: DEPLOYER.tenantId,
      sku_name: "standard",
      purge_protection_enabled: true,
      rbac_authorization_enabled: true,
    });
    // The deprecated spelling makes `terraform validate` warn.
    expect(onlyResource(tf, "azurerm_key_vault")).not.toHaveProperty("enable_rbac_authorization");
    expect(onlyResource(tf, "azurerm_key_vault")).not.toHaveProperty("access_policy");
  });

  test("makes the deployer Key Vault Secrets Officer on the vault", () => {
    const { json, tf } = synthVault();
    expect(json).toHaveResourceWithProperties(RoleAssignment, {
      scope: ref(tf, "azurerm_key_vault", "id"),
      role_definition_name: "Key Vault Secrets Officer",
      principal_id: DEPLOYER.objectId,
    });
  });

  test("writes the secret write-only, after the officer role has had time to propagate", () => {
    const { tf } = synthVault();
    const [officerId] = Object.keys(resources(tf, "azurerm_role_assignment"));
    const wait = onlyResource(tf, "time_sleep");
    expect(wait).toMatchObject({
      create_duration: "60s",
      depends_on: [`azurerm_role_assignment.${officerId}`],
      triggers: { role_assignment_id: `\${azurerm_role_assignment.${officerId}.id}` },
    });
    const secret = onlyResource(tf, "azurerm_key_vault_secret");
    expect(secret).toMatchObject({ name: "my-secret", value_wo: "Hello!", value_wo_version: 1, key_vault_id: ref(tf, "azurerm_key_vault", "id") });
    expect(secret).not.toHaveProperty("value");
    expect(secret.depends_on).toEqual([`time_sleep.${wait.logicalId}`]);
  });

  test("without a wait, writes the secret right after the officer role", () => {
    const { tf } = synthConstructs((stack) => {
      new RbacKeyVault(stack, "KeyVault", { name: "kv1", resourceGroup: FAKE_RESOURCE_GROUP, deployer: DEPLOYER, secrets: [{ name: "s", value: "v" }], roleAssignmentWaitSeconds: 0 });
    });
    const [officerId] = Object.keys(resources(tf, "azurerm_role_assignment"));
    expect(resources(tf, "time_sleep")).toEqual({});
    expect(onlyResource(tf, "azurerm_key_vault_secret").depends_on).toEqual([`azurerm_role_assignment.${officerId}`]);
  });

  test("grants a workload identity Key Vault Secrets User as a service principal, and returns the assignment", () => {
    const { json, tf } = synthVault(true);
    expect(json).toHaveResourceWithProperties(RoleAssignment, {
      scope: ref(tf, "azurerm_key_vault", "id"),
      role_definition_name: "Key Vault Secrets User",
      principal_id: ref(tf, "azurerm_user_assigned_identity", "principal_id"),
      principal_type: "ServicePrincipal",
    });
    const userGrant = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Key Vault Secrets User");
    expect(tf.output.grant.value).toBe(`\${azurerm_role_assignment.${userGrant?.[0]}.id}`);
  });

  test("leaves out the deployer's officer role, and its wait, when told the deployer holds it already", () => {
    const { tf } = synthConstructs((stack) => {
      RbacKeyVault.fromExisting(stack, "KeyVault", {
        name: "kv-shared",
        resourceGroup: FAKE_RESOURCE_GROUP,
        deployer: DEPLOYER,
        assignDeployerOfficer: false,
        secrets: [{ name: "my-secret", value: "Hello!" }],
      });
    });
    expect(Object.keys(tf.data.azurerm_key_vault)).toHaveLength(1);
    expect(resources(tf, "azurerm_key_vault")).toEqual({});
    expect(resources(tf, "azurerm_role_assignment")).toEqual({});
    expect(resources(tf, "time_sleep")).toEqual({});
    expect(onlyResource(tf, "azurerm_key_vault_secret")).not.toHaveProperty("depends_on");
  });
});
