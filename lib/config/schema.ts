import { deriveDnsPrefix } from "../private/dns-prefix";
import { RANDOM_SUFFIX_LENGTH } from "../private/name-template";
import { DEFAULT_VERIFICATION_IMAGE } from "../defaults";
import { ARTICLE_SUPPRESSIONS } from "../policy/article-exceptions";
import { RULES as POLICY_RULES } from "../policy/rules";
import { RuleId } from "./rules";

/**
 * The configuration schema: every key, its type, default, rule and documentation. The loader
 * walks it to apply defaults and validate, and help/configuration.md is generated from it.
 */

export interface DeriveContext {
  /** The fixed suffix, or undefined when it is random. */
  readonly suffix?: string;
  /** The object's other values, already resolved. */
  readonly siblings: Readonly<Record<string, unknown>>;
}

interface FieldBase {
  /** One or two sentences for help/configuration.md. */
  readonly doc: string;
}

export interface StringField extends FieldBase {
  readonly kind: "string";
  /** Value used when the key is absent. */
  readonly default?: string;
  /** Computes the value from the `needs` siblings when the key is absent; `derivedFrom` documents it. */
  readonly derive?: (ctx: DeriveContext) => string;
  readonly needs?: readonly string[];
  readonly derivedFrom?: string;
  /** Absent without a default or derivation: error when `required`, otherwise left undefined. */
  readonly required?: boolean;
  /** The value may contain `{suffix}`; the rule is checked on the expanded value. */
  readonly template?: boolean;
  readonly rule?: RuleId;
  readonly oneOf?: readonly string[];
  /** Applied before validation, e.g. "East US" to "eastus". */
  readonly normalise?: (value: string) => string;
}

export interface IntegerField extends FieldBase {
  readonly kind: "integer";
  /** Value used when the key is absent; without one the value stays undefined. */
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

export interface BooleanField extends FieldBase {
  readonly kind: "boolean";
  readonly default: boolean;
  /** The only accepted value, with the reason, for switches Azure cannot turn back. */
  readonly mustBe?: { readonly value: boolean; readonly reason: string; readonly fix: string };
}

export interface ObjectField extends FieldBase {
  readonly kind: "object";
  readonly fields: Readonly<Record<string, Field>>;
  /** When absent, stays undefined instead of taking its fields' defaults (and requiring its required ones). */
  readonly optional?: boolean;
}

export interface ListField extends FieldBase {
  readonly kind: "list";
  readonly item: ObjectField | StringField;
  /** Value used when the key is absent; `undefined` leaves the list undefined. */
  readonly default?: ReadonlyArray<Readonly<Record<string, unknown>> | string>;
  /** How help/configuration.md describes a default too long to print. */
  readonly defaultDoc?: string;
  readonly minItems: number;
  readonly maxItems: number;
}

export type Field = StringField | IntegerField | BooleanField | ObjectField | ListField;

/** Environment variables of the article that override one config path each. */
export const ENV_OVERRIDES: ReadonlyArray<{ readonly variable: string; readonly path: readonly (string | number)[] }> = [
  { variable: "LOCATION", path: ["location"] },
  { variable: "RANDOM_ID", path: ["suffix"] },
  { variable: "RESOURCE_GROUP", path: ["resourceGroup", "name"] },
  { variable: "CLUSTER_NAME", path: ["cluster", "name"] },
  { variable: "KEYVAULT_NAME", path: ["keyVault", "name"] },
  { variable: "KEYVAULT_SECRET_NAME", path: ["keyVault", "secretName"] },
  { variable: "SERVICE_ACCOUNT_NAMESPACE", path: ["workloads", 0, "namespace"] },
  { variable: "SERVICE_ACCOUNT_NAME", path: ["workloads", 0, "serviceAccount"] },
  { variable: "USER_ASSIGNED_IDENTITY_NAME", path: ["workloads", 0, "identity"] },
  { variable: "FEDERATED_IDENTITY_CREDENTIAL_NAME", path: ["workloads", 0, "federatedCredential"] },
];

/** The environment variable naming a JSON or YAML configuration file. */
export const CONFIG_FILE_VARIABLE = "AKS_WI_CONFIG";


const WORKLOAD: ObjectField = {
  kind: "object",
  doc: "A Kubernetes service account bound to a user-assigned managed identity through a federated credential.",
  fields: {
    namespace: {
      kind: "string",
      default: "default",
      template: true,
      rule: "namespace",
      doc: "Namespace of the service account. It must exist; `default` always does.",
    },
    serviceAccount: {
      kind: "string",
      required: true,
      template: true,
      rule: "serviceAccountName",
      doc: "Name of the Kubernetes service account to create, annotated with the identity's client id.",
    },
    identity: {
      kind: "string",
      required: true,
      template: true,
      rule: "identityName",
      doc: "Name of the user-assigned managed identity to create for this workload.",
    },
    federatedCredential: {
      kind: "string",
      template: true,
      rule: "federatedCredentialName",
      derive: ({ siblings }) => `fic-${String(siblings.namespace)}-${String(siblings.serviceAccount).replace(/\./g, "-")}`,
      needs: ["namespace", "serviceAccount"],
      derivedFrom: "`fic-<namespace>-<serviceAccount>` ('.' becomes '-')",
      doc: "Name of the federated identity credential trusting the cluster's issuer for this service account.",
    },
    namespaceExists: {
      kind: "boolean",
      default: false,
      doc: "The namespace exists already. Otherwise a namespace other than `default` and `kube-*` is created.",
    },
    tenantId: {
      kind: "string",
      rule: "uuid",
      doc: "Tenant of the identity when it is not the cluster's: the service account's `azure.workload.identity/tenant-id`.",
    },
    tokenExpiration: {
      kind: "integer",
      min: 3600,
      max: 86400,
      doc: "Lifetime in seconds of the projected token: `azure.workload.identity/service-account-token-expiration`. When absent the webhook's default (3600) applies.",
    },
    secrets: {
      kind: "list",
      minItems: 1,
      maxItems: 100,
      item: {
        kind: "string",
        template: true,
        rule: "secretName",
        doc: "Name of a secret in the vault (`keyVault.secretName` or one of `keyVault.additionalSecrets`).",
      },
      doc: "Least privilege: grant \"Key Vault Secrets User\" on these secrets only. When absent the grant is on the whole vault, as in the article.",
    },
  },
};

export const SCHEMA: ObjectField = {
  kind: "object",
  doc: "The whole configuration.",
  fields: {
    location: {
      kind: "string",
      default: "eastus",
      rule: "location",
      normalise: (value) => value.toLowerCase().replace(/\s+/g, ""),
      doc:
        "Azure region for every resource. Display names such as `East US` are accepted and normalised. It must be a " +
        "public-cloud region of the table in lib/config/azure-regions.ts (generated by scripts/generate-regions.js), " +
        "unless `locationUnlisted` is true.",
    },
    locationUnlisted: {
      kind: "boolean",
      default: false,
      doc:
        "`location` is a region the table does not list: one Azure added since the table was generated, or another " +
        "cloud's. Only its form is checked then, so a typo fails at apply instead of here.",
    },
    suffix: {
      kind: "string",
      rule: "suffix",
      doc:
        `Fixed value for \`{suffix}\` in names. When absent, a \`random_id\` of 3 bytes gives ${RANDOM_SUFFIX_LENGTH} ` +
        "hex characters at the first apply (the article's `openssl rand -hex 3`), stored in state thereafter.",
    },
    resourceGroup: {
      kind: "object",
      doc: "The resource group that holds every Azure resource.",
      fields: {
        name: {
          kind: "string",
          default: "myResourceGroup{suffix}",
          template: true,
          rule: "resourceGroupName",
          doc: "Resource group name.",
        },
        existing: {
          kind: "boolean",
          default: false,
          doc: "The resource group exists: look it up instead of creating it. Its name cannot use a random `{suffix}`.",
        },
      },
    },
    cluster: {
      kind: "object",
      doc: "The AKS cluster, with the OIDC issuer and Microsoft Entra Workload ID.",
      fields: {
        name: { kind: "string", default: "myAKSCluster{suffix}", template: true, rule: "clusterName", doc: "Cluster name." },
        dnsPrefix: {
          kind: "string",
          template: true,
          rule: "dnsPrefix",
          derive: ({ siblings, suffix }) => deriveDnsPrefix(String(siblings.name), suffix?.length ?? RANDOM_SUFFIX_LENGTH),
          needs: ["name"],
          derivedFrom: "`cluster.name`: lowercased, other characters as '-', cut to 54",
          doc: "DNS prefix of the API server's FQDN.",
        },
        nodePoolName: {
          kind: "string",
          default: "nodepool1",
          rule: "nodePoolName",
          doc: "Name of the default (system) node pool.",
        },
        nodeCount: { kind: "integer", default: 1, min: 1, max: 1000, doc: "Nodes in the default pool." },
        nodeVmSize: {
          kind: "string",
          rule: "vmSize",
          doc: "VM size of the default pool's nodes, e.g. `Standard_D2s_v5`. When absent Azure chooses, as `az aks create` does.",
        },
        workloadIdentityEnabled: {
          kind: "boolean",
          default: true,
          doc: "Microsoft Entra Workload ID. `false` is the article's `az aks update --disable-workload-identity`.",
        },
        localAccountsDisabled: {
          kind: "boolean",
          default: false,
          doc:
            "Hardened profile: no local accounts; Microsoft Entra ID with Azure RBAC for Kubernetes. You are granted " +
            "\"Azure Kubernetes Service RBAC Cluster Admin\", and Terraform reaches the cluster through `kubelogin`, " +
            "which must be on the PATH. The article's setup keeps local accounts.",
        },
        adminGroupObjectIds: {
          kind: "list",
          minItems: 0,
          maxItems: 50,
          default: [],
          item: { kind: "string", rule: "uuid", doc: "Object id of an Entra ID group." },
          doc: "Entra ID groups that are cluster admins, with `localAccountsDisabled`.",
        },
        linuxProfile: {
          kind: "object",
          optional: true,
          doc:
            "The nodes' Linux admin account and SSH public key (azurerm's `linux_profile`). Changing either replaces the " +
            "cluster. When absent the cluster has none, unless it is adopted: an adopted cluster keeps the one it has " +
            "(`az aks create --generate-ssh-keys` makes one) and the stack leaves it alone.",
          fields: {
            adminUsername: { kind: "string", default: "azureuser", rule: "linuxAdminUsername", doc: "Admin user name on the nodes." },
            sshPublicKey: {
              kind: "string",
              required: true,
              rule: "sshPublicKey",
              doc:
                "SSH public key of the nodes' admin, one line as in `~/.ssh/id_rsa.pub`. With `linuxProfile` the stack manages " +
                "the admin account, and changing it replaces the cluster; without it a new cluster has none, and an adopted " +
                "cluster keeps its own (`az aks create --generate-ssh-keys` makes one).",
            },
          },
        },
        existing: {
          kind: "boolean",
          default: false,
          doc:
            "The cluster exists and is managed elsewhere: look it up. The plan fails, with the `az aks update` flags " +
            "that fix it, when its OIDC issuer is off or it has no workload-identity webhook configured.",
        },
        importId: {
          kind: "string",
          rule: "aksResourceId",
          doc:
            "ARM id of an existing cluster to adopt: an `import` block brings it under this stack, which then enables " +
            "the OIDC issuer and workload identity. Set the other cluster keys to its current values.",
        },
        resourceGroup: {
          kind: "string",
          template: true,
          rule: "resourceGroupName",
          doc: "Resource group of an existing or adopted cluster, when not `resourceGroup.name`.",
        },
        oidcIssuerEnabled: {
          kind: "boolean",
          default: true,
          mustBe: {
            value: true,
            reason: "Azure cannot disable the OIDC issuer once it is enabled, and workload identity needs it",
            fix: "remove the key or set it to true; to stop federation, set cluster.workloadIdentityEnabled to false",
          },
          doc: "Always `true`: Azure cannot turn the OIDC issuer off once it is on.",
        },
      },
    },
    keyVault: {
      kind: "object",
      doc: "The Key Vault, with purge protection and Azure RBAC authorization, and its secret.",
      fields: {
        name: {
          kind: "string",
          default: "kv-workload-id{suffix}",
          template: true,
          rule: "keyVaultName",
          doc:
            "Key vault name, globally unique. The article's `keyvault-workload-id$RANDOM_ID` is 26 characters, " +
            "over Azure's 24, so the default is shorter.",
        },
        sku: { kind: "string", default: "standard", oneOf: ["standard", "premium"], doc: "Key vault SKU." },
        secretName: {
          kind: "string",
          default: "my-secret{suffix}",
          template: true,
          rule: "secretName",
          doc: "Name of the secret the verification pod reads.",
        },
        secretVersion: {
          kind: "integer",
          default: 1,
          min: 1,
          max: 1000000,
          doc:
            "Version of the secrets' values. The values come from ephemeral variables and are written write-only, so " +
            "Terraform cannot see them change: bump this number to write them again (rotation).",
        },
        additionalSecrets: {
          kind: "list",
          minItems: 0,
          maxItems: 100,
          default: [],
          item: { kind: "string", template: true, rule: "secretName", doc: "Name of a further secret." },
          doc: "Further secrets to create, for workloads that are granted single secrets.",
        },
        assignOfficerRole: {
          kind: "boolean",
          default: true,
          doc:
            "Grant you (the deploying principal) \"Key Vault Secrets Officer\" on the vault, which writing the secrets " +
            "needs. Set it to false only with `existing: true`, when you already hold that role on the vault (or above " +
            "it): assigning it again fails with 409 RoleAssignmentExists. Azure then checks your existing role when the " +
            "secrets are written, and the stack waits for no propagation.",
        },
        existing: {
          kind: "boolean",
          default: false,
          doc:
            "The vault exists: look it up instead of creating it. The plan fails, with the `az keyvault update` flag " +
            "that fixes it, when it lacks purge protection or RBAC authorization.",
        },
        resourceGroup: {
          kind: "string",
          template: true,
          rule: "resourceGroupName",
          doc: "Resource group of an existing vault, when not `resourceGroup.name`.",
        },
      },
    },
    workloads: {
      kind: "list",
      minItems: 1,
      maxItems: 5000,
      item: WORKLOAD,
      default: [
        {
          namespace: "default",
          serviceAccount: "workload-identity-sa{suffix}",
          identity: "myIdentity{suffix}",
          federatedCredential: "myFedIdentity{suffix}",
        },
      ],
      doc:
        "Service accounts federated with managed identities. Workloads naming the same identity share it (one " +
        "credential each, at most 20). The article's environment variables override the first entry.",
    },
    waits: {
      kind: "object",
      doc: "Pauses that let Entra ID and Azure RBAC catch up before the next step uses what was just granted. 0 turns a wait off.",
      fields: {
        roleAssignmentSeconds: {
          kind: "integer",
          default: 60,
          min: 0,
          max: 1800,
          doc:
            "After a role assignment, before it is used (writing secrets as Secrets Officer; creating Kubernetes " +
            "objects as AKS RBAC admin). Azure documents up to 10 minutes; most assignments work within a minute.",
        },
        federatedCredentialSeconds: {
          kind: "integer",
          default: 30,
          min: 0,
          max: 600,
          doc: "After a federated credential, before a pod exchanges tokens against it (AADSTS70021 until it has propagated, usually seconds).",
        },
      },
    },
    backend: {
      kind: "object",
      doc: "Where Terraform keeps state. See help/remote-state.md.",
      fields: {
        type: {
          kind: "string",
          default: "local",
          oneOf: ["local", "azurerm", "cloud", "pg"],
          doc: "`local` (a file beside cdktf.json), `azurerm` (a blob, locked with a lease), `cloud` (HCP Terraform) or `pg` (PostgreSQL, locked with advisory locks; the connection string comes from PG_CONN_STR).",
        },
        azurerm: {
          kind: "object",
          optional: true,
          doc: "The storage account for `type: azurerm`.",
          fields: {
            resourceGroupName: { kind: "string", required: true, rule: "resourceGroupName", doc: "Resource group of the storage account." },
            storageAccountName: { kind: "string", required: true, rule: "storageAccountName", doc: "Storage account name." },
            containerName: { kind: "string", default: "tfstate", rule: "storageContainerName", doc: "Blob container." },
            key: { kind: "string", default: "aks-workload-identity.tfstate", rule: "stateKey", doc: "Blob name of the state." },
            useAzureadAuth: {
              kind: "boolean",
              default: true,
              doc: "Authenticate to the blob with Entra ID (needs \"Storage Blob Data Contributor\") rather than the account key.",
            },
          },
        },
        cloud: {
          kind: "object",
          optional: true,
          doc: "The HCP Terraform workspace for `type: cloud`; the token comes from `terraform login` or TF_TOKEN_app_terraform_io.",
          fields: {
            organization: { kind: "string", required: true, rule: "hcpName", doc: "Organization." },
            workspace: { kind: "string", required: true, rule: "hcpName", doc: "Workspace." },
          },
        },
        pg: {
          kind: "object",
          optional: true,
          doc: "Options for `type: pg`.",
          fields: {
            schemaName: { kind: "string", default: "terraform_remote_state", rule: "pgSchemaName", doc: "Schema that holds the state table." },
          },
        },
      },
    },
    policy: {
      kind: "object",
      doc: "The security policy checked at synthesis; see help/policy.md.",
      fields: {
        suppressions: {
          kind: "list",
          minItems: 0,
          maxItems: POLICY_RULES.length,
          default: ARTICLE_SUPPRESSIONS.map((s) => ({ ...s })), // spread: an interface is not a Record
          defaultDoc: "the article's omissions, each with its reason (help/policy.md)",
          item: {
            kind: "object",
            doc: "An accepted exception to one rule.",
            fields: {
              id: { kind: "string", required: true, doc: "Id of the rule, e.g. `CKV_AZURE_141`; help/policy.md lists them." },
              reason: { kind: "string", required: true, doc: "Why the exception is acceptable, in one sentence. Required." },
            },
          },
          doc: "Exceptions to the security policy, each `{ id, reason }`. Setting it replaces the default list; `[]` enforces every rule.",
        },
      },
    },
    deployer: {
      kind: "object",
      doc: "The principal granted \"Key Vault Secrets Officer\" (and, hardened, AKS RBAC Cluster Admin) so that it can write secrets and Kubernetes objects.",
      fields: {
        objectId: {
          kind: "string",
          rule: "uuid",
          doc:
            "Object id of that principal. When absent it is whoever runs Terraform, as in the article; set it when " +
            "different principals plan and apply (CI's plan-only identity would otherwise plan to move these grants " +
            "to itself): the deploy identity's `principalId` (help/ci-pipeline.md).",
        },
      },
    },
    verificationPod: {
      kind: "object",
      doc: "The article's pod that reads the secret through workload identity, for the first workload.",
      fields: {
        enabled: { kind: "boolean", default: true, doc: "Create the verification pod." },
        image: {
          kind: "string",
          default: DEFAULT_VERIFICATION_IMAGE,
          rule: "image",
          doc: "Container image of the pod.",
        },
      },
    },
  },
};
