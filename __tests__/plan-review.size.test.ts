import { reviewPlan } from "../lib/review/plan-review";
import { COMMENT_LIMIT, renderPlanReview, SUMMARY_LIMIT } from "../lib/review/render-plan-review";
import { AnyChange, fixture, Mutable, section } from "./plan-review-fixtures";
import { PlanJson } from "../lib/review/plan-review";

// The review of a plan of 5,000 workloads, made from the shapes of the real create-all plan: each
// workload's identity, service account, federated credential and "Key Vault Secrets User" grant,
// with its own names and addresses; plus three risks (an Owner grant by id, a destroyed credential,
// a forgotten vault). Planning 20,000 resources with the stand-ins would take minutes; these are the
// resources and expressions such a plan has, copied.

const WORKLOADS = 5000;
const OWNER_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

function bigPlan(): Mutable<PlanJson> {
  const plan = fixture("create-all");
  const isWorkload = (address: string) => /Identities_myidentitysuffix|SecretsUser-myidentitysuffix|ServiceAccounts_default_workload-identity-sasuffix/.test(address);
  const changes = JSON.stringify(plan.resource_changes!.filter((rc) => isWorkload(rc.address)));
  const config = JSON.stringify(plan.configuration!.root_module!.resources!.filter((r) => isWorkload(r.address)));
  const workload = (text: string, i: number) =>
    text
      .replace(/Identities_myidentitysuffix/g, `Identities_w${i}`)
      .replace(/myfedidentitysuffix/g, `fic${i}`)
      .replace(/SecretsUser-myidentitysuffix/g, `SecretsUser-w${i}`)
      .replace(/ServiceAccounts_default_workload-identity-sasuffix/g, `ServiceAccounts_default_sa${i}`)
      .replace(/myFedIdentityabc123/g, `myFedIdentity${i}`)
      .replace(/myIdentityabc123/g, `myIdentity${i}`)
      .replace(/workload-identity-saabc123/g, `sa-${i}`);
  for (let i = 1; i < WORKLOADS; i++) {
    plan.resource_changes!.push(...JSON.parse(workload(changes, i)));
    (plan.configuration!.root_module!.resources as unknown[]).push(...JSON.parse(workload(config, i)));
  }
  const grant = plan.resource_changes!.find((rc) => rc.address.startsWith("azurerm_role_assignment.KeyVault_SecretsUser-w42_")) as AnyChange;
  const owner = JSON.parse(JSON.stringify(grant)) as AnyChange;
  owner.address = "azurerm_role_assignment.Owner";
  owner.name = "Owner";
  owner.change.after = { role_definition_id: OWNER_ID, scope: "/subscriptions/00000000-0000-0000-0000-000000000000", principal_type: "ServicePrincipal" };
  delete owner.change.after_unknown.role_definition_id;
  delete owner.change.after_unknown.scope;
  const ownerConfig = JSON.parse(JSON.stringify(plan.configuration!.root_module!.resources!.find((r) => r.address === grant.address)));
  ownerConfig.address = owner.address;
  ownerConfig.name = owner.name;
  const credential = JSON.parse(JSON.stringify(plan.resource_changes!.find((rc) => rc.type === "azurerm_federated_identity_credential"))) as AnyChange;
  credential.address = "azurerm_federated_identity_credential.Legacy";
  credential.change = { ...credential.change, actions: ["delete"], before: {
      ...credential.change.after,
      name: "fic-legacy",
      issuer: "https://issuer.example/legacy/",
      parent_id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-legacy/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-legacy",
      subject: "system:serviceaccount:legacy:app",
    }, after: undefined, after_unknown: {} };
  const vault = JSON.parse(JSON.stringify(plan.resource_changes!.find((rc) => rc.type === "azurerm_key_vault"))) as AnyChange;
  vault.address = "azurerm_key_vault.Legacy";
  vault.change = { ...vault.change, actions: ["forget"], before: { ...vault.change.after, name: "kv-legacy" }, after: undefined, after_unknown: {} };
  plan.resource_changes!.push(owner, credential, vault);
  (plan.configuration!.root_module!.resources as unknown[]).push(ownerConfig);
  return plan;
}

describe(`the review of a ${WORKLOADS}-workload plan`, () => {
  const plan = bigPlan();
  const started = process.hrtime.bigint();
  const review = reviewPlan(plan);
  const comment = renderPlanReview(review, { maxBytes: COMMENT_LIMIT, commit: "0123456789abcdef0123456789abcdef01234567", fullReview: "the full review" });
  const summary = renderPlanReview(review, { maxBytes: SUMMARY_LIMIT, fullReview: "the full review" });
  const full = renderPlanReview(review);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  test("has the plan's size", () => {
    expect(plan.resource_changes).toHaveLength(13 + (WORKLOADS - 1) * 4 + 3);
    expect(review.accessChanges).toHaveLength(WORKLOADS + 2);
    expect(review.federations).toHaveLength(WORKLOADS + 1);
    // The full review is many times what a comment may hold.
    expect(Buffer.byteLength(full)).toBeGreaterThan(20 * COMMENT_LIMIT);
  });

  test("fits a comment, and shows every risk in full", () => {
    expect(Buffer.byteLength(comment)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(section(comment, "Risks")).toEqual(section(full, "Risks"));
    expect(section(comment, "Risks")).toEqual([
      "- **Key vault left unmanaged.** Key vault `kv-legacy` (`azurerm_key_vault.Legacy`) is removed from Terraform's state but not deleted: the vault stays with its secrets and its access in Azure, and no configuration describes it or will remove it.",
      "- **Privileged role granted.** Managed identity `myIdentity42` is granted `Owner` on subscription `00000000-0000-0000-0000-000000000000` (`azurerm_role_assignment.Owner`): it can do anything there, including granting any role to anyone.",
      "- **Federated credential destroyed.** Credential `fic-legacy` of managed identity `id-legacy` is deleted: pods running as `system:serviceaccount:legacy:app` lose access to Azure.",
    ]);
  });

  test("summarizes the access changes by role and action, lists the first ones as the full review does, and counts the rest", () => {
    const lines = section(comment, "Access changes");
    const shown = lines.filter((line) => line.startsWith("- "));
    expect(shown.length).toBeGreaterThan(50);
    expect(shown).toEqual(section(full, "Access changes").slice(0, shown.length));
    expect(lines[0]).toBe(
      `Showing ${shown.length} of ${WORKLOADS + 2}; all are in the full review. By role and action: \`Key Vault Secrets User\` (${WORKLOADS} create), \`Key Vault Secrets Officer\` (1 create), \`Owner\` (1 create).`,
    );
    expect(lines[lines.length - 1]).toBe(`${WORKLOADS + 2 - shown.length} more access changes not shown here: see the full review.`);
  });

  test("summarizes the federated credentials and the table of changes, which do not fit", () => {
    expect(section(comment, "Federated credentials")[0]).toBe(`Showing 0 of ${WORKLOADS + 1}; all are in the full review. By issuer and action: OIDC issuer of cluster \`myAKSClusterabc123\` (${WORKLOADS} create), \`https://issuer.example/legacy/\` (1 destroy).`);
    const changes = section(comment, "Changes");
    expect(changes[0]).toBe(
      "Showing 0 of 20012; all are in the full review. By type and action: `azurerm_role_assignment` (5002 create), `azurerm_federated_identity_credential` (5000 create, 1 destroy), `azurerm_user_assigned_identity` (5000 create), `kubernetes_service_account_v1` (5000 create), `azurerm_key_vault` (1 create, 1 forget), `time_sleep` (2 create), `azurerm_key_vault_secret` (1 create), `azurerm_kubernetes_cluster` (1 create), `azurerm_resource_group` (1 create), `kubernetes_pod_v1` (1 create), `terraform_data` (1 create).",
    );
    expect(changes[changes.length - 1]).toBe("20012 more changes not shown here: see the full review.");
  });

  test("the job summary takes more, within 1 MiB; the full review has every grant with principal, role and scope, and every credential", () => {
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(section(summary, "Access changes").filter((l) => l.startsWith("- ")).length).toBeGreaterThan(section(comment, "Access changes").filter((l) => l.startsWith("- ")).length);
    const grants = section(full, "Access changes");
    expect(grants).toHaveLength(WORKLOADS + 2);
    // What tfplan2md shows of a role assignment, principal, role name and scope, and the address.
    for (const line of grants) expect(line).toMatch(/^- create: .+ → `[^`]+` → (key vault|subscription) `[^`]+` — `azurerm_role_assignment\.[^`]+`$/);
    expect(grants).toContain("- create: managed identity `myIdentity4999` (`ServicePrincipal`) → `Key Vault Secrets User` → key vault `kv-workload-idabc123` — `azurerm_role_assignment.KeyVault_SecretsUser-w4999_E29F046F`");
    const credentials = section(full, "Federated credentials");
    expect(credentials).toHaveLength(WORKLOADS + 1);
    expect(credentials).toContain(
      "- create: managed identity `myIdentity4999` ← OIDC issuer of cluster `myAKSClusterabc123` + `system:serviceaccount:default:sa-4999`, credential `myFedIdentity4999` — `azurerm_federated_identity_credential.Identities_w4999_Credential-fic4999_12EE3A9E`",
    );
  });

  test("is made in seconds, not minutes", () => {
    // Measured at about 1.5 s for the review and its three renderings on the development machine; a quadratic step would take minutes.
    expect(seconds).toBeLessThan(20);
  });
});

describe("cutting a review to a budget", () => {
  const review = reviewPlan(fixture("kinds"));
  const full = renderPlanReview(review);
  /** Which sections a review shows whole, by their headings. */
  const whole = (text: string) =>
    ["Risks", "Access changes", "Federated credentials", "Changes"].filter((title) => !section(text, title).some((line) => line.startsWith("Showing ") || / more .+ not shown here/.test(line)));

  test("cuts the table of changes first, then federated credentials, then access changes, and risks last", () => {
    // Below 4,096 bytes only by calling the renderer: the CLI refuses such a limit, and this plan is small.
    const sizes = [Buffer.byteLength(full), Buffer.byteLength(full) - 1, 3000, 2000];
    expect(sizes.map((maxBytes) => whole(renderPlanReview(review, { maxBytes })))).toEqual([
      ["Risks", "Access changes", "Federated credentials", "Changes"],
      ["Risks", "Access changes", "Federated credentials"],
      // Once access changes are cut, nothing after them gets a line, even one that would fit.
      ["Risks"],
      [],
    ]);
    const risks = section(renderPlanReview(review, { maxBytes: 2000 }), "Risks");
    expect(risks[0]).toMatch(/^Showing [1-3] of 4; all are in the full review/);
    expect(risks[risks.length - 1]).toMatch(/^[1-3] more risks not shown here: see the full review/);
  });

  test("never exceeds the budget, from the smallest allowed to the whole review", () => {
    for (let maxBytes = 2000; maxBytes <= Buffer.byteLength(full) + 10; maxBytes += 37) {
      const text = renderPlanReview(review, { maxBytes });
      expect({ maxBytes, size: Buffer.byteLength(text) <= maxBytes }).toEqual({ maxBytes, size: true });
      // The header and counts are never cut.
      expect(text.split("\n").slice(0, 6)).toEqual(full.split("\n").slice(0, 6));
    }
    expect(renderPlanReview(review, { maxBytes: Buffer.byteLength(full) })).toBe(full);
  });

  test("a cut section keeps its first lines, then counts the rest and says where they are", () => {
    const text = renderPlanReview(review, { maxBytes: 5000, fullReview: "the `plan-review` artifact" });
    const changes = section(text, "Changes");
    expect(changes[0]).toMatch(/^Showing \d+ of 21; all are in the `plan-review` artifact\. By type and action: `azurerm_user_assigned_identity` \(/);
    expect(changes[changes.length - 1]).toMatch(/^\d+ more changes not shown here: see the `plan-review` artifact\.$/);
    const shown = changes.filter((line) => line.startsWith("| "));
    expect(shown.slice(2)).toEqual(section(full, "Changes").slice(2, shown.length));
  });
});
