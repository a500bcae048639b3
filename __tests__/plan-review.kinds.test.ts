import { reviewPlan } from "../lib/review/plan-review";
import { AnyChange, fixture, header, headings, markdown, resource, section } from "./plan-review-fixtures";

// kinds.json: a real plan with every kind of change Terraform 1.11 writes (fixtures/plans/kinds.js
// says what each resource of kinds/changed.tf does); errored.json: a real plan that failed.
const SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000";
const IMPORT_ID = `${SUBSCRIPTION}/resourceGroups/rg-kinds/providers/Microsoft.ManagedIdentity/userAssignedIdentities`;

describe("a real plan of every kind", () => {
  const text = markdown(fixture("kinds"));

  test("the header counts every kind: imports, forgets, moves and data reads too", () => {
    expect(header(text)).toEqual([
      "Terraform `1.11.4`",
      "Plan: 7 to create, 2 to update, 5 to replace, 2 to destroy, 2 to import, 2 to forget (removed from the state, left in Azure), 1 moved, 1 data source read during apply.",
    ]);
    expect(reviewPlan(fixture("kinds")).counts).toEqual({ create: 7, update: 2, replace: 5, destroy: 2, forget: 2, import: 2, move: 1, read: 1, deferred: 0 });
    expect(headings(text)).toEqual([
      "## Terraform plan review",
      "### Risks (4)",
      "### Access changes (9)",
      "### Federated credentials (1)",
      "### Changes (21)",
    ]);
  });

  test("risks: the forgotten Owner grant and purge-protected vault, User Access Administrator by id, a changed subject", () => {
    expect(section(text, "Risks")).toEqual([
      "- **Key vault left unmanaged.** Key vault `kv-kinds-old` (`azurerm_key_vault.old`) is removed from Terraform's state but not deleted: the vault stays with its secrets and its access in Azure, and no configuration describes it or will remove it.",
      "- **Role assignment left unmanaged.** Role assignment `azurerm_role_assignment.owner` (managed identity `id-app` (`ServicePrincipal`) → `Owner` → subscription `00000000-0000-0000-0000-000000000000`) is removed from Terraform's state but not deleted: the grant stays in force in Azure, and no configuration describes it or will remove it.",
      "- **Privileged role granted.** Managed identity `id-new` is granted `User Access Administrator` on resource group `rg-kinds` (`azurerm_role_assignment.uaa`): it can grant any role there, Owner included, to anyone.",
      "- **Federated credential changed.** Credential `fic-app` of managed identity `id-app` changes its subject from `system:serviceaccount:default:app` to `system:serviceaccount:apps:app`: pods running as `system:serviceaccount:default:app` lose access to Azure.",
    ]);
  });

  test("access changes: principals through count, for_each, module calls and outputs; roles by id named; every line with its address", () => {
    expect(section(text, "Access changes")).toEqual([
      // for_each over the module's instances: each.value.principal_id is the module's output, the identity in that instance.
      "- create: managed identity `id-alpha` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `azurerm_role_assignment.team_reader[\"alpha\"]`",
      "- create: managed identity `id-beta` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `azurerm_role_assignment.team_reader[\"beta\"]`",
      // The principal comes from a data source read during apply; the role is given by its id.
      "- create: managed identity `id-new` (`ServicePrincipal`) → `User Access Administrator` → resource group `rg-kinds` — `azurerm_role_assignment.uaa`",
      // In a module instance with for_each: the identity of that instance, the scope through var.scope, roles by id.
      "- create: managed identity `id-beta` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `module.team[\"beta\"].azurerm_role_assignment.this[\"reader\"]`",
      "- create: managed identity `id-beta` (`ServicePrincipal`) → `Key Vault Secrets User` → resource group `rg-kinds` — `module.team[\"beta\"].azurerm_role_assignment.this[\"secrets\"]`",
      "- replace: managed identity `id-alpha` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `module.team[\"alpha\"].azurerm_role_assignment.this[\"reader\"]`",
      "- replace: managed identity `id-alpha` (`ServicePrincipal`) → `Key Vault Secrets User` → resource group `rg-kinds` — `module.team[\"alpha\"].azurerm_role_assignment.this[\"secrets\"]`",
      "- destroy: managed identity `id-worker-10` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `azurerm_role_assignment.worker[10]`",
      "- forget (stays in Azure): managed identity `id-app` (`ServicePrincipal`) → `Owner` → subscription `00000000-0000-0000-0000-000000000000` — `azurerm_role_assignment.owner`",
    ]);
  });

  test("federated credentials: the update, with what it was", () => {
    expect(section(text, "Federated credentials")).toEqual([
      "- update: managed identity `id-app` ← `https://issuer.example/one/` + `system:serviceaccount:apps:app`, credential `fic-app` (was: managed identity `id-app` ← `https://issuer.example/one/` + `system:serviceaccount:default:app`) — `azurerm_federated_identity_credential.app`",
    ]);
  });

  test("changes: import, move, forget, read, both replace orders with their reasons, in natural order", () => {
    expect(section(text, "Changes")).toEqual([
      "| Action | Resource | Name | Changed attributes | Notes |",
      "| --- | --- | --- | --- | --- |",
      '| create | `azurerm_role_assignment.team_reader["alpha"]` |  |  |  |',
      '| create | `azurerm_role_assignment.team_reader["beta"]` |  |  |  |',
      "| create | `azurerm_role_assignment.uaa` |  |  |  |",
      "| create | `azurerm_user_assigned_identity.new` | `id-new` |  |  |",
      '| create | `module.team["beta"].azurerm_role_assignment.this["reader"]` |  |  |  |',
      '| create | `module.team["beta"].azurerm_role_assignment.this["secrets"]` |  |  |  |',
      '| create | `module.team["beta"].azurerm_user_assigned_identity.this` | `id-beta` |  |  |',
      `| import | \`azurerm_user_assigned_identity.imported\` | \`id-imported\` |  | imported from \`${IMPORT_ID}/id-imported\` |`,
      "| update | `azurerm_federated_identity_credential.app` | `fic-app` | `subject` |  |",
      `| update | \`azurerm_user_assigned_identity.adopted\` | \`id-adopted\` | \`tags\` | imported from \`${IMPORT_ID}/id-adopted\` |`,
      "| replace | `azurerm_user_assigned_identity.renamed` | `id-after` (was `id-before`) | `id` (forces replacement), `name` (forces replacement) | create, then destroy; cannot be updated in place |",
      "| replace | `azurerm_user_assigned_identity.tainted` | `id-tainted` |  | destroy, then create; tainted |",
      '| replace | `module.team["alpha"].azurerm_role_assignment.this["reader"]` |  | `id` (forces replacement), `principal_id` (forces replacement) | destroy, then create; cannot be updated in place |',
      '| replace | `module.team["alpha"].azurerm_role_assignment.this["secrets"]` |  | `id` (forces replacement), `principal_id` (forces replacement) | destroy, then create; cannot be updated in place |',
      '| replace | `module.team["alpha"].azurerm_user_assigned_identity.this` | `id-alpha` |  | destroy, then create; replacement requested (`-replace`) |',
      "| destroy | `azurerm_role_assignment.worker[10]` |  |  | index beyond `count` |",
      "| destroy | `azurerm_user_assigned_identity.worker[10]` | `id-worker-10` |  | index beyond `count` |",
      "| forget | `azurerm_key_vault.old` | `kv-kinds-old` |  | removed from the state only: it stays in Azure; not in the configuration |",
      "| forget | `azurerm_role_assignment.owner` |  |  | removed from the state only: it stays in Azure; not in the configuration |",
      "| move | `azurerm_user_assigned_identity.api` | `id-app` |  | moved from `azurerm_user_assigned_identity.app` |",
      "| read | `data.azurerm_user_assigned_identity.lookup` | `id-new` |  | it depends on a change in this plan |",
    ]);
  });

  test("indexes sort as numbers, whatever order the plan lists them in", () => {
    const plan = fixture("kinds");
    const workers = plan.resource_changes!.filter((rc) => rc.address.startsWith("azurerm_user_assigned_identity.worker["));
    expect(workers).toHaveLength(11);
    for (const rc of workers) (rc as AnyChange).change.actions = ["delete"];
    plan.resource_changes!.reverse();
    const destroyed = section(markdown(plan), "Changes").filter((line) => line.includes("azurerm_user_assigned_identity.worker["));
    expect(destroyed.map((line) => /worker\[(\d+)\]/.exec(line)![1])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
  });
});

describe("kinds Terraform writes only in some plans (edited real plans)", () => {
  test("deferred changes and complete: false: counted, listed with the reason, and not applied now", () => {
    const plan = fixture("kinds");
    const moved = plan.resource_changes!.filter((rc) => rc.address === "azurerm_role_assignment.uaa" || rc.address === "azurerm_user_assigned_identity.new");
    plan.resource_changes = plan.resource_changes!.filter((rc) => !moved.includes(rc));
    plan.deferred_changes = [
      { reason: "resource_config_unknown", resource_change: moved[0] },
      { reason: "instance_count_unknown", resource_change: moved[1] },
    ];
    plan.complete = false;
    const text = markdown(plan);
    expect(header(text)).toEqual([
      "Terraform `1.11.4`",
      "**Incomplete plan.** Applying it leaves 2 deferred changes for a later plan (`complete: false`): after this apply, plan and review again.",
      "Plan: 5 to create, 2 to update, 5 to replace, 2 to destroy, 2 to import, 2 to forget (removed from the state, left in Azure), 1 moved, 1 data source read during apply, 2 deferred.",
    ]);
    expect(section(text, "Changes").slice(-2)).toEqual([
      "| create (deferred) | `azurerm_role_assignment.uaa` |  |  | deferred to a later plan: its configuration is known only after apply |",
      "| create (deferred) | `azurerm_user_assigned_identity.new` | `id-new` |  | deferred to a later plan: its `count` or `for_each` is known only after apply |",
    ]);
    // Not applied now, so no access change and no risk from it.
    expect(section(text, "Access changes").join("\n")).not.toContain("azurerm_role_assignment.uaa");
    expect(section(text, "Risks").join("\n")).not.toContain("User Access Administrator");
  });

  test("an update of a role assignment shows before → after, and a privileged role it turns into is a risk", () => {
    const plan = fixture("kinds");
    const grant = resource(plan, "azurerm_role_assignment.worker[3]");
    grant.change.actions = ["update"];
    grant.change.after = { ...grant.change.before, role_definition_id: `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`, role_definition_name: "Owner", scope: SUBSCRIPTION };
    const text = markdown(plan);
    expect(section(text, "Access changes")).toContain(
      "- update: managed identity `id-worker-3` (`ServicePrincipal`) → `Owner` → subscription `00000000-0000-0000-0000-000000000000`, was managed identity `id-worker-3` (`ServicePrincipal`) → `Reader` → resource group `rg-kinds` — `azurerm_role_assignment.worker[3]`",
    );
    expect(section(text, "Risks")).toContain(
      "- **Privileged role granted.** Managed identity `id-worker-3` is granted `Owner` on subscription `00000000-0000-0000-0000-000000000000` (`azurerm_role_assignment.worker[3]`): it can do anything there, including granting any role to anyone.",
    );
  });

  test("a role the plan hides is a risk, and an unknown role id stays a GUID", () => {
    const plan = fixture("kinds");
    const uaa = resource(plan, "azurerm_role_assignment.uaa");
    uaa.change.after_sensitive = { role_definition_id: true };
    expect(section(markdown(plan), "Risks")).toContain(
      "- **Grant of a hidden role.** Managed identity `id-new` is granted a role the plan marks sensitive on resource group `rg-kinds` (`azurerm_role_assignment.uaa`): the review cannot show which, so check the configuration.",
    );
    uaa.change.after_sensitive = {};
    uaa.change.after.role_definition_id = `${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/0b5fe9a8-0a5f-4ea9-9e3f-7a3d1a000000`;
    const text = markdown(plan);
    expect(section(text, "Access changes")).toContain(
      "- create: managed identity `id-new` (`ServicePrincipal`) → role `0b5fe9a8-0a5f-4ea9-9e3f-7a3d1a000000` → resource group `rg-kinds` — `azurerm_role_assignment.uaa`",
    );
    expect(section(text, "Risks").join("\n")).not.toContain("azurerm_role_assignment.uaa");
  });

  test("a change of a sensitive subject is still a risk, and the value is never shown", () => {
    const plan = fixture("kinds");
    const credential = resource(plan, "azurerm_federated_identity_credential.app");
    credential.change.before_sensitive = { subject: true };
    credential.change.after_sensitive = { subject: true };
    const text = markdown(plan);
    expect(section(text, "Risks")).toContain(
      "- **Federated credential changed.** Credential `fic-app` of managed identity `id-app` changes its subject (sensitive, not shown): pods running as a sensitive subject lose access to Azure.",
    );
    expect(text).not.toContain("system:serviceaccount:apps:app");
    expect(text).not.toContain("system:serviceaccount:default:app");
    // An update that leaves the sensitive value as it was is not one.
    credential.change.after.subject = credential.change.before.subject;
    credential.change.after.tags = { team: "a" };
    expect(section(markdown(plan), "Risks").join("\n")).not.toContain("Federated credential changed");
  });

  test("a forgotten cluster and credential are risks; a forgotten identity is not", () => {
    const plan = fixture("namespace-changed");
    for (const rc of plan.resource_changes as AnyChange[]) {
      if (rc.type === "azurerm_kubernetes_cluster" || rc.type === "azurerm_user_assigned_identity" || rc.type === "azurerm_federated_identity_credential") {
        rc.change.actions = ["forget"];
        rc.change.before ??= rc.change.after;
        rc.change.after = null;
      }
    }
    const risks = reviewPlan(plan).risks.filter((r) => r.kind === "left-unmanaged");
    const forgotten = (plan.resource_changes as AnyChange[]).filter((rc) => rc.change.actions[0] === "forget" && rc.type !== "azurerm_user_assigned_identity");
    expect(risks.map((r) => r.address).sort()).toEqual(forgotten.map((rc) => rc.address).sort());
    expect(new Set(risks.map((r) => r.title))).toEqual(new Set(["Cluster left unmanaged", "Federated credential left unmanaged"]));
  });

  test("a replacement that forgets the old object (create, then forget) says so", () => {
    const plan = fixture("kinds");
    resource(plan, "azurerm_user_assigned_identity.renamed").change.actions = ["create", "forget"];
    expect(section(markdown(plan), "Changes")).toContain(
      "| replace | `azurerm_user_assigned_identity.renamed` | `id-after` (was `id-before`) | `id` (forces replacement), `name` (forces replacement) | create, then forget the old object (it stays in Azure); cannot be updated in place |",
    );
  });

  test("a deposed object's destroy names the object", () => {
    const plan = fixture("kinds");
    const renamed = resource(plan, "azurerm_user_assigned_identity.renamed");
    plan.resource_changes!.push({ ...renamed, deposed: "a1b2c3d4", action_reason: undefined, change: { ...renamed.change, actions: ["delete"], after: null } } as AnyChange);
    expect(section(markdown(plan), "Changes")).toContain("| destroy | `azurerm_user_assigned_identity.renamed` | `id-before` |  | deposed object `a1b2c3d4` |");
  });
});

describe("a real plan that failed", () => {
  test("says the plan failed before anything else, and is not called incomplete", () => {
    const text = markdown(fixture("errored"));
    expect(header(text)).toEqual([
      "Terraform `1.11.4`",
      "**The plan failed.** Terraform stopped with errors (`errored: true`): below is only what it planned before them, and none of it can be applied. The errors are in the log of the step that ran `terraform plan`.",
      expect.stringMatching(/^Plan: \d+ to create, 0 to update, 0 to replace, 0 to destroy\.$/),
    ]);
    expect(reviewPlan(fixture("errored"))).toMatchObject({ errored: true, incomplete: false });
  });
});
