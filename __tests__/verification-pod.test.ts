import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { FederatedIdentity } from "../lib/federated-identity";
import { RbacKeyVault } from "../lib/rbac-key-vault";
import { VerificationPod } from "../lib/verification-pod";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, onlyResource, ref, resources, synthConstructs } from "./helpers";

function synthPod(image?: string) {
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
    new VerificationPod(stack, "VerificationPod", { identity: identity.serviceAccounts[0], secret: vault, image, dependsOn: [grant] });
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

  test("starts only after the federated credential and the identity's role assignment", () => {
    const { tf } = synthPod();
    const credential = onlyResource(tf, "azurerm_federated_identity_credential").logicalId;
    const userGrant = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Key Vault Secrets User")?.[0];
    expect(onlyResource(tf, "kubernetes_pod_v1").depends_on).toEqual([
      `azurerm_federated_identity_credential.${credential}`,
      `azurerm_role_assignment.${userGrant}`,
    ]);
  });

  test("uses the image it is given", () => {
    expect(onlyResource(synthPod("myregistry.azurecr.io/msal-go:v1").tf, "kubernetes_pod_v1").spec.container[0].image).toBe(
      "myregistry.azurecr.io/msal-go:v1",
    );
  });
});
