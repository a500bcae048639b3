import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";
import { FederatedIdentity } from "../lib/federated-identity";
import { FAKE_ISSUER, FAKE_RESOURCE_GROUP, onlyResource, ref, synthConstructs } from "./helpers";

function synthIdentity(namespace?: string) {
  return synthConstructs(
    (stack) =>
      new FederatedIdentity(stack, "Workload", {
        cluster: FAKE_ISSUER,
        resourceGroup: FAKE_RESOURCE_GROUP,
        identityName: "myIdentity",
        serviceAccounts: [{ name: "workload-identity-sa", namespace, federatedCredentialName: "myFedIdentity" }],
      }),
  );
}

describe("FederatedIdentity", () => {
  test("creates the user-assigned identity in the resource group", () => {
    expect(synthIdentity().json).toHaveResourceWithProperties(UserAssignedIdentity, {
      name: "myIdentity",
      resource_group_name: "rg-test",
      location: "westeurope",
    });
  });

  test("annotates the service account with the identity's client id", () => {
    const { json, tf } = synthIdentity("team-a");
    expect(json).toHaveResourceWithProperties(ServiceAccountV1, {
      metadata: {
        name: "workload-identity-sa",
        namespace: "team-a",
        annotations: { "azure.workload.identity/client-id": ref(tf, "azurerm_user_assigned_identity", "client_id") },
      },
    });
  });

  test("puts the service account in the default namespace unless told otherwise", () => {
    expect(onlyResource(synthIdentity().tf, "kubernetes_service_account_v1").metadata.namespace).toBe("default");
  });

  test("trusts the cluster's issuer for the service account's subject and the token exchange audience", () => {
    const { json, tf } = synthIdentity();
    const sa = onlyResource(tf, "kubernetes_service_account_v1").logicalId;
    expect(json).toHaveResourceWithProperties(FederatedIdentityCredential, {
      name: "myFedIdentity",
      issuer: FAKE_ISSUER.oidcIssuerUrl,
      audience: ["api://AzureADTokenExchange"],
      parent_id: ref(tf, "azurerm_user_assigned_identity", "id"),
      subject: `system:serviceaccount:\${kubernetes_service_account_v1.${sa}.metadata[0].namespace}:\${kubernetes_service_account_v1.${sa}.metadata[0].name}`,
    });
  });

  test("keeps the credential in its identity's resource group", () => {
    const { tf } = synthIdentity();
    expect(onlyResource(tf, "azurerm_federated_identity_credential").resource_group_name).toBe(
      ref(tf, "azurerm_user_assigned_identity", "resource_group_name"),
    );
  });

  test("creates the service account in the scope it is given, so renaming the identity keeps the account's address", () => {
    const { tf } = synthConstructs((stack) => {
      const accounts = new Construct(stack, "Accounts");
      new FederatedIdentity(stack, "Workload", {
        cluster: FAKE_ISSUER,
        resourceGroup: FAKE_RESOURCE_GROUP,
        identityName: "myIdentity",
        serviceAccounts: [{ name: "api", federatedCredentialName: "fic-api", serviceAccountScope: { scope: accounts, id: "default_api" } }],
      });
    });
    expect(onlyResource(tf, "kubernetes_service_account_v1").logicalId).toMatch(/^Accounts_default_api_[0-9A-F]{8}$/);
    expect(onlyResource(tf, "azurerm_federated_identity_credential").logicalId).toMatch(/^Workload_Credential-default-api_/);
  });
});
