import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

import { DEFAULT_VERIFICATION_IMAGE } from "./defaults";

/** The label that makes the workload identity webhook project a token into the pod. */
export const USE_WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use";

/** A service account bound to an identity, and what must exist before a pod can use it. */
export interface IServiceAccountIdentity {
  readonly serviceAccountName: string;
  readonly serviceAccountNamespace: string;
  /** The federated credential the pod's token is exchanged against. */
  readonly credential: ITerraformDependable;
}

/** A vault secret the pod reads. */
export interface ISecretSource {
  readonly vaultUri: string;
  readonly secretName: string;
}

export interface VerificationPodProps {
  /** The service account to run as; the pod is created in its namespace. */
  readonly identity: IServiceAccountIdentity;
  /** The vault and secret to read. */
  readonly secret: ISecretSource;
  /**
   * Container image.
   * @default "ghcr.io/azure/azure-workload-identity/msal-go"
   */
  readonly image?: string;
  /**
   * Pod name.
   * @default "sample-workload-identity-key-vault"
   */
  readonly podName?: string;
  /**
   * Further resources to create first, such as the identity's role assignment on the vault.
   * @default - only the federated credential
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The article's verification pod: runs as the workload's service account with the workload identity
 * label, and logs the secret it read from Key Vault with the federated token.
 */
export class VerificationPod extends Construct {
  public readonly podName: string;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: VerificationPodProps) {
    super(scope, id);

    const pod = new PodV1(this, "Pod", {
      metadata: {
        name: props.podName ?? "sample-workload-identity-key-vault",
        namespace: props.identity.serviceAccountNamespace,
        labels: { [USE_WORKLOAD_IDENTITY_LABEL]: "true" },
      },
      spec: {
        serviceAccountName: props.identity.serviceAccountName,
        container: [
          {
            name: "oidc",
            image: props.image ?? DEFAULT_VERIFICATION_IMAGE,
            env: [
              { name: "KEYVAULT_URL", value: props.secret.vaultUri },
              { name: "SECRET_NAME", value: props.secret.secretName },
            ],
          },
        ],
        nodeSelector: { "kubernetes.io/os": "linux" },
      },
      dependsOn: [props.identity.credential, ...(props.dependsOn ?? [])],
    });

    this.podName = pod.metadata.name;
    this.namespace = pod.metadata.namespace;
  }
}
