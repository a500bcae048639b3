import { Fn } from "cdktf";
import { KubernetesConnection } from "../interfaces";

/** Application id of the AKS Microsoft Entra server, the audience of tokens for AKS API servers. */
export const AKS_ENTRA_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** The attributes of a cluster's (or its data source's) `kube_config[0]`, base64-encoded as AKS returns them. */
export interface KubeConfigAttributes {
  readonly host: string;
  readonly clientCertificate: string;
  readonly clientKey: string;
  readonly clusterCaCertificate: string;
}

/**
 * How a Kubernetes provider reaches the cluster: its client certificate, or, when local accounts
 * are disabled and kube_config carries no certificate, `kubelogin` with the Azure CLI's sign-in.
 */
export function kubernetesConnection(kubeConfig: KubeConfigAttributes, localAccountsDisabled = false): KubernetesConnection {
  const clusterCaCertificate = Fn.base64decode(kubeConfig.clusterCaCertificate);
  if (localAccountsDisabled) {
    return {
      host: kubeConfig.host,
      clusterCaCertificate,
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "kubelogin",
        args: ["get-token", "--login", "azurecli", "--server-id", AKS_ENTRA_SERVER_APP_ID],
      },
    };
  }
  return {
    host: kubeConfig.host,
    clusterCaCertificate,
    clientCertificate: Fn.base64decode(kubeConfig.clientCertificate),
    clientKey: Fn.base64decode(kubeConfig.clientKey),
  };
}
