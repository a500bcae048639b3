import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { FederatedIdentity } from "../lib/federated-identity";
import { RbacKeyVault } from "../lib/rbac-key-vault";
import { VerificationPod } from "../lib/verification-pod";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, onlyResource, ref, resources, synthConstructs } from "./helpers";

function synthPod(image?: string, propagationWaitSeconds?: number) {
  return synthConstructs((stack) => {
    const vault = new RbacKeyVault(stack, "KeyVault", {
      name: "kv1",
      resourceGroup: FAKE_RESOURCE_GROUP,
      deployer: { tenantId: "t", objectId: "o" },
      secrets: [{ name: "my-secret", value: "v" }],
    });
    const identity = new FederatedIdentity(stack, "Workload", {
      cluster: FAKE_ISSUER,
      resourceGroup: FAKE_RESOURCE_GROUP,
      identityName: "myIdentity",
      serviceAccounts: [{ name: "workload-identity-sa", namespace: "apps", federatedCredentialName: "myFedIdentity" }],
    });
    const grant = vault.grantSecretsRead(identity);
    new VerificationPod(stack, "VerificationPod", { identity: identity.serviceAccounts[0], secret: vault, image, dependsOn: [grant], propagationWaitSeconds });
  });
}

describe("VerificationPod", () => {
  test("runs the article's sample as the workload's service account, with the webhook label", () => {
    const { json, tf } = synthPod();
    const sa = onlyResource(tf, "kubernetes_service_account_v1").logicalId;
    expect(json).toHaveResourceWithProperties(PodV1, {
      metadata: {
        name: "sample-workload-identity-key-vault",
        namespace: `\${kubernetes_service_account_v1.${sa}.metadata[0].namespace}`,
        labels: { "azure.workload.identity/use": "true" },
      },
      spec: {
        service_account_name: `\${kubernetes_service_account_v1.${sa}.metadata[0].name}`,
        node_selector: { "kubernetes.io/os": "linux" },
        container: [
          {
            name: "oidc",
            image: "ghcr.io/azure/azure-workload-identity/msal-go",
            env: [
              { name: "KEYVAULT_URL", value: ref(tf, "azurerm_key_vault", "vault_uri") },
              { name: "SECRET_NAME", value: ref(tf, "azurerm_key_vault_secret", "name") },
            ],
          },
        ],
      },
    });
  });

  test("starts only after the federated credential and the identity's role assignment have had time to propagate", () => {
    const { tf } = synthPod();
    const credential = onlyResource(tf, "azurerm_federated_identity_credential").logicalId;
    const userGrant = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Key Vault Secrets User")?.[0];
    const wait = Object.entries(resources(tf, "time_sleep")).find(([id]) => id.startsWith("VerificationPod_Propagation"));
    expect(wait?.[1]).toMatchObject({
      create_duration: "60s",
      depends_on: [`azurerm_federated_identity_credential.${credential}`, `azurerm_role_assignment.${userGrant}`],
    });
    expect(onlyResource(tf, "kubernetes_pod_v1").depends_on).toEqual([`time_sleep.${wait?.[0]}`]);
  });

  test("without a wait, depends on the credential and the grant directly", () => {
    const { tf } = synthPod(undefined, 0);
    expect(Object.keys(resources(tf, "time_sleep")).filter((id) => id.startsWith("VerificationPod"))).toEqual([]);
    expect(onlyResource(tf, "kubernetes_pod_v1").depends_on).toHaveLength(2);
  });

  test("ignores exactly what the workload identity webhook injects", () => {
    expect(onlyResource(synthPod().tf, "kubernetes_pod_v1").lifecycle.ignore_changes).toEqual([
      "spec[0].container[0].env",
      "spec[0].container[0].volume_mount",
      "spec[0].volume",
    ]);
  });

  test("is replaced when the vault or secret it reads changes, through a terraform_data of its inputs", () => {
    const { tf } = synthPod();
    const inputs = onlyResource(tf, "terraform_data");
    expect(inputs.input).toEqual({ keyvault_url: ref(tf, "azurerm_key_vault", "vault_uri"), secret_name: ref(tf, "azurerm_key_vault_secret", "name") });
    expect(onlyResource(tf, "kubernetes_pod_v1").lifecycle.replace_triggered_by[0]).toBe(`terraform_data.${inputs.logicalId}`);
  });

  test("is replaced when its service account's annotations (the identity's client id) or the account itself change", () => {
    const { tf } = synthPod();
    const sa = `kubernetes_service_account_v1.${onlyResource(tf, "kubernetes_service_account_v1").logicalId}`;
    // The annotation holds the identity's client id: a renamed identity changes it, and the webhook
    // injects AZURE_CLIENT_ID only when a pod is admitted. A new uid is a new account whose tokens the old pod lacks.
    expect(onlyResource(tf, "kubernetes_service_account_v1").metadata.annotations["azure.workload.identity/client-id"]).toBe(
      ref(tf, "azurerm_user_assigned_identity", "client_id"),
    );
    expect(onlyResource(tf, "kubernetes_pod_v1").lifecycle.replace_triggered_by.slice(1)).toEqual([`${sa}.metadata[0].annotations`, `${sa}.metadata[0].uid`]);
  });

  test("uses the image it is given", () => {
    expect(onlyResource(synthPod("myregistry.azurecr.io/msal-go:v1").tf, "kubernetes_pod_v1").spec.container[0].image).toBe(
      "myregistry.azurecr.io/msal-go:v1",
    );
  });
});
