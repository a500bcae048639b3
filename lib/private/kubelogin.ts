import { KubernetesConnection } from "../interfaces";

/** Application id of the AKS Microsoft Entra server, the audience of tokens for AKS API servers. */
export const AKS_ENTRA_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * A connection that signs in through `kubelogin` with the Azure CLI's login, for clusters whose
 * local accounts are disabled: their kube_config carries no client certificate.
 */
export function kubeloginConnection(host: string, clusterCaCertificate: string): KubernetesConnection {
  return {
    host,
    clusterCaCertificate,
    exec: {
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "kubelogin",
      args: ["get-token", "--login", "azurecli", "--server-id", AKS_ENTRA_SERVER_APP_ID],
    },
  };
}
