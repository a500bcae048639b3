import { PodV1 } from "@cdktf/provider-kubernetes/lib/pod-v1";
import { ITerraformDependable, TerraformResource } from "cdktf";
import { Construct } from "constructs";

import { DEFAULT_VERIFICATION_IMAGE } from "./defaults";
import { NAME_RULES } from "./naming-rules";
import { PropChecks } from "./private/prop-checks";
import { propagationWait } from "./private/propagation-wait";
import { USE_WORKLOAD_IDENTITY_LABEL } from "./private/workload-identity";

export { USE_WORKLOAD_IDENTITY_LABEL } from "./private/workload-identity";

/** A service account bound to an identity, and what must exist before a pod can use it. */
export interface IServiceAccountIdentity {
  /** Name of the service account the pod runs as. */
  readonly serviceAccountName: string;
  /** Namespace of the service account, where the pod is created. */
  readonly serviceAccountNamespace: string;
  /** The federated credential the pod's token is exchanged against. */
  readonly credential: ITerraformDependable;
  /**
   * Attribute addresses whose change replaces the pod, such as the account's client-id annotation:
   * the webhook injects what it reads from the account only when a pod is admitted.
   * @default - none beyond the vault and secret the pod reads
   */
  readonly replacementTriggers?: readonly string[];
}

/** A vault secret the pod reads. */
export interface ISecretSource {
  /** URI of the vault (`KEYVAULT_URL`). */
  readonly vaultUri: string;
  /** Name of the secret to read (`SECRET_NAME`). */
  readonly secretName: string;
}

/** What the verification pod is given. */
export interface VerificationPodProps {
  /** The service account to run as; the pod is created in its namespace. */
  readonly identity: IServiceAccountIdentity;
  /** The vault and secret to read. */
  readonly secret: ISecretSource;
  /**
   * Container image: `[registry[:port]/]repository[:tag][@sha256:<digest>]`.
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
  /**
   * Seconds to wait after the credential and `dependsOn` exist before starting the pod: Entra ID
   * answers AADSTS70021 until a new credential has propagated, Key Vault 403 until a new role has.
   * 0 does not wait.
   * @default 60
   */
  readonly propagationWaitSeconds?: number;
}

/**
 * What the workload identity webhook adds to every labelled pod, and the kubernetes provider reads
 * back: AZURE_* environment variables and a token volume mount in each container, and a projected
 * token volume. Left alone, each plan would replace the pod to remove them.
 */
const WEBHOOK_INJECTED = ["spec[0].container[0].env", "spec[0].container[0].volume_mount", "spec[0].volume"];

/**
 * The article's verification pod: runs as the workload's service account with the workload identity
 * label, and logs the secret it read from Key Vault with the federated token.
 */
export class VerificationPod extends Construct {
  /** Name of the pod: `kubectl logs <podName> -n <namespace>` shows what it read. */
  public readonly podName: string;
  /** Namespace of the pod. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: VerificationPodProps) {
    super(scope, id);
    const checks = new PropChecks(this);
    checks.name("image", props.image, NAME_RULES.image);
    checks.name("podName", props.podName, NAME_RULES.podName);
    checks.throwIfAny();

    const env = { KEYVAULT_URL: props.secret.vaultUri, SECRET_NAME: props.secret.secretName };
    // The environment is ignored with what the webhook injects, so changes to it replace the pod through this.
    // A plain terraform_data resource: cdktf's DataResource class runs `terraform version` at every
    // synth (a process start each time, and a failed synth where Terraform is not installed).
    const inputs = new TerraformResource(this, "Inputs", { terraformResourceType: "terraform_data" });
    inputs.addOverride("input", { keyvault_url: env.KEYVAULT_URL, secret_name: env.SECRET_NAME });
    const ready = propagationWait(this, "Propagation", props.propagationWaitSeconds ?? 60, [props.identity.credential, ...(props.dependsOn ?? [])]);

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
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
          },
        ],
        nodeSelector: { "kubernetes.io/os": "linux" },
      },
      dependsOn: ready,
      lifecycle: { ignoreChanges: WEBHOOK_INJECTED },
    });
    // cdktf 0.21 renders replaceTriggeredBy as an interpolation ("${...}"), which Terraform rejects
    // in lifecycle; a plain resource address is what it takes. Attribute addresses trigger when the
    // attribute's planned value changes (an identity renamed changes the account's annotation); a
    // whole resource, on any update of it.
    pod.addOverride("lifecycle.replace_triggered_by", [`${inputs.terraformResourceType}.${inputs.friendlyUniqueId}`, ...(props.identity.replacementTriggers ?? [])]);

    this.podName = pod.metadata.name;
    this.namespace = pod.metadata.namespace;
  }
}
