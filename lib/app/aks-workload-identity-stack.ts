import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Id } from "@cdktf/provider-random/lib/id";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import {
  AzurermBackend,
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformOutput,
  TerraformResource,
  TerraformVariable,
} from "cdktf";
import { Construct } from "constructs";
import { AksOidcCluster } from "../aks-oidc-cluster";
import { expandTemplates } from "../config/templates";
import { AppConfig, BackendConfig } from "../config/types";
import { FederatedIdentity } from "../federated-identity";
import { ICluster, IDeployingPrincipal, IResourceGroupRef } from "../interfaces";
import { LEGACY_PATHS, LegacyMoves, legacySecretKey } from "../private/legacy-addresses";
import "../private/util-is-array";
import { presenceTest } from "../private/apply-guard";
import { stableKey } from "../private/stable-key";
import { applyPolicy } from "../policy/apply";
import { PgBackendFromEnvironment } from "../private/pg-backend-from-environment";
import { propagationWait } from "../private/propagation-wait";
import { RbacKeyVault, RbacKeyVaultProps } from "../rbac-key-vault";
import { Workloads } from "../workloads";
import { AzureResourceGroup } from "../resource-group";
import { VerificationPod } from "../verification-pod";
import { SingleRenderStack } from "./single-render-stack";

/** The stack name, and so the directory under cdktf.out/stacks/. */
export const DEFAULT_STACK_NAME = "aks-workload-identity";

/** Built-in role with full access to the Kubernetes API of a cluster using Azure RBAC. */
const AKS_RBAC_CLUSTER_ADMIN_ROLE = "Azure Kubernetes Service RBAC Cluster Admin";

/**
 * A sensitive, ephemeral input variable: Terraform keeps its value out of the plan and state. It
 * defaults to null so that plans (and destroy) work without it: a pull request's plan needs no
 * secret. cdktf has no `ephemeral` option yet, so it is set through the override escape hatch.
 */
function secretVariable(scope: Construct, id: string, type: string, description: string): TerraformVariable {
  const variable = new TerraformVariable(scope, id, { type, sensitive: true, nullable: true, description });
  variable.addOverride("default", null);
  variable.addOverride("ephemeral", true);
  return variable;
}

/** How a secret's value reaches the vault from an optional variable, and what an apply without it says. */
function secretFromVariable(
  variable: string,
  lookupKey: string | undefined,
  secretName: string,
): { value: string; valueSupplied: string; missingValueMessage: string } {
  // Empty while absent: `""` satisfies the provider's "one of value, value_wo" check while planning
  // and is never written (the precondition stops the apply). The test on the sensitive variable
  // keeps the result sensitive either way, so a plan with and one without the value agree.
  const present = lookupKey === undefined ? `var.${variable}` : `lookup(var.${variable}, ${JSON.stringify(lookupKey)}, "")`;
  const value = `var.${variable} == null ? "" : ${present}`;
  const supply =
    lookupKey === undefined
      ? `TF_VAR_${variable}`
      : `TF_VAR_${variable}, a map with the key ${JSON.stringify(lookupKey)}`;
  return {
    value: `\${${value}}`,
    valueSupplied: presenceTest(value),
    missingValueMessage:
      `No value for Key Vault secret ${secretName}: set ${supply} (not empty). Plans work without it, but every apply needs ` +
      "it, because an apply writes the secret from it when the secret is created or keyVault.secretVersion changes.",
  };
}

/** What the stack is given. */
export interface AksWorkloadIdentityStackProps {
  /**
   * Validated configuration, from `loadConfig` (a file and the environment) or `resolveConfig` (a
   * plain object): defaults applied, every value checked. Its names are templates; the stack expands
   * `{suffix}` in them (a fixed suffix, or a `random_id` drawn at apply) and derives each construct id
   * from the name's stable key, so that a name spelled differently keeps its Terraform address.
   */
  readonly config: AppConfig;
}

/** The oldest Terraform that applies this stack: write-only arguments and ephemeral variables. */
export const REQUIRED_TERRAFORM = ">= 1.11";

/**
 * Everything Microsoft's "Deploy and configure an AKS cluster with workload identity" creates: a
 * resource group, an AKS cluster with the OIDC issuer and workload identity, federated managed
 * identities for the workloads, an RBAC Key Vault with secrets they may read, and the pod that
 * proves it. The group, cluster and vault may instead exist already, or the cluster be adopted.
 */
export class AksWorkloadIdentityStack extends SingleRenderStack {
  /** The cluster: new, adopted or existing. */
  public readonly cluster: ICluster;
  /** The Key Vault, new or existing. */
  public readonly keyVault: RbacKeyVault;
  /** Every distinct workload identity, in the order the workloads first name them. */
  public readonly identities: readonly FederatedIdentity[];

  constructor(scope: Construct, id: string, props: AksWorkloadIdentityStackProps) {
    super(scope, id);
    const { config } = props;

    this.configureBackend(config.backend, id);
    // The secret is written write-only from an ephemeral variable (Terraform 1.11): an older Terraform
    // stops at init with its version, not later on an argument it does not know.
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    // Checked on the synthesized resources at synth: unsuppressed errors fail it.
    applyPolicy(this, { suppressions: config.policy.suppressions, render: () => this.renderForValidation() });
    new AzurermProvider(this, "azurerm", { features: [{}] });
    new RandomProvider(this, "random");
    new TimeProvider(this, "time");

    // The article's RANDOM_ID; a random_id keeps it stable in state across plans.
    const suffix = config.suffix ?? new Id(this, "Suffix", { byteLength: 3 }).hex;
    // Names as Azure and Kubernetes see them: every key the schema marks as a template, expanded.
    const names = expandTemplates(config, suffix);
    // Construct ids come from stable keys (lib/private/stable-key.ts): a spelling that names the same
    // object keeps its address. Resources of release b0cba75 and earlier move from their old addresses.
    const key = (template: string) => stableKey(template, config.suffix);
    const moves = new LegacyMoves(this, "LegacyMoves");

    const resourceGroup = config.resourceGroup.existing
      ? AzureResourceGroup.fromExisting(this, "ResourceGroup", { name: names.resourceGroup.name })
      : AzureResourceGroup.create(this, "ResourceGroup", { name: names.resourceGroup.name, location: config.location });

    const cluster = this.buildCluster(names, resourceGroup);
    this.cluster = cluster;
    const connection = cluster.kubernetesConnection;
    new KubernetesProvider(this, "kubernetes", {
      host: connection.host,
      clusterCaCertificate: connection.clusterCaCertificate,
      clientCertificate: connection.clientCertificate,
      clientKey: connection.clientKey,
      exec: connection.exec ? [{ ...connection.exec, args: [...connection.exec.args] }] : undefined,
    });

    const signedIn = new DataAzurermClientConfig(this, "Deployer", {});
    // A fixed principal keeps the grants the same whoever plans: CI plans with a read-only identity.
    const deployer: IDeployingPrincipal =
      config.deployer.objectId === undefined ? signedIn : { tenantId: signedIn.tenantId, objectId: config.deployer.objectId };
    const waits = config.waits;
    // With local accounts off, Terraform itself needs an AKS RBAC role to create Kubernetes objects.
    // Cluster Admin, because namespaces are cluster-scoped; "RBAC Admin" cannot create them.
    const kubernetesReady = config.cluster.localAccountsDisabled
      ? propagationWait(
          this,
          "DeployerClusterAdminPropagation",
          waits.roleAssignmentSeconds,
          [new RoleAssignment(this, "DeployerClusterAdmin", { scope: cluster.clusterId, roleDefinitionName: AKS_RBAC_CLUSTER_ADMIN_ROLE, principalId: deployer.objectId })],
        )
      : [];
    // An existing cluster is asked whether its workload-identity webhook runs (azurerm cannot tell).
    if (config.cluster.workloadIdentityEnabled) cluster.requireWorkloadIdentity({ dependsOn: kubernetesReady });

    // The article's `az keyvault secret set --value Hello!` would put the value in shell history,
    // and a Terraform `value` in the configuration, plan and state. An ephemeral variable written
    // write-only reaches none of them: TF_VAR_keyvault_secret_value supplies it at plan and apply.
    const secretValue = secretVariable(this, "keyvault_secret_value", "string", "Value of the Key Vault secret (keyVault.secretName)");
    const additionalValues =
      config.keyVault.additionalSecrets.length > 0
        ? secretVariable(this, "keyvault_additional_secret_values", "map(string)", "Values of keyVault.additionalSecrets, keyed by the name as configured")
        : undefined;
    // A map entry may be null (`{"db-password"=null}`, or what a JSON tool writes for a missing key); the
    // secret would then have no value at all, so it is refused while planning, by name only.
    additionalValues?.addValidation({
      condition: `\${var.${additionalValues.friendlyUniqueId} == null ? true : alltrue([for name, value in var.${additionalValues.friendlyUniqueId} : value != null])}`,
      errorMessage: `TF_VAR_${additionalValues.friendlyUniqueId} gives a secret the value null: give each secret a value, or leave its name out of the map.`,
    });
    const vaultGroup = names.keyVault.resourceGroup;
    const vaultProps: RbacKeyVaultProps = {
      name: names.keyVault.name,
      resourceGroup: vaultGroup === undefined ? resourceGroup : { name: vaultGroup, location: config.location },
      assignDeployerOfficer: config.keyVault.assignOfficerRole,
      deployer,
      sku: config.keyVault.sku,
      roleAssignmentWaitSeconds: waits.roleAssignmentSeconds,
      secrets: [
        {
          key: key(config.keyVault.secretName),
          name: names.keyVault.secretName,
          version: config.keyVault.secretVersion,
          ...secretFromVariable(secretValue.friendlyUniqueId, undefined, names.keyVault.secretName),
        },
        ...config.keyVault.additionalSecrets.map((secret, i) => ({
          key: key(secret),
          name: names.keyVault.additionalSecrets[i],
          version: config.keyVault.secretVersion,
          ...secretFromVariable(additionalValues!.friendlyUniqueId, secret, names.keyVault.additionalSecrets[i]),
        })),
      ],
    };
    this.keyVault = config.keyVault.existing ? RbacKeyVault.fromExisting(this, "KeyVault", vaultProps) : new RbacKeyVault(this, "KeyVault", vaultProps);

    config.keyVault.additionalSecrets.forEach((secret) =>
      moves.record(this.keyVault.node.findChild(`Secret-${key(secret)}`) as TerraformResource, LEGACY_PATHS.secret(legacySecretKey(secret, config.suffix))),
    );
    // Its scopes are made in the stack itself, where this stack made them before Workloads existed.
    const deployed = new Workloads(this, "Workloads", {
      cluster,
      resourceGroup,
      keyVault: this.keyVault,
      kubernetesDependsOn: kubernetesReady,
      resourcesIn: this,
      workloads: config.workloads.map((workload, i) => ({
        identityName: names.workloads[i].identity,
        identityKey: key(workload.identity),
        namespace: names.workloads[i].namespace,
        namespaceKey: key(workload.namespace),
        namespaceExists: workload.namespaceExists,
        serviceAccountName: names.workloads[i].serviceAccount,
        serviceAccountKey: key(workload.serviceAccount),
        federatedCredentialName: names.workloads[i].federatedCredential,
        federatedCredentialKey: key(workload.federatedCredential),
        tenantId: workload.tenantId,
        tokenExpirationSeconds: workload.tokenExpiration,
        secrets: workload.secrets?.map(key),
      })),
    });
    this.recordLegacyWorkloadMoves(config, deployed, key, moves);
    const workloads = deployed.workloads;
    this.identities = deployed.identities;

    const verified = workloads[0];
    if (config.verificationPod.enabled) {
      new VerificationPod(this, "VerificationPod", {
        identity: verified.serviceAccount,
        secret: this.keyVault,
        image: config.verificationPod.image,
        dependsOn: [...deployed.grantsOf(verified.identity), ...kubernetesReady],
        // Its token exchange needs the credential (seconds) and its secret read the role (longer).
        propagationWaitSeconds: Math.max(waits.roleAssignmentSeconds, waits.federatedCredentialSeconds),
      });
    }

    const outputs: Record<string, [string, string]> = {
      resource_group_name: [resourceGroup.name, "Resource group of every resource"],
      cluster_name: [cluster.clusterName, "AKS cluster name"],
      oidc_issuer_url: [cluster.oidcIssuerUrl, "OIDC issuer URL the federated credentials trust"],
      identity_client_id: [verified.identity.clientId, "Client id of the first workload's managed identity"],
      key_vault_url: [this.keyVault.vaultUri, "Key vault URI (KEYVAULT_URL)"],
      secret_name: [this.keyVault.secretName, "Secret the verification pod reads (KEYVAULT_SECRET_NAME)"],
      service_account_namespace: [verified.serviceAccount.serviceAccountNamespace, "Namespace of the first workload's service account"],
      service_account_name: [verified.serviceAccount.serviceAccountName, "Name of the first workload's service account"],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new TerraformOutput(this, outputId, { value, description });
    }
    new TerraformOutput(this, "workloads", {
      description: "Every workload: namespace, service account, identity name and client id",
      value: workloads.map(({ identity, serviceAccount }) => ({
        namespace: serviceAccount.serviceAccountNamespace,
        service_account: serviceAccount.serviceAccountName,
        identity_name: identity.identityName,
        client_id: identity.clientId,
      })),
    });

    const declared = this.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`);
    moves.finish(new Set(declared));
  }

  private configureBackend(backend: BackendConfig, stackId: string): void {
    switch (backend.type) {
      case "local":
        // cdktf's default path is absolute, which would make the output depend on the checkout
        // directory. This is the same file (beside cdktf.json), relative to the stack directory.
        new LocalBackend(this, { path: `../../../terraform.${stackId}.tfstate` });
        return;
      case "azurerm": {
        const a = backend.azurerm;
        new AzurermBackend(this, {
          resourceGroupName: a.resourceGroupName,
          storageAccountName: a.storageAccountName,
          containerName: a.containerName,
          key: a.key,
          useAzureadAuth: a.useAzureadAuth || undefined,
        });
        return;
      }
      case "cloud":
        new CloudBackend(this, { organization: backend.cloud.organization, workspaces: new NamedCloudWorkspace(backend.cloud.workspace) });
        return;
      case "pg":
        new PgBackendFromEnvironment(this, backend.pg?.schemaName ?? "terraform_remote_state");
        return;
    }
  }

  /** @param config the configuration with its names expanded (expandTemplates) */
  private buildCluster(config: AppConfig, resourceGroup: IResourceGroupRef): ICluster {
    const { cluster } = config;
    const group = cluster.resourceGroup === undefined ? resourceGroup : { name: cluster.resourceGroup, location: config.location };
    if (cluster.existing) {
      // The literal name, not the group's attribute, so the plan's error message can name it.
      const groupName = cluster.resourceGroup ?? config.resourceGroup.name;
      return AksOidcCluster.fromExisting(this, "Cluster", {
        name: cluster.name,
        resourceGroupName: groupName,
        localAccountsDisabled: cluster.localAccountsDisabled,
      });
    }
    return new AksOidcCluster(this, "Cluster", {
      name: cluster.name,
      resourceGroup: group,
      dnsPrefix: cluster.dnsPrefix,
      nodePoolName: cluster.nodePoolName,
      nodeCount: cluster.nodeCount,
      nodeVmSize: cluster.nodeVmSize,
      workloadIdentityEnabled: cluster.workloadIdentityEnabled,
      localAccountsDisabled: cluster.localAccountsDisabled,
      adminGroupObjectIds: cluster.adminGroupObjectIds,
      importId: cluster.importId,
      linuxProfile: cluster.linuxProfile,
    });
  }

  /**
   * Moves from the addresses release b0cba75 and earlier gave the workloads' resources, recorded in
   * the order that release created them: namespaces; each workload's identity (the first time it is
   * named, by that spelling), service account and credential; then each identity's grants.
   */
  private recordLegacyWorkloadMoves(config: AppConfig, deployed: Workloads, key: (template: string) => string, moves: LegacyMoves): void {
    const namespaces = this.node.findChild("Namespaces");
    const serviceAccounts = this.node.findChild("ServiceAccounts");
    const seenNamespaces = new Set<string>();
    for (const workload of config.workloads) {
      const namespaceKey = key(workload.namespace);
      if (seenNamespaces.has(namespaceKey)) continue;
      seenNamespaces.add(namespaceKey);
      const created = namespaces.node.tryFindChild(namespaceKey);
      if (created) moves.record(created as TerraformResource, LEGACY_PATHS.namespace(workload.namespace));
    }
    const templates = new Map<FederatedIdentity, string>();
    config.workloads.forEach((workload, i) => {
      const { identity } = deployed.workloads[i];
      if (!templates.has(identity)) {
        templates.set(identity, workload.identity);
        moves.record(identity.node.findChild("Identity") as TerraformResource, LEGACY_PATHS.identity(workload.identity));
      }
      const template = templates.get(identity)!;
      const account = serviceAccounts.node.findChild(`${key(workload.namespace)}_${key(workload.serviceAccount)}`) as TerraformResource;
      moves.record(account, LEGACY_PATHS.serviceAccount(template, workload.namespace, workload.serviceAccount));
      moves.record(identity.node.findChild(`Credential-${key(workload.federatedCredential)}`) as TerraformResource, LEGACY_PATHS.credential(template, workload.namespace, workload.serviceAccount));
    });
    // A secret's legacy key depends only on its stable key, so any spelling of it names the same.
    const secretTemplates = new Map(config.workloads.flatMap((workload) => workload.secrets ?? []).map((secret) => [key(secret), secret] as const));
    for (const identity of deployed.identities) {
      const template = templates.get(identity)!;
      const grants = deployed.grantsOf(identity);
      const secrets = deployed.secretsReadableBy(identity);
      if (secrets === undefined) moves.record(grants[0], LEGACY_PATHS.vaultGrant(template));
      else secrets.forEach((secretKey, i) => moves.record(grants[i], LEGACY_PATHS.secretGrant(template, legacySecretKey(secretTemplates.get(secretKey)!, config.suffix))));
    }
  }
}
