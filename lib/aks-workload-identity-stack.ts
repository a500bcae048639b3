import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Id } from "@cdktf/provider-random/lib/id";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AksOidcCluster } from "./aks-oidc-cluster";
import { AppConfig } from "./config/types";
import { FederatedIdentity } from "./federated-identity";
import { renderName, stripPlaceholders } from "./private/name-template";
import { RbacKeyVault } from "./rbac-key-vault";
import { VerificationPod } from "./verification-pod";

/** The stack name, and so the directory under cdktf.out/stacks/. */
export const DEFAULT_STACK_NAME = "aks-workload-identity";

/** The article's secret value. */
const ARTICLE_SECRET_VALUE = "Hello!";

export interface AksWorkloadIdentityStackProps {
  /** Validated configuration, from `loadConfig`. */
  readonly config: AppConfig;
}

/**
 * Everything Microsoft's "Deploy and configure an AKS cluster with workload identity" creates: a
 * resource group, an AKS cluster with the OIDC issuer and workload identity, one federated managed
 * identity per workload, an RBAC Key Vault with a secret each workload may read, and the pod that
 * proves it.
 */
export class AksWorkloadIdentityStack extends TerraformStack {
  public readonly cluster: AksOidcCluster;
  public readonly keyVault: RbacKeyVault;
  public readonly identities: readonly FederatedIdentity[];

  constructor(scope: Construct, id: string, props: AksWorkloadIdentityStackProps) {
    super(scope, id);
    const { config } = props;

    // cdktf's default local backend path is absolute, which would make the output depend on the
    // checkout directory. This is the same file (beside cdktf.json), relative to the stack directory.
    new LocalBackend(this, { path: `../../../terraform.${id}.tfstate` });
    new AzurermProvider(this, "azurerm", { features: [{}] });
    new RandomProvider(this, "random");

    // The article's RANDOM_ID; a random_id keeps it stable in state across plans.
    const suffix = config.suffix ?? new Id(this, "Suffix", { byteLength: 3 }).hex;
    const name = (template: string) => renderName(template, suffix);

    const resourceGroup = new ResourceGroup(this, "ResourceGroup", {
      name: name(config.resourceGroup.name),
      location: config.location,
    });

    this.cluster = new AksOidcCluster(this, "Cluster", {
      name: name(config.cluster.name),
      resourceGroup,
      dnsPrefix: name(config.cluster.dnsPrefix),
      nodePoolName: config.cluster.nodePoolName,
      nodeCount: config.cluster.nodeCount,
      nodeVmSize: config.cluster.nodeVmSize,
      workloadIdentityEnabled: config.cluster.workloadIdentityEnabled,
    });
    new KubernetesProvider(this, "kubernetes", { ...this.cluster.kubernetesConnection });

    const deployer = new DataAzurermClientConfig(this, "Deployer", {});

    this.keyVault = new RbacKeyVault(this, "KeyVault", {
      name: name(config.keyVault.name),
      resourceGroup,
      deployer,
      sku: config.keyVault.sku,
      secretName: name(config.keyVault.secretName),
      secretValue: ARTICLE_SECRET_VALUE,
    });

    const grants = config.workloads.map((workload) => {
      const identity = new FederatedIdentity(this, `Workload-${stripPlaceholders(workload.identity)}`, {
        cluster: this.cluster,
        resourceGroup,
        identityName: name(workload.identity),
        federatedCredentialName: name(workload.federatedCredential),
        namespace: name(workload.namespace),
        serviceAccountName: name(workload.serviceAccount),
      });
      return { identity, grant: this.keyVault.grantSecretsRead(identity) };
    });
    this.identities = grants.map((g) => g.identity);
    const verified = grants[0];

    if (config.verificationPod.enabled) {
      new VerificationPod(this, "VerificationPod", {
        identity: verified.identity,
        secret: this.keyVault,
        image: config.verificationPod.image,
        dependsOn: [verified.grant],
      });
    }

    const outputs: Record<string, [string, string]> = {
      resource_group_name: [resourceGroup.name, "Resource group of every resource"],
      cluster_name: [this.cluster.clusterName, "AKS cluster name"],
      oidc_issuer_url: [this.cluster.oidcIssuerUrl, "OIDC issuer URL the federated credentials trust"],
      identity_client_id: [verified.identity.clientId, "Client id of the first workload's managed identity"],
      key_vault_url: [this.keyVault.vaultUri, "Key vault URI (KEYVAULT_URL)"],
      secret_name: [this.keyVault.secretName, "Secret the verification pod reads (KEYVAULT_SECRET_NAME)"],
      service_account_namespace: [verified.identity.serviceAccountNamespace, "Namespace of the first workload's service account"],
      service_account_name: [verified.identity.serviceAccountName, "Name of the first workload's service account"],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new TerraformOutput(this, outputId, { value, description });
    }
    new TerraformOutput(this, "workloads", {
      description: "Every workload: namespace, service account, identity name and client id",
      value: this.identities.map((identity) => ({
        namespace: identity.serviceAccountNamespace,
        service_account: identity.serviceAccountName,
        identity_name: identity.identityName,
        client_id: identity.clientId,
      })),
    });
  }
}
