import { KubernetesCluster } from "@cdktf/provider-azurerm/lib/kubernetes-cluster";
import { Fn, ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ExistingAksOidcCluster, ExistingAksOidcClusterProps } from "./existing-aks-oidc-cluster";
import { ICluster, IResourceGroupRef, KubernetesConnection } from "./interfaces";
import { NAME_RULES } from "./naming-rules";
import { deriveDnsPrefix } from "./private/dns-prefix";
import { ImportBlock } from "./private/import-block";
import { kubernetesConnection } from "./private/kubelogin";
import { PropChecks } from "./private/prop-checks";

/** Nodes a pool may have: AKS's limit per node pool. */
const MAX_NODE_COUNT = 1000;

/** What a new or adopted cluster is given. */
export interface AksOidcClusterProps {
  /** Cluster name: 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit. */
  readonly name: string;
  /** Resource group the cluster lives in; its location is used. */
  readonly resourceGroup: IResourceGroupRef;
  /**
   * DNS prefix of the API server.
   * @default - derived from `name`: lowercased, characters other than letters, digits and '-' as '-', at most 54
   */
  readonly dnsPrefix?: string;
  /**
   * Name of the default (system) node pool.
   * @default "nodepool1", as `az aks create` names it
   */
  readonly nodePoolName?: string;
  /**
   * Nodes in the default pool.
   * @default 1
   */
  readonly nodeCount?: number;
  /**
   * VM size of the default pool's nodes.
   * @default - Azure chooses, as `az aks create` does
   */
  readonly nodeVmSize?: string;
  /**
   * Microsoft Entra Workload ID. Setting it to false later is the article's
   * `az aks update --disable-workload-identity`; the OIDC issuer stays on regardless.
   * @default true
   */
  readonly workloadIdentityEnabled?: boolean;
  /**
   * Hardened: disable local accounts and use Microsoft Entra ID with Azure RBAC for Kubernetes. The
   * kube_config then has no client certificate; `kubernetesConnection` signs in through `kubelogin`.
   * @default false, as in the article
   */
  readonly localAccountsDisabled?: boolean;
  /**
   * Entra ID groups whose members are cluster admins, when local accounts are disabled.
   * @default - none; access is by Azure RBAC role assignments only
   */
  readonly adminGroupObjectIds?: readonly string[];
  /**
   * ARM id of an existing cluster to bring under management: the stack emits an `import` block,
   * and the plan turns on the OIDC issuer and workload identity. What `az aks create` sets and this
   * construct does not manage is ignored (SSH key unless `linuxProfile` is given, DNS prefix, CSI
   * drivers, upgrade settings); the other props must describe the cluster as it is (name, resource
   * group, node pool name), or the plan replaces it.
   * @default - a new cluster
   */
  readonly importId?: string;
  /**
   * The nodes' Linux admin account and SSH public key (`linux_profile`). Changing either replaces
   * the cluster, so an adopted cluster must be given its own, or none: without it, an adopted
   * cluster keeps the one it has (`az aks create --generate-ssh-keys` makes one).
   * @default - none on a new cluster; an adopted cluster's own
   */
  readonly linuxProfile?: { readonly adminUsername: string; readonly sshPublicKey: string };
  /**
   * Tags on the cluster.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An AKS cluster with the OIDC issuer and Microsoft Entra Workload ID enabled, and a system-assigned
 * identity. The OIDC issuer is always on: Azure cannot turn it off once enabled.
 */
export class AksOidcCluster extends Construct implements ICluster {
  /**
   * A cluster that already exists, looked up by name; nothing about it is changed. The plan fails,
   * with the `az aks update` command that fixes it, when its OIDC issuer is off. (To bring an
   * existing cluster under management instead, create an `AksOidcCluster` with `importId`.)
   */
  public static fromExisting(scope: Construct, id: string, props: ExistingAksOidcClusterProps): ExistingAksOidcCluster {
    return new ExistingAksOidcCluster(scope, id, props);
  }

  /** The issuer URL that federated credentials must trust. */
  public readonly oidcIssuerUrl: string;
  /** Name of the cluster. */
  public readonly clusterName: string;
  /** ARM id of the cluster. */
  public readonly clusterId: string;
  /** Name of the cluster's resource group. */
  public readonly resourceGroupName: string;
  /** Microsoft Entra Workload ID is on (`workloadIdentityEnabled`). */
  public readonly workloadIdentityEnabled: boolean;
  /** How a Kubernetes provider reaches the API server: the client certificate, or kubelogin without local accounts. */
  public readonly kubernetesConnection: KubernetesConnection;

  constructor(scope: Construct, id: string, props: AksOidcClusterProps) {
    super(scope, id);
    checkProps(this, props);
    this.workloadIdentityEnabled = props.workloadIdentityEnabled ?? true;

    const cluster = new KubernetesCluster(this, "Cluster", {
      name: props.name,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      dnsPrefix: props.dnsPrefix ?? defaultDnsPrefix(props.name),
      defaultNodePool: {
        name: props.nodePoolName ?? "nodepool1",
        nodeCount: props.nodeCount ?? 1,
        vmSize: props.nodeVmSize,
      },
      identity: { type: "SystemAssigned" },
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: this.workloadIdentityEnabled,
      localAccountDisabled: props.localAccountsDisabled ? true : undefined,
      azureActiveDirectoryRoleBasedAccessControl: props.localAccountsDisabled
        ? { azureRbacEnabled: true, adminGroupObjectIds: props.adminGroupObjectIds ? [...props.adminGroupObjectIds] : undefined }
        : undefined,
      tags: props.tags ? { ...props.tags } : undefined,
      linuxProfile: props.linuxProfile
        ? { adminUsername: props.linuxProfile.adminUsername, sshKey: { keyData: props.linuxProfile.sshPublicKey } }
        : undefined,
      lifecycle: props.importId === undefined ? undefined : { ignoreChanges: adoptedUnmanaged(props) },
    });

    if (props.importId !== undefined) new ImportBlock(this, "Import", cluster, props.importId);

    this.oidcIssuerUrl = cluster.oidcIssuerUrl;
    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.resourceGroupName = cluster.resourceGroupName;
    this.kubernetesConnection = kubernetesConnection(cluster.kubeConfig.get(0), props.localAccountsDisabled);
  }

  /**
   * Nothing to check: this cluster's own settings turn workload identity on. Throws when they turn
   * it off (`workloadIdentityEnabled: false`), since pods would then get no token.
   */
  public requireWorkloadIdentity(): readonly ITerraformDependable[] {
    if (!this.workloadIdentityEnabled) {
      throw new Error(`${this.node.path}: workload identity is required, but this cluster turns it off (workloadIdentityEnabled: false)`);
    }
    return [];
  }
}

/** Every problem with the props, thrown at once. */
function checkProps(cluster: AksOidcCluster, props: AksOidcClusterProps): void {
  const checks = new PropChecks(cluster);
  checks.name("name", props.name, NAME_RULES.clusterName);
  checks.name("dnsPrefix", props.dnsPrefix, NAME_RULES.dnsPrefix);
  checks.name("nodePoolName", props.nodePoolName, NAME_RULES.nodePoolName);
  checks.wholeNumber("nodeCount", props.nodeCount, 1, MAX_NODE_COUNT);
  checks.name("nodeVmSize", props.nodeVmSize, NAME_RULES.vmSize);
  props.adminGroupObjectIds?.forEach((group, i) => checks.name(`adminGroupObjectIds[${i}]`, group, NAME_RULES.uuid));
  checks.name("importId", props.importId, NAME_RULES.aksResourceId);
  checks.name("linuxProfile.adminUsername", props.linuxProfile?.adminUsername, NAME_RULES.linuxAdminUsername);
  checks.name("linuxProfile.sshPublicKey", props.linuxProfile?.sshPublicKey, NAME_RULES.sshPublicKey);
  checks.throwIfAny();
}

/**
 * What a cluster made by `az aks create` has and this construct does not manage, so that adopting
 * it plans no replacement and changes nothing the stack has no opinion on. Left alone, the first plan
 * after the import would replace the cluster for its SSH key (a new cluster, a new issuer URL, every
 * federated credential broken) and turn off, in place, the CSI drivers and upgrade settings az set.
 */
function adoptedUnmanaged(props: AksOidcClusterProps): string[] {
  return [...(props.linuxProfile ? [] : ["linux_profile"]), ...ADOPTED_UNMANAGED];
}

const ADOPTED_UNMANAGED = ["dns_prefix", "storage_profile", "default_node_pool[0].upgrade_settings"] as const;

function defaultDnsPrefix(name: string): string {
  if (!Token.isUnresolved(name)) return deriveDnsPrefix(name, 0);
  // The name is only known at apply: apply the same derivation with Terraform functions.
  const cleaned = Fn.lower(Fn.replace(name, "/[^0-9A-Za-z-]/", "-"));
  return Fn.replace(Fn.substr(cleaned, 0, 54), "/^-+|-+$/", "");
}
