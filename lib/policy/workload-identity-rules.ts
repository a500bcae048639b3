import { block, blocks } from "../terraform-json/blocks";
import { isExpression, pathText, resourceReferenceOf } from "../terraform-json/references";
import { fail, failOrUnknown, isOptionalVariableValue, isVariableValue, missingValueGuard, pass, resolves, show, unknown } from "./verdicts";
import { TOKEN_EXCHANGE_AUDIENCE } from "../private/workload-identity";
import { PolicyRule, TerraformResource, Verdict } from "./types";

/** This project's rules (AKSWI_*): what workload identity needs to be safe, beyond the public rule sets. */

const CLUSTER = "azurerm_kubernetes_cluster";
const CREDENTIAL = "azurerm_federated_identity_credential";
const ROLE_ASSIGNMENT = "azurerm_role_assignment";
const SECRET = "azurerm_key_vault_secret";
const PODS = ["kubernetes_pod_v1", "kubernetes_pod"];


/** Built-in roles that can change resources or grant access, by name (lower case) and definition id. */
const PRIVILEGED_ROLES: ReadonlyMap<string, string> = new Map([
  ["owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"],
  ["contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"],
  ["user access administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"],
  // Can assign any role, Owner included, unless a condition restricts it: as dangerous as the others.
  ["role based access control administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168"],
]);

/** Key Vault data-plane roles that read and cannot write, by name (lower case) and definition id. */
const KEY_VAULT_READER_ROLES: ReadonlyMap<string, string> = new Map([
  ["key vault secrets user", "4633458b-17de-408a-b874-0445c86b69e6"],
  ["key vault reader", "21090545-7ca7-4776-b22c-e363652d74d2"],
  ["key vault certificate user", "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"],
]);

/** Definition ids of the other built-in Key Vault roles, which can write, decrypt or administer. */
const OTHER_KEY_VAULT_ROLE_IDS = [
  "00482a5a-887f-4fb3-b363-3b7fe8e74483", // Key Vault Administrator
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", // Key Vault Secrets Officer
  "a4417e6f-fecd-4de8-b567-7b0420556985", // Key Vault Certificates Officer
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", // Key Vault Crypto Officer
  "12338af0-0e69-4776-bea7-57ae8d297424", // Key Vault Crypto User
  "f25e0fa2-a7c8-4377-a976-54943a77a395", // Key Vault Contributor
];

/** A vault, or one object in it, written as an ARM id. */
const VAULT_OR_NARROWER_ID = /\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+(?:\/(?:secrets|keys|certificates)\/[^/]+)?$/i;

/** Attributes that are the ARM id of a vault or of a secret in it, by resource type. */
const VAULT_SCOPE_ATTRIBUTES: ReadonlyMap<string, readonly string[]> = new Map([
  ["azurerm_key_vault", ["id"]],
  ["azurerm_key_vault_secret", ["resource_versionless_id", "resource_id"]],
]);

/** A workload identity is a user-assigned managed identity (created or looked up) that pods federate into. */
function isWorkloadIdentity(principalId: unknown): boolean {
  const reference = resourceReferenceOf(principalId);
  return reference?.type === "azurerm_user_assigned_identity" && pathText(reference.path) === "principal_id";
}

function roleDefinitionId(body: TerraformResource["body"]): string | undefined {
  const id = body.role_definition_id;
  return typeof id === "string" && !isExpression(id) ? id.toLowerCase().split("/").pop() : undefined;
}

function roleName(body: TerraformResource["body"]): string | undefined {
  const name = body.role_definition_name;
  return typeof name === "string" && !isExpression(name) ? name.toLowerCase() : undefined;
}

function hasRole(body: TerraformResource["body"], roles: ReadonlyMap<string, string>): boolean {
  const name = roleName(body);
  const id = roleDefinitionId(body);
  return (name !== undefined && roles.has(name)) || (id !== undefined && [...roles.values()].includes(id));
}

function describeRole(body: TerraformResource["body"]): string {
  return body.role_definition_name !== undefined ? `role_definition_name is ${show(body.role_definition_name)}` : `role_definition_id is ${show(body.role_definition_id)}`;
}

function isVaultOrNarrowerScope(scope: unknown): boolean {
  const reference = resourceReferenceOf(scope);
  if (reference) return VAULT_SCOPE_ATTRIBUTES.get(reference.type)?.includes(pathText(reference.path)) ?? false;
  return typeof scope === "string" && !isExpression(scope) && VAULT_OR_NARROWER_ID.test(scope);
}

function isKeyVaultAssignment(body: TerraformResource["body"]): boolean {
  const id = roleDefinitionId(body);
  return (
    (roleName(body)?.startsWith("key vault ") ?? false) ||
    (id !== undefined && ([...KEY_VAULT_READER_ROLES.values()].includes(id) || OTHER_KEY_VAULT_ROLE_IDS.includes(id))) ||
    isVaultOrNarrowerScope(body.scope)
  );
}

/** Every container of a pod spec (init containers run with the same privileges). */
function containersOf(resource: TerraformResource) {
  const spec = block(resource.body, "spec");
  return { spec, containers: [...blocks(spec, "container"), ...blocks(spec, "init_container")] };
}

function containerName(container: Readonly<Record<string, unknown>>, index: number): string {
  return typeof container.name === "string" ? `container ${JSON.stringify(container.name)}` : `container ${index}`;
}

/** What a container's setting has instead of `true`, and whether that is an expression Terraform evaluates. */
interface ContainerProblem {
  readonly found: string;
  readonly value: unknown;
}

/** Fails on any container with a literal problem; unknown when every problem is an expression. */
function everyContainer(resource: TerraformResource, holds: (container: Readonly<Record<string, unknown>>, index: number) => ContainerProblem | undefined): Verdict {
  const broken = containersOf(resource)
    .containers.map((container, index) => holds(container, index))
    .filter((problem): problem is ContainerProblem => problem !== undefined);
  if (broken.length === 0) return pass;
  const found = broken.map((problem) => problem.found).join("; ");
  return broken.every((problem) => isExpression(problem.value)) ? unknown(found) : fail(found);
}

export const WORKLOAD_IDENTITY_RULES: readonly PolicyRule[] = [
  {
    id: "AKSWI_001",
    source: "AKSWI",
    title: "Workload identity requires the cluster's OIDC issuer",
    resourceTypes: [CLUSTER],
    attribute: "workload_identity_enabled, oidc_issuer_enabled",
    severity: "error",
    fix: "set oidc_issuer_enabled = true wherever workload_identity_enabled is true (cluster.oidcIssuerEnabled is always true here)",
    rationale: "Entra ID validates service account tokens against the issuer; without it workload identity is on but no token can be exchanged.",
    check: (r) => {
      const workloadIdentity = r.body.workload_identity_enabled;
      const issuer = r.body.oidc_issuer_enabled;
      if (workloadIdentity === undefined || workloadIdentity === false || issuer === true) return pass;
      const found = `workload_identity_enabled is ${show(workloadIdentity)} and oidc_issuer_enabled is ${show(issuer)}`;
      return isExpression(workloadIdentity) ? unknown(found) : failOrUnknown(issuer, found);
    },
  },
  {
    id: "AKSWI_002",
    source: "AKSWI",
    title: `A federated credential's audience must be exactly ["${TOKEN_EXCHANGE_AUDIENCE}"]`,
    resourceTypes: [CREDENTIAL],
    attribute: "audience",
    severity: "error",
    fix: `set audience = ["${TOKEN_EXCHANGE_AUDIENCE}"] (FederatedIdentity does)`,
    rationale: "Another audience either fails the token exchange or trusts tokens minted for other services.",
    check: (r) => {
      const audience = r.body.audience;
      return Array.isArray(audience) && audience.length === 1 && audience[0] === TOKEN_EXCHANGE_AUDIENCE ? pass : fail(`audience is ${show(audience)}`);
    },
  },
  {
    id: "AKSWI_003",
    source: "AKSWI",
    title: "A federated credential's issuer must reference a cluster's oidc_issuer_url",
    resourceTypes: [CREDENTIAL],
    attribute: "issuer",
    severity: "error",
    fix: "pass the cluster construct (FederatedIdentity's cluster prop) so issuer is ${azurerm_kubernetes_cluster.<name>.oidc_issuer_url}, never a copied URL",
    rationale: "A copied issuer URL silently trusts a cluster that may since have been recreated, or someone else's.",
    check: (r, document) => {
      const reference = resourceReferenceOf(r.body.issuer);
      const ok = reference !== undefined && reference.type === CLUSTER && pathText(reference.path) === "oidc_issuer_url" && resolves(reference, document);
      return ok ? pass : fail(`issuer is ${isExpression(r.body.issuer) ? show(r.body.issuer) : `the literal ${show(r.body.issuer)}`}`);
    },
  },
  {
    id: "AKSWI_004",
    source: "AKSWI",
    title: "A workload identity must not be Owner, Contributor, User Access Administrator or RBAC Administrator",
    resourceTypes: [ROLE_ASSIGNMENT],
    attribute: "principal_id, role_definition_name, role_definition_id",
    severity: "error",
    fix: "grant the narrowest data-plane role the workload needs (e.g. \"Key Vault Secrets User\") on the resource it uses",
    rationale: "Any pod that can use the service account would gain control of the scope, or the power to grant itself more.",
    check: (r) => (isWorkloadIdentity(r.body.principal_id) && hasRole(r.body, PRIVILEGED_ROLES) ? fail(describeRole(r.body)) : pass),
  },
  {
    id: "AKSWI_005",
    source: "AKSWI",
    title: "A workload identity's Key Vault role must be a data-plane reader role at vault scope or narrower",
    resourceTypes: [ROLE_ASSIGNMENT],
    attribute: "principal_id, role_definition_name, role_definition_id, scope",
    severity: "error",
    fix: "grant \"Key Vault Secrets User\" (or \"Key Vault Reader\", \"Key Vault Certificate User\") with scope the vault's id or a secret's resource_versionless_id (RbacKeyVault.grantSecretsRead / grantSecretRead)",
    rationale: "Workloads read secrets; a write or administrator role, or a grant on the resource group, exposes every vault and secret within reach.",
    check: (r) => {
      if (!isWorkloadIdentity(r.body.principal_id) || !isKeyVaultAssignment(r.body)) return pass;
      const problems: string[] = [];
      if (!hasRole(r.body, KEY_VAULT_READER_ROLES)) problems.push(describeRole(r.body));
      if (!isVaultOrNarrowerScope(r.body.scope)) problems.push(`scope is ${show(r.body.scope)}`);
      return problems.length === 0 ? pass : fail(problems.join("; "));
    },
  },
  {
    id: "AKSWI_006",
    source: "AKSWI",
    title: "A secret's value must come from an input variable, never a literal in the configuration",
    resourceTypes: [SECRET],
    attribute: "value, value_wo",
    severity: "error",
    fix: "write value_wo = var.<ephemeral, sensitive variable> (RbacKeyVault with secretVariable does) and supply it as TF_VAR_<name>",
    rationale: "A literal lands in cdk.tf.json, the repository, the plan and CI logs; a `value` also lands in state.",
    check: (r) => {
      // The value itself is never echoed: it is the secret.
      const broken = (["value", "value_wo"] as const)
        .filter((attribute) => r.body[attribute] !== undefined && !isVariableValue(r.body[attribute]))
        .map((attribute) => `${attribute} is ${isExpression(r.body[attribute]) ? "an expression other than an input variable" : "a literal"}`);
      // Empty while the variable is absent: without the guard an apply would write "" as the secret.
      const conditions = blocks(block(r.body, "lifecycle"), "precondition").map((p) => p.condition);
      (["value", "value_wo"] as const)
        .filter((attribute) => isOptionalVariableValue(r.body[attribute]) && !conditions.includes(missingValueGuard(r.body[attribute] as string)))
        .forEach((attribute) =>
          broken.push(`${attribute} is empty while its variable is absent, and no precondition stops an apply without it (RbacKeyVault's valueSupplied writes one)`),
        );
      return broken.length === 0 ? pass : fail(broken.join("; "));
    },
  },
  {
    id: "AKSWI_007",
    source: "AKSWI",
    title: "Pods must run as a non-root user",
    resourceTypes: PODS,
    attribute: "spec.security_context.run_as_non_root, spec.container.security_context.run_as_non_root",
    severity: "warning",
    fix: "set security_context.run_as_non_root = true (with a run_as_user) on the pod or each container",
    rationale: "A container escape from a root process starts as root on the node; the msal-go image's user has not been verified, hence a warning.",
    check: (r) => {
      const podLevel = block(containersOf(r).spec, "security_context")?.run_as_non_root;
      return everyContainer(r, (container, index) => {
        const own = block(container, "security_context")?.run_as_non_root;
        const effective = own ?? podLevel;
        return effective === true ? undefined : { found: `${containerName(container, index)} has run_as_non_root ${show(effective)}`, value: effective };
      });
    },
  },
  {
    id: "AKSWI_008",
    source: "AKSWI",
    title: "Pods must have a read-only root filesystem",
    resourceTypes: PODS,
    attribute: "spec.container.security_context.read_only_root_filesystem",
    severity: "warning",
    fix: "set security_context.read_only_root_filesystem = true on each container, with an empty_dir volume where it must write",
    rationale: "A writable root filesystem lets an attacker drop tools into the container; whether msal-go needs one has not been verified, hence a warning.",
    check: (r) =>
      everyContainer(r, (container, index) => {
        const readOnly = block(container, "security_context")?.read_only_root_filesystem;
        return readOnly === true ? undefined : { found: `${containerName(container, index)} has read_only_root_filesystem ${show(readOnly)}`, value: readOnly };
      }),
  },
];
