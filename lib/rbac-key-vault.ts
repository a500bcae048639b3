import { DataAzurermKeyVault } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault";
import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { IDeployingPrincipal, IResourceGroupRef, IWorkloadPrincipal } from "./interfaces";
import { NAME_RULES } from "./naming-rules";
import { applyGuard } from "./private/apply-guard";
import { PropChecks } from "./private/prop-checks";
import { propagationWait } from "./private/propagation-wait";

/** Built-in role that can manage secrets (data plane). */
export const SECRETS_OFFICER_ROLE = "Key Vault Secrets Officer";
/** Built-in role that can read secret contents (data plane). */
export const SECRETS_USER_ROLE = "Key Vault Secrets User";
/** Days a deleted vault or secret stays recoverable: Azure's maximum, and azurerm's default. */
const SOFT_DELETE_RETENTION_DAYS = 90;

/** A secret to write into the vault. */
export interface SecretSpec {
  /** Name of the secret in the vault: 1-127 letters, digits and '-'. */
  readonly name: string;
  /**
   * How `grantSecretRead` and construct ids refer to the secret.
   * @default - its name, which must then be known at synth time
   */
  readonly key?: string;
  /**
   * Its value, written write-only (`value_wo`): it never reaches the plan or the state. Pass an
   * ephemeral variable's value so that it stays out of the configuration too.
   */
  readonly value: string;
  /**
   * Version of the value. Terraform cannot see a write-only value change; a new version writes it again.
   * @default 1
   */
  readonly version?: number;
  /**
   * For a value that may be absent while planning (an ephemeral variable defaulting to null): a
   * Terraform boolean expression, without `${}`, that is true when the value was supplied, e.g.
   * `var.secret_value != null`. Plans then work without the value; an apply without it stops, before
   * anything is written, with `missingValueMessage`. `value` must still be a string when absent.
   * @default - the value is always supplied
   */
  readonly valueSupplied?: string;
  /**
   * The error an apply without the value stops with: say which variable supplies it.
   * @default - names the secret
   */
  readonly missingValueMessage?: string;
}

/** What a vault that already exists is given: see `RbacKeyVault.fromExisting`. */
export interface ExistingRbacKeyVaultProps {
  /**
   * Vault name, globally unique: 3-24 letters, digits and single hyphens, starting with a letter
   * and ending with a letter or digit.
   */
  readonly name: string;
  /** Resource group of the vault. */
  readonly resourceGroup: IResourceGroupRef;
  /**
   * The principal running Terraform: its tenant owns a new vault, and it is made Secrets Officer
   * unless `assignDeployerOfficer` is false.
   */
  readonly deployer: IDeployingPrincipal;
  /** Secrets to write, each once the officer role exists. */
  readonly secrets: readonly SecretSpec[];
  /**
   * Grant the deployer "Key Vault Secrets Officer" on the vault. Turn it off only for an existing
   * vault where the deployer holds that role already (at the vault or above): Azure rejects a second,
   * identical assignment (409 RoleAssignmentExists). Secrets are then written without a wait.
   * @default true
   */
  readonly assignDeployerOfficer?: boolean;
  /**
   * Seconds to wait after granting the deployer "Key Vault Secrets Officer" before writing secrets:
   * Azure RBAC takes time to propagate (403 ForbiddenByRbac until it has). 0 does not wait.
   * @default 60
   */
  readonly roleAssignmentWaitSeconds?: number;
}

/** What a new vault is given. */
export interface RbacKeyVaultProps extends ExistingRbacKeyVaultProps {
  /**
   * Vault SKU.
   * @default "standard"
   */
  readonly sku?: "standard" | "premium";
  /**
   * Tags on the vault.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Marks the props of `fromExisting`, so that no public prop says whether the vault exists. */
const EXISTING = Symbol("existing vault");
type InternalProps = RbacKeyVaultProps & { readonly [EXISTING]?: true };

/**
 * A Key Vault with purge protection and Azure RBAC authorization (no access policies), new or
 * existing; the deploying principal as "Key Vault Secrets Officer"; and secrets written once that
 * role exists. Workloads are granted "Key Vault Secrets User" on the vault or on single secrets.
 */
export class RbacKeyVault extends Construct {
  /**
   * A vault that already exists, looked up by name, with the same roles, secrets and grants as a new
   * one. The plan fails, saying which `az keyvault update` flag fixes it, when the vault lacks purge
   * protection or RBAC authorization.
   */
  public static fromExisting(scope: Construct, id: string, props: ExistingRbacKeyVaultProps): RbacKeyVault {
    const internal: InternalProps = { ...props, [EXISTING]: true };
    return new RbacKeyVault(scope, id, internal);
  }

  /** ARM id of the vault. */
  public readonly vaultId: string;
  /** Name of the vault. */
  public readonly vaultName: string;
  /** `https://<name>.vault.azure.net/`. */
  public readonly vaultUri: string;
  /** Name of the first secret. */
  public readonly secretName: string;
  /** The vault was looked up (`fromExisting`), not created. */
  public readonly existing: boolean;
  private readonly secrets = new Map<string, KeyVaultSecret>();

  constructor(scope: Construct, id: string, props: RbacKeyVaultProps) {
    super(scope, id);
    const existing = (props as InternalProps)[EXISTING] === true;
    checkProps(this, props);
    this.existing = existing;

    const vault = existing ? this.lookUp(props) : this.create(props);
    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.vaultUri;

    const officerReady = props.assignDeployerOfficer === false ? [] : this.assignOfficer(props);

    props.secrets.forEach((spec, i) => {
      const key = spec.key ?? spec.name;
      // With RBAC authorization, writing a secret needs the data-plane role, not vault ownership.
      const secret = new KeyVaultSecret(this, i === 0 ? "Secret" : `Secret-${key}`, {
        name: spec.name,
        keyVaultId: this.vaultId,
        valueWo: spec.value,
        valueWoVersion: spec.version ?? 1,
        dependsOn: officerReady.length > 0 ? officerReady : undefined,
        lifecycle: spec.valueSupplied === undefined ? undefined : { precondition: [missingValueCheck(spec, spec.valueSupplied)] },
      });
      this.secrets.set(key, secret);
    });
    this.secretName = [...this.secrets.values()][0].name;
  }

  /** The deployer's "Key Vault Secrets Officer" role, and what to depend on once it has propagated. */
  private assignOfficer(props: RbacKeyVaultProps): ITerraformDependable[] {
    const officer = new RoleAssignment(this, "DeployerSecretsOfficer", {
      scope: this.vaultId,
      roleDefinitionName: SECRETS_OFFICER_ROLE,
      principalId: props.deployer.objectId,
    });
    return propagationWait(this, "OfficerPropagation", props.roleAssignmentWaitSeconds ?? 60, [officer], {
      role_assignment_id: officer.id,
    });
  }

  /** Keys of the secrets written, in order. */
  public get secretKeys(): readonly string[] {
    return [...this.secrets.keys()];
  }

  /**
   * Grants `principal` "Key Vault Secrets User" on the whole vault, as the article does.
   * @returns the role assignment, to depend on before the workload reads secrets
   */
  public grantSecretsRead(principal: IWorkloadPrincipal): RoleAssignment {
    return this.grant(principal, `SecretsUser-${principal.node.id}`, this.vaultId);
  }

  /**
   * Grants `principal` "Key Vault Secrets User" on one secret only (least privilege).
   * @returns the role assignment, to depend on before the workload reads the secret
   */
  public grantSecretRead(principal: IWorkloadPrincipal, secretKey: string): RoleAssignment {
    const secret = this.secrets.get(secretKey);
    if (!secret) throw new Error(`${this.node.path}: no secret with the key ${secretKey}; the vault holds ${this.secretKeys.join(", ")}`);
    return this.grant(principal, `SecretUser-${principal.node.id}-${secretKey}`, secret.resourceVersionlessId);
  }

  private grant(principal: IWorkloadPrincipal, id: string, scope: string): RoleAssignment {
    return new RoleAssignment(this, id, {
      scope,
      roleDefinitionName: SECRETS_USER_ROLE,
      principalId: principal.principalId,
      // Managed identities are service principals; saying so skips the Entra lookup that can fail
      // while a new identity is still replicating.
      principalType: "ServicePrincipal",
    });
  }

  private create(props: RbacKeyVaultProps): { id: string; name: string; vaultUri: string } {
    return new KeyVault(this, "Vault", {
      name: props.name,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      tenantId: props.deployer.tenantId,
      skuName: props.sku ?? "standard",
      purgeProtectionEnabled: true,
      // azurerm's default, written out: Trivy (AZU-0016) reads an absent retention as 0 days and fails the vault.
      softDeleteRetentionDays: SOFT_DELETE_RETENTION_DAYS,
      rbacAuthorizationEnabled: true,
      tags: props.tags ? { ...props.tags } : undefined,
    });
  }

  private lookUp(props: RbacKeyVaultProps): { id: string; name: string; vaultUri: string } {
    return new DataAzurermKeyVault(this, "Vault", {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      lifecycle: {
        postcondition: [
          {
            condition: "${self.purge_protection_enabled == true}",
            errorMessage: `Key vault ${props.name} has no purge protection. Enable it (it cannot be turned off again): az keyvault update --name ${props.name} --enable-purge-protection true`,
          },
          {
            condition: "${self.rbac_authorization_enabled == true}",
            errorMessage: `Key vault ${props.name} uses access policies, not Azure RBAC. Switch it (existing access policies stop applying): az keyvault update --name ${props.name} --enable-rbac-authorization true`,
          },
        ],
      },
    });
  }
}

/** Every problem with the props, thrown at once. */
function checkProps(vault: RbacKeyVault, props: RbacKeyVaultProps): void {
  const checks = new PropChecks(vault);
  checks.name("name", props.name, NAME_RULES.keyVaultName);
  if (props.secrets.length === 0) checks.add({ prop: "secrets", value: [], problem: "is empty", fix: "give at least one secret" });
  const keys = new Map<string, number>();
  props.secrets.forEach((spec, i) => {
    checks.name(`secrets[${i}].name`, spec.name, NAME_RULES.secretName);
    const key = spec.key ?? spec.name;
    if (Token.isUnresolved(key)) {
      checks.add({ prop: `secrets[${i}].key`, problem: "is missing, and the name is known only at apply", fix: "give the secret a key known at synth" });
      return;
    }
    const earlier = keys.get(key);
    if (earlier === undefined) keys.set(key, i);
    else checks.add({ prop: `secrets[${i}].key`, value: key, problem: `is also the key of secrets[${earlier}]`, fix: "give each secret its own key" });
  });
  checks.throwIfAny();
}

function missingValueCheck(spec: SecretSpec, valueSupplied: string): { condition: string; errorMessage: string } {
  return {
    condition: applyGuard(valueSupplied),
    errorMessage: spec.missingValueMessage ?? `The value of Key Vault secret ${spec.name} was not supplied.`,
  };
}
