import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";
import { KeyVaultSecret } from "@cdktf/provider-azurerm/lib/key-vault-secret";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Construct } from "constructs";
import { IDeployingPrincipal, IResourceGroupRef, IWorkloadPrincipal } from "./interfaces";

/** Built-in role that can manage secrets (data plane). */
export const SECRETS_OFFICER_ROLE = "Key Vault Secrets Officer";
/** Built-in role that can read secret contents (data plane). */
export const SECRETS_USER_ROLE = "Key Vault Secrets User";

export interface RbacKeyVaultProps {
  /** Vault name, globally unique, 3-24 characters. */
  readonly name: string;
  readonly resourceGroup: IResourceGroupRef;
  /** The principal running Terraform: its tenant owns the vault and it is made Secrets Officer. */
  readonly deployer: IDeployingPrincipal;
  /** Name of the secret to create. */
  readonly secretName: string;
  /** Value of the secret. It is written into Terraform's configuration and state. */
  readonly secretValue: string;
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

/**
 * A Key Vault with purge protection and Azure RBAC authorization (no access policies), the
 * deploying principal as "Key Vault Secrets Officer", and one secret written once that role exists.
 */
export class RbacKeyVault extends Construct {
  public readonly vaultId: string;
  public readonly vaultName: string;
  /** `https://<name>.vault.azure.net/`. */
  public readonly vaultUri: string;
  public readonly secretName: string;
  public readonly secretId: string;
  private readonly vault: KeyVault;

  constructor(scope: Construct, id: string, props: RbacKeyVaultProps) {
    super(scope, id);

    this.vault = new KeyVault(this, "Vault", {
      name: props.name,
      location: props.resourceGroup.location,
      resourceGroupName: props.resourceGroup.name,
      tenantId: props.deployer.tenantId,
      skuName: props.sku ?? "standard",
      purgeProtectionEnabled: true,
      rbacAuthorizationEnabled: true,
      tags: props.tags ? { ...props.tags } : undefined,
    });

    const officer = new RoleAssignment(this, "DeployerSecretsOfficer", {
      scope: this.vault.id,
      roleDefinitionName: SECRETS_OFFICER_ROLE,
      principalId: props.deployer.objectId,
    });

    // With RBAC authorization, writing a secret needs the data-plane role, not vault ownership.
    const secret = new KeyVaultSecret(this, "Secret", {
      name: props.secretName,
      keyVaultId: this.vault.id,
      value: props.secretValue,
      dependsOn: [officer],
    });

    this.vaultId = this.vault.id;
    this.vaultName = this.vault.name;
    this.vaultUri = this.vault.vaultUri;
    this.secretName = secret.name;
    this.secretId = secret.id;
  }

  /**
   * Grants `principal` "Key Vault Secrets User" on the whole vault, as the article does.
   * @returns the role assignment, to depend on before the workload reads secrets
   */
  public grantSecretsRead(principal: IWorkloadPrincipal): RoleAssignment {
    return new RoleAssignment(this, `SecretsUser-${principal.node.id}`, {
      scope: this.vault.id,
      roleDefinitionName: SECRETS_USER_ROLE,
      principalId: principal.principalId,
      // Managed identities are service principals; saying so skips the Entra lookup that can fail
      // while a new identity is still replicating.
      principalType: "ServicePrincipal",
    });
  }
}
