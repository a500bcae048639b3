import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanFormatError, reviewPlan } from "../lib/review/plan-review";
import { helpText } from "../lib/commands/cli";
import { EXIT_ERROR, EXIT_OK, EXIT_RISK, EXIT_USAGE, planReviewCommand, runPlanReview } from "../lib/commands/plan-review";
import { builtCommand } from "./app-process";
import { AnyChange, FIXTURES, fixture, header, headings, markdown, Mutable, resource, section } from "./plan-review-fixtures";
import { PlanJson } from "../lib/review/plan-review";

const CLUSTER = "azurerm_kubernetes_cluster.Cluster_3DA9CCBA";
const VAULT = "azurerm_key_vault.KeyVault_DE550064";
const SECRET = "azurerm_key_vault_secret.KeyVault_Secret_A88093D0";
const CREDENTIAL = "azurerm_federated_identity_credential.Identities_myidentitysuffix_Credential-myfedidentitysuffix_12EE3A9E";
const USER_GRANT = "azurerm_role_assignment.KeyVault_SecretsUser-myidentitysuffix_E29F046F";
const OFFICER = "azurerm_role_assignment.KeyVault_DeployerSecretsOfficer_36077D00";
const ISSUER_URL = "https://oidc-issuer-url.offline.invalid/86a97eae4196/";

const NO_ACCESS_CHANGES = ["No role assignments change."];
const NO_FEDERATION_CHANGES = ["No federated identity credentials change."];

const DEPLOYER_GRANT_ADDRESS = "`azurerm_role_assignment.KeyVault_DeployerSecretsOfficer_36077D00`";
const USER_GRANT_ADDRESS = `\`${USER_GRANT}\``;
const CREDENTIAL_ADDRESS = `\`${CREDENTIAL}\``;
const TABLE_HEAD = ["| Action | Resource | Name | Changed attributes | Notes |", "| --- | --- | --- | --- | --- |"];

describe("plan review of real plans", () => {
  test("(a) creating everything: counts, the grants with names from the plan, the federation, no risks", () => {
    const plan = fixture("create-all");
    const text = markdown(plan);
    expect(text.split("\n").slice(0, 2)).toEqual(["<!-- aks-wi-plan-review -->", "## Terraform plan review"]);
    expect(headings(text)).toEqual([
      "## Terraform plan review",
      "### Risks (0)",
      "### Access changes (2)",
      "### Federated credentials (1)",
      "### Changes (13)",
    ]);
    expect(header(text)).toEqual(["Terraform `1.11.4`", "Plan: 13 to create, 0 to update, 0 to replace, 0 to destroy."]);
    expect(section(text, "Risks")).toEqual(["No risks found."]);
    expect(section(text, "Access changes")).toEqual([
      `- create: the deploying principal → \`Key Vault Secrets Officer\` → key vault \`kv-workload-idabc123\` — ${DEPLOYER_GRANT_ADDRESS}`,
      `- create: managed identity \`myIdentityabc123\` (\`ServicePrincipal\`) → \`Key Vault Secrets User\` → key vault \`kv-workload-idabc123\` — ${USER_GRANT_ADDRESS}`,
    ]);
    expect(section(text, "Federated credentials")).toEqual([
      `- create: managed identity \`myIdentityabc123\` ← OIDC issuer of cluster \`myAKSClusterabc123\` + \`system:serviceaccount:default:workload-identity-saabc123\`, credential \`myFedIdentityabc123\` — ${CREDENTIAL_ADDRESS}`,
    ]);
    expect(section(text, "Changes").slice(0, 4)).toEqual([...TABLE_HEAD, `| create | ${CREDENTIAL_ADDRESS} | \`myFedIdentityabc123\` |  |  |`, `| create | \`${VAULT}\` | \`kv-workload-idabc123\` |  |  |`]);
    expect(reviewPlan(plan).counts).toEqual({ create: 13, update: 0, replace: 0, destroy: 0, forget: 0, import: 0, move: 0, read: 0, deferred: 0 });
  });

  test("(a) creating with a random suffix: names as configured, a grant on one secret", () => {
    const text = markdown(fixture("create-random-suffix"));
    expect(section(text, "Risks")).toEqual(["No risks found."]);
    expect(section(text, "Access changes")).toEqual([
      `- create: the deploying principal → \`Key Vault Secrets Officer\` → key vault \`kv-workload-id\${random_id.Suffix.hex}\` — ${DEPLOYER_GRANT_ADDRESS}`,
      "- create: managed identity `id-team-a-${random_id.Suffix.hex}` (`ServicePrincipal`) → `Key Vault Secrets User` → secret `my-secret${random_id.Suffix.hex}` in key vault `kv-workload-id${random_id.Suffix.hex}` — `azurerm_role_assignment.KeyVault_SecretUser-id-team-a-suffix-my-secretsuffix_85A813B6`",
    ]);
    expect(section(text, "Federated credentials")).toEqual([
      "- create: managed identity `id-team-a-${random_id.Suffix.hex}` ← OIDC issuer of cluster `myAKSCluster${random_id.Suffix.hex}` + `system:serviceaccount:team-a:app`, credential `fic-team-a-app` — `azurerm_federated_identity_credential.Identities_id-team-a-suffix_Credential-fic-team-a-app_4976F35A`",
    ]);
  });

  test("(b) moving a workload to another namespace: the credential's subject changes, and pods under the old one lose access", () => {
    const text = markdown(fixture("namespace-changed"));
    expect(section(text, "Risks")).toEqual([
      "- **Federated credential changed.** Credential `myFedIdentityabc123` of managed identity `myIdentityabc123` changes its subject from `system:serviceaccount:default:workload-identity-saabc123` to `system:serviceaccount:apps:workload-identity-saabc123`: pods running as `system:serviceaccount:default:workload-identity-saabc123` lose access to Azure.",
    ]);
    expect(section(text, "Access changes")).toEqual(NO_ACCESS_CHANGES);
    expect(section(text, "Federated credentials")).toEqual([
      `- update: managed identity \`myIdentityabc123\` ← OIDC issuer of cluster \`myAKSClusterabc123\` + \`system:serviceaccount:apps:workload-identity-saabc123\`, credential \`myFedIdentityabc123\` (was: managed identity \`myIdentityabc123\` ← OIDC issuer of cluster \`myAKSClusterabc123\` + \`system:serviceaccount:default:workload-identity-saabc123\`) — ${CREDENTIAL_ADDRESS}`,
    ]);
    expect(header(text)).toEqual(["Terraform `1.11.4`", "Plan: 2 to create, 1 to update, 1 to replace, 1 to destroy."]);
    expect(section(text, "Changes")).toEqual([
      ...TABLE_HEAD,
      "| create | `kubernetes_namespace_v1.Namespaces_apps_AB96E845` | `apps` |  |  |",
      "| create | `kubernetes_service_account_v1.ServiceAccounts_apps_workload-identity-sasuffix_AFB83E8D` | `workload-identity-saabc123` |  |  |",
      `| update | ${CREDENTIAL_ADDRESS} | \`myFedIdentityabc123\` | \`subject\` |  |`,
      "| replace | `kubernetes_pod_v1.VerificationPod_48C43655` | `sample-workload-identity-key-vault` | `id` (forces replacement), `metadata` (forces replacement) | destroy, then create; cannot be updated in place |",
      "| destroy | `kubernetes_service_account_v1.ServiceAccounts_default_workload-identity-sasuffix_7060CFDA` | `workload-identity-saabc123` |  | not in the configuration |",
    ]);
  });

  test("(c) disabling workload identity is a risk; the OIDC issuer stays", () => {
    const text = markdown(fixture("workload-identity-disabled"));
    expect(section(text, "Risks")).toEqual([
      "- **Workload identity disabled.** Cluster `myAKSClusterabc123` turns workload identity off (`workload_identity_enabled` true → false): the webhook stops injecting tokens, so pods relying on federated credentials lose access to Azure.",
    ]);
    expect(section(text, "Access changes")).toEqual(NO_ACCESS_CHANGES);
    expect(section(text, "Federated credentials")).toEqual(NO_FEDERATION_CHANGES);
    expect(section(text, "Changes")).toContain(`| update | \`${CLUSTER}\` | \`myAKSClusterabc123\` | \`workload_identity_enabled\` |  |`);
  });

  test("(d) renaming the vault replaces it, keeps the old name reserved, and moves both grants", () => {
    const text = markdown(fixture("vault-renamed"));
    expect(section(text, "Risks")).toEqual([
      "- **Key vault replaced.** Key vault `kv-workload-idabc123` is replaced by `kv-renamedabc123`: the old vault is deleted with its secrets, and purge protection keeps its name reserved for up to 90 days, so `kv-workload-idabc123` cannot be reused until then.",
    ]);
    expect(section(text, "Access changes")).toEqual([
      `- replace: the deploying principal → \`Key Vault Secrets Officer\` → key vault \`kv-renamedabc123\`, was the deploying principal → \`Key Vault Secrets Officer\` → key vault \`kv-workload-idabc123\` — ${DEPLOYER_GRANT_ADDRESS}`,
      `- replace: managed identity \`myIdentityabc123\` (\`ServicePrincipal\`) → \`Key Vault Secrets User\` → key vault \`kv-renamedabc123\`, was managed identity \`myIdentityabc123\` (\`ServicePrincipal\`) → \`Key Vault Secrets User\` → key vault \`kv-workload-idabc123\` — ${USER_GRANT_ADDRESS}`,
    ]);
    expect(section(text, "Federated credentials")).toEqual(NO_FEDERATION_CHANGES);
    expect(header(text)[1]).toBe("Plan: 0 to create, 1 to update, 6 to replace, 0 to destroy.");
    const changes = section(text, "Changes");
    expect(changes).toContain(`| replace | \`${VAULT}\` | \`kv-renamedabc123\` (was \`kv-workload-idabc123\`) | \`id\` (forces replacement), \`name\` (forces replacement) | destroy, then create; cannot be updated in place |`);
    expect(changes).toContain(`| replace | \`${OFFICER}\` |  | \`id\` (forces replacement), \`scope\` (forces replacement) | destroy, then create; cannot be updated in place |`);
    expect(changes).toContain("| replace | `kubernetes_pod_v1.VerificationPod_48C43655` | `sample-workload-identity-key-vault` |  | destroy, then create; `replace_triggered_by` |");
  });

  test("(e) destroying the stack: vault, cluster and credential risks, every grant and federation removed", () => {
    const plan = fixture("destroy");
    const text = markdown(plan);
    expect(section(text, "Risks")).toEqual([
      "- **Key vault destroyed.** Key vault `kv-workload-idabc123` is deleted with its secrets; purge protection keeps its name reserved for up to 90 days, so `kv-workload-idabc123` cannot be reused until then.",
      "- **Cluster destroyed.** Cluster `myAKSClusterabc123` is deleted with every workload on it.",
      "- **Federated credential destroyed.** Credential `myFedIdentityabc123` of managed identity `myIdentityabc123` is deleted: pods running as `system:serviceaccount:default:workload-identity-saabc123` lose access to Azure.",
    ]);
    expect(section(text, "Access changes")).toEqual([
      `- destroy: the deploying principal → \`Key Vault Secrets Officer\` → key vault \`kv-workload-idabc123\` — ${DEPLOYER_GRANT_ADDRESS}`,
      `- destroy: managed identity \`myIdentityabc123\` (\`ServicePrincipal\`) → \`Key Vault Secrets User\` → key vault \`kv-workload-idabc123\` — ${USER_GRANT_ADDRESS}`,
    ]);
    expect(section(text, "Federated credentials")).toEqual([
      `- destroy: managed identity \`myIdentityabc123\` ← OIDC issuer of cluster \`myAKSClusterabc123\` + \`system:serviceaccount:default:workload-identity-saabc123\`, credential \`myFedIdentityabc123\` — ${CREDENTIAL_ADDRESS}`,
    ]);
    expect(reviewPlan(plan).counts).toMatchObject({ create: 0, update: 0, replace: 0, destroy: 13 });
  });

  test("a new secret version rewrites the secret", () => {
    const text = markdown(fixture("secret-version-bumped"));
    expect(section(text, "Risks")).toEqual([
      "- **Secret rewritten.** Secret `my-secretabc123` in key vault `kv-workload-idabc123` is written again (`value_wo_version` 1 → 2): its value becomes the one supplied to this apply, and workloads read that from then on.",
    ]);
    expect(section(text, "Changes")).toEqual([...TABLE_HEAD, `| update | \`${SECRET}\` | \`my-secretabc123\` | \`value_wo_version\` |  |`]);
    expect(section(text, "Access changes")).toEqual(NO_ACCESS_CHANGES);
  });

  test("risks come before everything else, and the review is the same whatever the order of the plan", () => {
    const plan = fixture("destroy");
    const text = markdown(plan);
    expect(text.indexOf("### Risks")).toBeLessThan(text.indexOf("### Access changes"));
    expect(text.indexOf("### Access changes")).toBeLessThan(text.indexOf("### Changes"));
    plan.resource_changes?.reverse();
    expect(markdown(plan)).toBe(text);
  });

  test("names the commit and links the run when given them", () => {
    const text = markdown(fixture("create-all"), { commit: "0123456789abcdef0123456789abcdef01234567", runUrl: "https://github.com/o/r/actions/runs/7" });
    expect(header(text)[0]).toBe("Commit `0123456789abcdef0123456789abcdef01234567` · [workflow run](https://github.com/o/r/actions/runs/7) · Terraform `1.11.4`");
  });
});

describe("risks from edited real plans", () => {
  test("a replaced cluster, which also turns workload identity off", () => {
    const plan = fixture("workload-identity-disabled");
    const cluster = resource(plan, CLUSTER);
    cluster.change.actions = ["delete", "create"];
    cluster.change.replace_paths = [["location"]];
    expect(section(markdown(plan), "Risks")).toEqual([
      "- **Cluster replaced.** Cluster `myAKSClusterabc123` is deleted and created again: every workload on it is lost, and its OIDC issuer URL changes, so federated credentials trusting the old one stop working.",
      "- **Workload identity disabled.** Cluster `myAKSClusterabc123` turns workload identity off (`workload_identity_enabled` true → false): the webhook stops injecting tokens, so pods relying on federated credentials lose access to Azure.",
    ]);
  });

  test("the OIDC issuer switched off, or to a URL known only at apply", () => {
    const plan = fixture("workload-identity-disabled");
    const cluster = resource(plan, CLUSTER);
    cluster.change.after.workload_identity_enabled = true;
    cluster.change.after.oidc_issuer_enabled = false;
    expect(section(markdown(plan), "Risks")).toEqual([
      "- **OIDC issuer switched.** Cluster `myAKSClusterabc123` changes its OIDC issuer (`oidc_issuer_enabled` true → false): federated credentials trusting the old issuer stop working.",
    ]);
    delete cluster.change.after.oidc_issuer_url;
    cluster.change.after_unknown.oidc_issuer_url = true;
    expect(section(markdown(plan), "Risks")).toEqual([
      `- **OIDC issuer switched.** Cluster \`myAKSClusterabc123\` changes its OIDC issuer (\`oidc_issuer_enabled\` true → false, issuer URL \`${ISSUER_URL}\` → known after apply): federated credentials trusting the old issuer stop working.`,
    ]);
  });

  test("a credential whose subject changes in place", () => {
    const plan = fixture("destroy");
    plan.resource_changes?.forEach((rc) => ((rc as AnyChange).change.actions = ["no-op"]));
    const credential = resource(plan, CREDENTIAL);
    credential.change.actions = ["update"];
    credential.change.after = { ...credential.change.before, subject: "system:serviceaccount:apps:workload-identity-saabc123" };
    const text = markdown(plan);
    expect(section(text, "Risks")).toEqual([
      "- **Federated credential changed.** Credential `myFedIdentityabc123` of managed identity `myIdentityabc123` changes its subject from `system:serviceaccount:default:workload-identity-saabc123` to `system:serviceaccount:apps:workload-identity-saabc123`: pods running as `system:serviceaccount:default:workload-identity-saabc123` lose access to Azure.",
    ]);
    expect(section(text, "Federated credentials")).toEqual([
      "- update: managed identity `myIdentityabc123` ← OIDC issuer of cluster `myAKSClusterabc123` + `system:serviceaccount:apps:workload-identity-saabc123`, credential `myFedIdentityabc123` (was: managed identity `myIdentityabc123` ← OIDC issuer of cluster `myAKSClusterabc123` + `system:serviceaccount:default:workload-identity-saabc123`) — `azurerm_federated_identity_credential.Identities_myidentitysuffix_Credential-myfedidentitysuffix_12EE3A9E`",
    ]);
  });

  test("a credential whose issuer becomes known only at apply, and a replaced credential", () => {
    const plan = fixture("destroy");
    plan.resource_changes?.forEach((rc) => ((rc as AnyChange).change.actions = ["no-op"]));
    const credential = resource(plan, CREDENTIAL);
    credential.change.actions = ["update"];
    credential.change.after = { ...credential.change.before, issuer: undefined };
    credential.change.after_unknown = { issuer: true };
    expect(section(markdown(plan), "Risks")).toEqual([
      `- **Federated credential changed.** Credential \`myFedIdentityabc123\` of managed identity \`myIdentityabc123\` changes its issuer from \`${ISSUER_URL}\` to a value known after apply: pods running as \`system:serviceaccount:default:workload-identity-saabc123\` lose access to Azure.`,
    ]);
    credential.change.actions = ["create", "delete"];
    expect(section(markdown(plan), "Risks")).toEqual([
      "- **Federated credential replaced.** Credential `myFedIdentityabc123` of managed identity `myIdentityabc123` is deleted and created again: pods running as `system:serviceaccount:default:workload-identity-saabc123` lose access to Azure until the new one has propagated.",
    ]);
  });

  test("a vault replaced under the same name, with a known retention and without purge protection", () => {
    const plan = fixture("vault-renamed");
    const vault = resource(plan, VAULT);
    vault.change.after.name = vault.change.before.name;
    vault.change.before.soft_delete_retention_days = 7;
    expect(section(markdown(plan), "Risks")).toEqual([
      "- **Key vault replaced.** Key vault `kv-workload-idabc123` is deleted and created again under the same name, but purge protection keeps the deleted vault and its name for up to 7 days: the create recovers it or fails.",
    ]);
    vault.change.before.purge_protection_enabled = false;
    vault.change.actions = ["delete"];
    expect(section(markdown(plan), "Risks")).toEqual([
      "- **Key vault destroyed.** Key vault `kv-workload-idabc123` is deleted with its secrets; soft delete keeps its name reserved for up to 7 days, so `kv-workload-idabc123` cannot be reused until then.",
    ]);
  });

  test("a plan without changes has no risks and says so", () => {
    const plan = fixture("destroy");
    plan.resource_changes?.forEach((rc) => ((rc as AnyChange).change.actions = ["no-op"]));
    const text = markdown(plan);
    expect(section(text, "Risks")).toEqual(["No risks found."]);
    expect(section(text, "Changes")).toEqual(["No resources change."]);
    expect(header(text)[1]).toBe("Plan: 0 to create, 0 to update, 0 to replace, 0 to destroy.");
    expect(section(text, "Access changes")).toEqual(NO_ACCESS_CHANGES);
    expect(section(text, "Federated credentials")).toEqual(NO_FEDERATION_CHANGES);
  });
});

describe("naming principals, scopes, identities, issuers and subjects", () => {
  test("says so when a value is known only after apply and no reference names it", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        {
          address: "azurerm_role_assignment.Loose",
          mode: "managed",
          type: "azurerm_role_assignment",
          name: "Loose",
          change: { actions: ["create"], before: null, after: { role_definition_name: "Reader" }, after_unknown: { principal_id: true, scope: true } },
        },
        {
          address: "azurerm_federated_identity_credential.Loose",
          mode: "managed",
          type: "azurerm_federated_identity_credential",
          name: "Loose",
          change: { actions: ["create"], before: null, after: { name: "fic" }, after_unknown: { parent_id: true, issuer: true, subject: true } },
        },
      ],
    };
    const text = markdown(plan);
    expect(section(text, "Access changes")).toEqual(["- create: a principal known after apply → `Reader` → a scope known after apply — `azurerm_role_assignment.Loose`"]);
    expect(section(text, "Federated credentials")).toEqual([
      "- create: an identity known after apply ← an issuer known after apply + a subject known after apply, credential `fic` — `azurerm_federated_identity_credential.Loose`",
    ]);
  });

  test("names what Azure resource ids and Key Vault URLs point at", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        ["Secret", "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-team/secrets/db-password"],
        ["Url", "https://kv-team.vault.azure.net/secrets/api-key"],
        ["Group", "/subscriptions/0000/resourceGroups/rg-team"],
        ["Cluster", "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-team"],
      ].map(([name, scope]) => ({
        address: `azurerm_role_assignment.${name}`,
        type: "azurerm_role_assignment",
        name,
        change: {
          actions: ["delete"],
          before: { principal_id: "11111111-2222-3333-4444-555555555555", role_definition_id: "/providers/Microsoft.Authorization/roleDefinitions/4633458b", scope },
          after: null,
        },
      })),
    };
    expect(section(markdown(plan), "Access changes")).toEqual([
      "- destroy: principal `11111111-2222-3333-4444-555555555555` → role `4633458b` → cluster `aks-team` — `azurerm_role_assignment.Cluster`",
      "- destroy: principal `11111111-2222-3333-4444-555555555555` → role `4633458b` → resource group `rg-team` — `azurerm_role_assignment.Group`",
      "- destroy: principal `11111111-2222-3333-4444-555555555555` → role `4633458b` → secret `db-password` in key vault `kv-team` — `azurerm_role_assignment.Secret`",
      "- destroy: principal `11111111-2222-3333-4444-555555555555` → role `4633458b` → secret `api-key` in key vault `kv-team` — `azurerm_role_assignment.Url`",
    ]);
  });

  test("derives a subject known only at apply from the service account it refers to", () => {
    const plan = fixture("create-all");
    const credential = resource(plan, CREDENTIAL);
    delete credential.change.after.subject;
    credential.change.after_unknown.subject = true;
    const expected = [
      "- create: managed identity `myIdentityabc123` ← OIDC issuer of cluster `myAKSClusterabc123` + `system:serviceaccount:default:workload-identity-saabc123`, credential `myFedIdentityabc123` — `azurerm_federated_identity_credential.Identities_myidentitysuffix_Credential-myfedidentitysuffix_12EE3A9E`",
    ];
    expect(section(markdown(plan), "Federated credentials")).toEqual(expected);

    const config = plan.configuration?.root_module?.resources?.find((r) => r.address === CREDENTIAL) as { expressions: Record<string, unknown> };
    delete config.expressions.subject;
    expect(section(markdown(plan), "Federated credentials")).toEqual([expected[0].replace("`system:serviceaccount:default:workload-identity-saabc123`", "a subject known after apply")]);
  });

  test("names the issuer of a looked-up cluster from the configuration", () => {
    const plan = fixture("create-all");
    const config = plan.configuration?.root_module?.resources as { address: string; type: string; name: string; mode?: string; expressions: Record<string, unknown> }[];
    config.find((r) => r.address === CREDENTIAL)!.expressions.issuer = {
      references: ["data.azurerm_kubernetes_cluster.Cluster.oidc_issuer_url", "data.azurerm_kubernetes_cluster.Cluster"],
    };
    config.push({ address: "data.azurerm_kubernetes_cluster.Cluster", mode: "data", type: "azurerm_kubernetes_cluster", name: "Cluster", expressions: { name: { constant_value: "aks-platform" } } });
    expect(section(markdown(plan), "Federated credentials")).toEqual([
      "- create: managed identity `myIdentityabc123` ← OIDC issuer of cluster `aks-platform` + `system:serviceaccount:default:workload-identity-saabc123`, credential `myFedIdentityabc123` — `azurerm_federated_identity_credential.Identities_myidentitysuffix_Credential-myfedidentitysuffix_12EE3A9E`",
    ]);
  });
});

describe("text from the plan is shown as text", () => {
  // Whoever opens the pull request writes these names; the review is a comment GitHub renders.
  function grant(name: string, role: string, principal: string, scope: string) {
    return {
      address: `azurerm_role_assignment.${name}`,
      type: "azurerm_role_assignment",
      name,
      change: { actions: ["create"], before: null, after: { principal_id: principal, role_definition_name: role, scope } },
    };
  }

  test("a role name that opens an HTML comment or a fence hides no later grant", () => {
    const text = markdown({
      format_version: "1.2",
      resource_changes: [
        grant("A", "Reader\n<!--", "p-1", "/subscriptions/0000/resourceGroups/rg"),
        grant("B", "Reader\n~~~", "p-2", "/subscriptions/0000/resourceGroups/rg"),
        grant("C", "Owner", "p-3", "/subscriptions/0000"),
      ],
    });
    expect(section(text, "Access changes")).toEqual([
      "- create: principal `p-1` → `Reader\\n<!--` → resource group `rg` — `azurerm_role_assignment.A`",
      "- create: principal `p-2` → `Reader\\n~~~` → resource group `rg` — `azurerm_role_assignment.B`",
      "- create: principal `p-3` → `Owner` → subscription `0000` — `azurerm_role_assignment.C`",
    ]);
    // The Owner grant at subscription scope is the one risk.
    expect(text.split("\n").filter((line) => line.startsWith("### "))).toEqual(["### Risks (1)", "### Access changes (3)", "### Federated credentials (0)", "### Changes (3)"]);
  });

  test("backticks, HTML, mentions and pipes stay inside their code spans and cells", () => {
    const text = markdown({
      format_version: "1.2",
      resource_changes: [
        grant("A", "x``@someone #1 <img src=x>``", "`p`", "<details>"),
        {
          address: "azurerm_user_assigned_identity.Id",
          type: "azurerm_user_assigned_identity",
          name: "Id",
          change: { actions: ["create"], before: null, after: { name: "a|b\n<!--" } },
        },
        {
          address: "azurerm_federated_identity_credential.C",
          type: "azurerm_federated_identity_credential",
          name: "C",
          change: { actions: ["create"], before: null, after: { name: "c", parent_id: "p", issuer: "https://e.invalid/ ``", subject: "system:serviceaccount:x\n<!--" } },
        },
      ],
    });
    expect(section(text, "Access changes")).toEqual(["- create: principal `` `p` `` → ``` x``@someone #1 <img src=x>`` ``` → scope `<details>` — `azurerm_role_assignment.A`"]);
    expect(section(text, "Changes")).toContain("| create | `azurerm_user_assigned_identity.Id` | `a\\|b\\n<!--` |  |  |");
    expect(section(text, "Federated credentials")).toEqual([
      "- create: identity `p` ← ``` https://e.invalid/ `` ``` + `system:serviceaccount:x\\n<!--`, credential `c` — `azurerm_federated_identity_credential.C`",
    ]);
  });
});

describe("sensitive values", () => {
  const MARKER = "MARKER-7f3a9c-sensitive";

  /** Puts the marker wherever a plan may hold something secret, marked sensitive or not. */
  function withMarkers(name: string): Mutable<PlanJson> {
    const plan = fixture(name);
    for (const rc of plan.resource_changes as AnyChange[]) {
      const { change } = rc;
      for (const side of ["before", "after"] as const) {
        const values = change[side];
        if (!values) continue;
        const marks = (change[`${side}_sensitive`] ??= {});
        if (marks === true || marks === false) continue;
        if (rc.type === "azurerm_key_vault_secret") Object.assign(values, { value: MARKER, value_wo: MARKER });
        if (rc.type === "azurerm_kubernetes_cluster") {
          // The review must not print credentials even from a plan that forgot to mark them sensitive.
          values.kube_config = [{ client_key: MARKER, password: MARKER, host: MARKER }];
          values.kube_config_raw = MARKER;
        }
        const sensitive: Record<string, string[]> = {
          azurerm_role_assignment: ["principal_id", "scope"],
          azurerm_federated_identity_credential: ["subject", "issuer"],
          azurerm_user_assigned_identity: ["name"],
        };
        for (const attribute of sensitive[rc.type] ?? []) {
          values[attribute] = MARKER;
          marks[attribute] = true;
        }
        if (rc.type === "kubernetes_service_account_v1") {
          values.metadata = [{ name: MARKER, namespace: MARKER }];
          change[`${side}_sensitive`] = true;
        }
      }
    }
    for (const resource of plan.configuration?.root_module?.resources ?? []) {
      const expressions = (resource as { expressions: Record<string, unknown> }).expressions;
      if (resource.type === "azurerm_key_vault_secret") Object.assign(expressions, { value: { constant_value: MARKER }, value_wo: { constant_value: MARKER } });
    }
    return plan;
  }

  test.each(["create-all", "namespace-changed", "vault-renamed", "secret-version-bumped", "destroy"])(
    "never prints a sensitive value, a secret value or cluster credentials (%s)",
    (name) => {
      const plan = withMarkers(name);
      expect(JSON.stringify(plan)).toContain(MARKER);
      const text = markdown(plan);
      expect(text).not.toContain(MARKER);
      expect(JSON.stringify(reviewPlan(plan))).not.toContain(MARKER);
    },
  );

  test("says what is sensitive instead", () => {
    const text = markdown(withMarkers("create-all"));
    expect(section(text, "Access changes")).toEqual([
      "- create: a sensitive principal → `Key Vault Secrets Officer` → a sensitive scope — `azurerm_role_assignment.KeyVault_DeployerSecretsOfficer_36077D00`",
      // The stack declares the principal's type, which is not sensitive.
      `- create: a sensitive principal (\`ServicePrincipal\`) → \`Key Vault Secrets User\` → a sensitive scope — ${USER_GRANT_ADDRESS}`,
    ]);
    expect(section(text, "Federated credentials")).toEqual([
      `- create: managed identity \`azurerm_user_assigned_identity.Identities_myidentitysuffix_Identity_FEAB3A16\` ← a sensitive issuer + a sensitive subject, credential \`myFedIdentityabc123\` — ${CREDENTIAL_ADDRESS}`,
    ]);
  });
});

describe("input that is not a plan", () => {
  test.each([
    ["null", null, "not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)"],
    ["an array", [], "not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)"],
    ["state", { format_version: "1.0", values: {} }, "not a plan (no resource_changes or planned_values): run `terraform show -json <planfile>`, not on the state"],
    ["a broken change", { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a" }] }, "not a valid plan: resource_changes[0].change: expected an object, got nothing"],
    ["changes that are not a list", { format_version: "1.2", planned_values: {}, resource_changes: {} }, "not a valid plan: resource_changes: expected a list, got an object"],
    ["a format of another major version", { format_version: "2.0", planned_values: {} }, "not a format this review reads: format_version \"2.0\" is not 1.x, which Terraform 1.0 and later write (run `terraform show -json <planfile>` with Terraform 1.x)"],
  ])("fails on %s", (_, input, message) => {
    expect(() => reviewPlan(input)).toThrow(new PlanFormatError(message));
  });
});

describe("runPlanReview (the CLI)", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  function scratch(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-"));
    dirs.push(dir);
    return dir;
  }

  function run(argv: string[], files: Record<string, string> = {}) {
    const out = { stdout: "", stderr: "", written: {} as Record<string, string> };
    const status = runPlanReview(argv, {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      readFile: (file) => {
        if (file in files) return files[file];
        return fs.readFileSync(file, "utf8");
      },
      writeFile: (file, text) => (out.written[file] = text),
    });
    return { status, ...out };
  }

  const risky = path.join(FIXTURES, "destroy.json");
  const safe = path.join(FIXTURES, "create-all.json");

  test("prints the review to stdout", () => {
    const result = run([safe]);
    expect(result).toMatchObject({ status: EXIT_OK, stderr: "" });
    expect(result.stdout).toBe(markdown(fixture("create-all")));
  });

  test("writes the review to --out FILE, or --out=FILE", () => {
    for (const argv of [["--out", "review.md", risky], [`--out=review.md`, risky]]) {
      const result = run(argv);
      expect(result).toMatchObject({ status: EXIT_OK, stdout: "", stderr: "" });
      expect(result.written["review.md"]).toBe(markdown(fixture("destroy")));
    }
  });

  test("--fail-on-risk exits 2 when there are risks, after writing the review", () => {
    const result = run(["--fail-on-risk", "--out", "review.md", risky]);
    expect(result.status).toBe(EXIT_RISK);
    expect(result.stderr).toBe(`plan-review: 3 risks in ${risky} (--fail-on-risk)\n`);
    expect(result.written["review.md"]).toContain("### Risks (3)");
    expect(run(["--fail-on-risk", safe])).toMatchObject({ status: EXIT_OK, stderr: "" });
    expect(run([risky]).status).toBe(EXIT_OK);
  });

  test("prints the usage for --help", () => {
    expect(run(["--help"])).toEqual({ status: EXIT_OK, stdout: helpText(planReviewCommand.spec), stderr: "", written: {} });
  });

  test("reads standard input for -", () => {
    const result = run(["-"], { "-": fs.readFileSync(safe, "utf8") });
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toContain("Plan: 13 to create");
  });

  test.each([
    ["a missing file", (dir: string) => [path.join(dir, "missing.json")], (dir: string) => `plan-review: cannot read ${path.join(dir, "missing.json")}: no such file\n`],
    ["a directory", (dir: string) => [dir], (dir: string) => `plan-review: cannot read ${dir}: it is a directory\n`],
    ["a missing file whose name breaks the line", (dir: string) => [path.join(dir, "a\nb.json")], (dir: string) => `plan-review: cannot read ${path.join(dir, "a\\nb.json")}: no such file\n`],
    [
      "a state, not a plan",
      (dir: string) => [write(dir, "state.json", '{"format_version":"1.0","values":{}}')],
      (dir: string) => `plan-review: ${path.join(dir, "state.json")} is not a plan (no resource_changes or planned_values): run \`terraform show -json <planfile>\`, not on the state\n`,
    ],
  ])("fails with one line for %s, exit 1", (_, argv, message) => {
    const dir = scratch();
    const result = run(argv(dir));
    expect(result).toEqual({ status: EXIT_ERROR, stdout: "", stderr: message(dir), written: {} });
  });

  test.each([
    ["no file", () => [], "plan-review: no plan file given; name the JSON of `terraform show -json <planfile>`, or - for stdin\n"],
    ["two files", () => [safe, risky], `plan-review: unexpected argument ${JSON.stringify(risky)}; give at most one plan file\n`],
    ["an unknown option", () => ["--fail-on-risks", safe], "plan-review: unknown option --fail-on-risks; did you mean --fail-on-risk? (npm run plan-review -- --help)\n"],
    ["--out without a file", () => [safe, "--out"], "plan-review: --out needs a value: --out FILE\n"],
    ["one output named twice, spelt two ways", () => ["--out", "review.md", "--full-out", "./review.md", safe], "plan-review: --out, --summary-out and --full-out must name different files\n"],
  ])("fails with one line for %s, exit 2 (usage)", (_, argv, message) => {
    expect(run(argv())).toEqual({ status: EXIT_USAGE, stdout: "", stderr: message, written: {} });
  });

  test("fails with one line for a file that is not JSON, exit 1", () => {
    const file = write(scratch(), "plan.json", "Terraform used the selected providers to generate the following execution plan");
    const result = run([file]);
    expect(result.status).toBe(EXIT_ERROR);
    expect(result.stderr).toMatch(new RegExp(`^plan-review: ${escape(file)} is not JSON \\(.+\\); give it the output of \`terraform show -json <planfile>\`\\n$`));
  });

  test("fails with one line when --out cannot be written", () => {
    const out = path.join(scratch(), "no", "such", "dir.md");
    let stderr = "";
    const status = runPlanReview(["--out", out, safe], { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } });
    expect(status).toBe(EXIT_ERROR);
    expect(stderr).toBe(`plan-review: cannot write ${out}: no such file\n`);
  });

  function write(dir: string, name: string, text: string): string {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  }

  function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
});

describe("scripts/plan-review.ts as a process", () => {
  let dir: string;
  let cli: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-cli-"));
    cli = builtCommand("plan-review");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("exits 1 with one line and no stack trace for a missing file", () => {
    const result = spawnSync(process.execPath, [cli, "missing.json"], { cwd: dir, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("plan-review: cannot read missing.json: no such file\n");
  });

  test("exits 3 with --fail-on-risk, and stays quiet when the reader closes the pipe", () => {
    expect(spawnSync(process.execPath, [cli, "--fail-on-risk", path.join(FIXTURES, "destroy.json")], { encoding: "utf8" }).status).toBe(3);
    const piped = spawnSync("bash", ["-c", `"${process.execPath}" "${cli}" "${path.join(FIXTURES, "destroy.json")}" | true; exit \${PIPESTATUS[0]}`], {
      encoding: "utf8",
    });
    expect(piped.stderr).toBe("");
    expect(piped.status).toBe(0);
  });
});
