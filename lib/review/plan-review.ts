/**
 * A pull-request reviewer's reading of a Terraform plan of this stack: what changes, who gains or
 * loses access to what, which workloads trust which issuer, and what could hurt. Pure functions over
 * `terraform show -json <planfile>` output (render-plan-review.ts writes the Markdown; the CLI is
 * scripts/plan-review.ts).
 */
import { BUILTIN_ROLES } from "./builtin-roles";
import { configAddress, formatAddress, InstanceAddress, InstanceKey, instanceId, ModuleStep, naturalCompare, parseAddress } from "../terraform-json/address";
import { code, scalar } from "../terraform-json/markdown";
import { parseReference } from "../terraform-json/references";
import { isObject } from "../terraform-json/json";
import { checkPlan, hasTrue, NEVER_READ, own, PlanConfigModule, PlanConfigResource, PlanExpression, PlanJson, PlanModuleCall, PlanResourceChange } from "../terraform-json/plan";

export { PlanFormatError } from "../terraform-json/plan";
export type { PlanJson, PlanResourceChange, PlanChange, PlanConfigModule, PlanConfigResource, PlanExpression } from "../terraform-json/plan";

/**
 * What a change does, as a reviewer reads it. `import` and `move` are changes that do nothing else
 * (their actions are `no-op`); an import or move that also updates or replaces is that action, with a note.
 */
export type ChangeAction = "create" | "update" | "replace" | "destroy" | "forget" | "import" | "move" | "read";

/** In the order the table lists them. */
export const CHANGE_ACTIONS: readonly ChangeAction[] = ["create", "import", "update", "replace", "destroy", "forget", "move", "read"];

/** Counts for the plan's summary line; `import` and `move` count every import and move, whatever else the change does. */
export interface PlanCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly destroy: number;
  readonly forget: number;
  readonly import: number;
  readonly move: number;
  /** Data sources read during apply (ones read while planning are not changes). */
  readonly read: number;
  /** Changes Terraform deferred to a later plan. */
  readonly deferred: number;
}

/**
 * Descriptions (`name`, `principal`, `role`, `scope`, `identity`, `issuer`, `subject`, `credential`,
 * notes, risk `message`) are Markdown inline text, one line each: every value taken from the plan is
 * in a code span made by `./markdown`, e.g. "managed identity `myIdentityabc123`", since whoever
 * opens the pull request writes those values. Addresses and attribute names are kept as they are,
 * for the renderer to quote.
 */
export interface ChangeRow {
  readonly action: ChangeAction;
  readonly address: string;
  readonly type: string;
  /** The planned name (`name`, `metadata[0].name`, `display_name`), with the old one when a replacement renames. */
  readonly name?: string;
  /** Top-level attributes that change, sorted; for a replacement only the ones that force it or change known values. */
  readonly changed: readonly string[];
  /** The subset of `changed` that forces the replacement. */
  readonly forcesReplacement: readonly string[];
  /** Why and how: the replacement's order and reason, an import's id, a move's old address, a deposed object, a deferral. */
  readonly notes: readonly string[];
  /** Terraform deferred this change to a later plan: it is not applied with this one. */
  readonly deferred?: boolean;
}

export interface Grant {
  readonly principal: string;
  /** `ServicePrincipal`, `User`, `Group`… as the assignment says, or as the kind of principal implies. */
  readonly principalType?: string;
  readonly role: string;
  readonly scope: string;
}

export type AccessAction = "create" | "import" | "update" | "replace" | "destroy" | "forget";

export interface AccessChange extends Grant {
  readonly action: AccessAction;
  readonly address: string;
  /** For an update or replacement: the grant it replaces, when it differs. */
  readonly was?: Grant;
}

export interface Trust {
  readonly identity: string;
  readonly issuer: string;
  readonly subject: string;
}

export interface FederationChange extends Trust {
  readonly action: AccessAction;
  readonly address: string;
  /** Name of the federated identity credential. */
  readonly credential: string;
  /** For an update or replacement: the trust it replaces, when it differs. */
  readonly was?: Trust;
}

export type RiskKind =
  | "key-vault-removed"
  | "cluster-removed"
  | "left-unmanaged"
  | "privileged-grant"
  | "federation-broken"
  | "workload-identity-disabled"
  | "oidc-issuer-switched"
  | "secret-rewritten";

/** In the order the risks are listed: what cannot be undone first. */
const RISK_ORDER: readonly RiskKind[] = [
  "key-vault-removed",
  "cluster-removed",
  "left-unmanaged",
  "privileged-grant",
  "federation-broken",
  "workload-identity-disabled",
  "oidc-issuer-switched",
  "secret-rewritten",
];

export interface Risk {
  readonly kind: RiskKind;
  readonly address: string;
  /** Short bold-able title, e.g. "Key vault replaced". */
  readonly title: string;
  readonly message: string;
}

export interface PlanReview {
  readonly terraformVersion?: string;
  /** Planning failed (`errored: true`): what the plan holds is the part Terraform got to, and none of it can be applied. */
  readonly errored: boolean;
  /** Applying this plan leaves changes for a later plan (`complete: false`). */
  readonly incomplete: boolean;
  readonly counts: PlanCounts;
  readonly changes: readonly ChangeRow[];
  readonly accessChanges: readonly AccessChange[];
  readonly federations: readonly FederationChange[];
  readonly risks: readonly Risk[];
}

/** Azure's default soft-delete retention, when the plan does not say. */
const DEFAULT_RETENTION = "the soft-delete retention period (90 days by default)";

/**
 * Roles that hand over a scope: Owner and Contributor can change or delete everything in it; Owner,
 * User Access Administrator and Role Based Access Control Administrator can grant roles there,
 * including themselves any role.
 */
const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  owner: "it can do anything there, including granting any role to anyone",
  "user access administrator": "it can grant any role there, Owner included, to anyone",
  "role based access control administrator": "it can grant roles there (all of them, unless the assignment's condition limits which)",
  contributor: "it can change or delete every resource there",
};

/** Objects that keep granting or holding access after Terraform forgets them: grants, credentials, vaults, clusters. */
const FORGET_RISKY: Readonly<Record<string, string>> = {
  azurerm_role_assignment: "the grant stays in force",
  azurerm_federated_identity_credential: "the credential keeps letting its subject act as the identity",
  azuread_application_federated_identity_credential: "the credential keeps letting its subject act as the application",
  azuread_application_password: "the password keeps working",
  azuread_service_principal_password: "the password keeps working",
  azuread_application_certificate: "the certificate keeps working",
  azuread_service_principal_certificate: "the certificate keeps working",
  azurerm_key_vault: "the vault stays with its secrets and its access",
  azurerm_kubernetes_cluster: "the cluster keeps running with its workloads, credentials and issuer",
};

const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "tainted",
  replace_by_request: "replacement requested (`-replace`)",
  replace_by_triggers: "`replace_triggered_by`",
  replace_because_cannot_update: "cannot be updated in place",
  delete_because_no_resource_config: "not in the configuration",
  delete_because_wrong_repetition: "`count` or `for_each` added or removed",
  delete_because_count_index: "index beyond `count`",
  delete_because_each_key: "key no longer in `for_each`",
  delete_because_no_module: "its module call is gone",
  delete_because_no_move_target: "moved to an address the configuration lacks",
  read_because_config_unknown: "its arguments are known only at apply",
  read_because_dependency_pending: "it depends on a change in this plan",
  read_because_check_nested: "read by a `check` block",
};

const DEFERRED_REASONS: Readonly<Record<string, string>> = {
  unknown: "for a reason Terraform does not give",
  instance_count_unknown: "its `count` or `for_each` is known only after apply",
  resource_config_unknown: "its configuration is known only after apply",
  provider_config_unknown: "its provider's configuration is known only after apply",
  deferred_prereq: "it depends on another deferred change",
  absent_prereq: "it depends on an object that does not exist yet",
};

type Side = "before" | "after";
type Read = { readonly state: "known"; readonly value: unknown } | { readonly state: "unknown" | "sensitive" | "absent" };
type Path = readonly (string | number)[];

/** Reads the plan; throws `PlanFormatError` naming the JSON path of the first thing that is not a plan. */
export function reviewPlan(plan: unknown): PlanReview {
  const checked = checkPlan(plan);
  const model = new PlanModel(checked);

  const counts = { create: 0, update: 0, replace: 0, destroy: 0, forget: 0, import: 0, move: 0, read: 0, deferred: 0 };
  const reviewed: { rc: PlanResourceChange; action: ChangeAction }[] = [];
  for (const rc of model.changes) {
    const action = changeAction(rc);
    if (rc.change.importing) counts.import++;
    if (rc.previous_address !== undefined && rc.previous_address !== rc.address) counts.move++;
    if (!action) continue;
    if (action !== "import" && action !== "move") counts[action]++;
    reviewed.push({ rc, action });
  }
  const byAction = (a: { rc: PlanResourceChange; action: string }, b: { rc: PlanResourceChange; action: string }) =>
    CHANGE_ACTIONS.indexOf(a.action as ChangeAction) - CHANGE_ACTIONS.indexOf(b.action as ChangeAction) || compareChanges(a.rc, b.rc);
  reviewed.sort(byAction);

  const deferred = model.deferred.flatMap(({ rc, reason }) => {
    const action = changeAction(rc);
    return action ? [{ rc, action, reason }] : [];
  });
  counts.deferred = deferred.length;
  deferred.sort(byAction);

  const changes = [
    ...reviewed.map(({ rc, action }) => model.changeRow(rc, action)),
    ...deferred.map(({ rc, action, reason }) => model.changeRow(rc, action, reason)),
  ];
  const accessChanges = reviewed.flatMap(({ rc, action }) => (rc.type === "azurerm_role_assignment" ? model.accessChange(rc, action) : []));
  const federations = reviewed.flatMap(({ rc, action }) => (FEDERATED_TYPES.has(rc.type) ? model.federationChange(rc, action) : []));
  const risks = reviewed
    .flatMap(({ rc, action }) => model.risks(rc, action))
    .sort((a, b) => RISK_ORDER.indexOf(a.kind) - RISK_ORDER.indexOf(b.kind) || naturalCompare(a.address, b.address));

  return {
    ...(checked.terraform_version !== undefined && checked.terraform_version !== null ? { terraformVersion: checked.terraform_version } : {}),
    errored: checked.errored === true,
    // A failed plan is never complete; that it failed is what matters.
    incomplete: checked.errored !== true && (checked.complete === false || deferred.length > 0),
    counts,
    changes,
    accessChanges,
    federations,
    risks,
  };
}

const FEDERATED_TYPES = new Set(["azurerm_federated_identity_credential"]);

function changeAction(rc: PlanResourceChange): ChangeAction | undefined {
  switch (rc.change.actions.join(",")) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete,create":
    case "create,delete":
    case "create,forget":
      return "replace";
    case "delete":
      return "destroy";
    case "forget":
      return "forget";
    case "read":
      return "read";
    default:
      // A no-op matters when it imports or moves the object: the state changes.
      if (rc.change.importing) return "import";
      if (rc.previous_address !== undefined && rc.previous_address !== rc.address) return "move";
      return undefined;
  }
}

function accessAction(action: ChangeAction): AccessAction | undefined {
  return action === "move" || action === "read" ? undefined : action;
}

function compareChanges(a: PlanResourceChange, b: PlanResourceChange): number {
  return naturalCompare(a.address, b.address) || naturalCompare(a.deposed ?? "", b.deposed ?? "");
}

/** A resource the configuration or the plan names, and the attribute of it a reference reads. */
interface Target {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly path: Path;
  /** Its change in this plan, when it has one. */
  readonly rc?: PlanResourceChange;
  /** Its configuration, when the plan has it. */
  readonly config?: PlanConfigResource;
}

/** What a described value stands for: its wording when nothing more can be said. */
type Role = "principal" | "scope" | "identity" | "issuer" | "key vault";

/** Attributes that identify a resource when another resource holds their value, by type. */
const IDENTIFYING: Readonly<Record<string, readonly Path[]>> = {
  azurerm_user_assigned_identity: [["id"], ["principal_id"], ["client_id"]],
  azurerm_kubernetes_cluster: [["id"], ["oidc_issuer_url"], ["identity", 0, "principal_id"], ["kubelet_identity", 0, "object_id"]],
  azurerm_key_vault_secret: [["id"], ["versionless_id"], ["resource_id"], ["resource_versionless_id"]],
  azurerm_role_definition: [["id"], ["role_definition_resource_id"], ["role_definition_id"]],
  azuread_service_principal: [["id"], ["object_id"]],
  azuread_group: [["id"], ["object_id"]],
  azuread_user: [["id"], ["object_id"]],
};

/** The kind of principal a resource is, for role assignments that do not say. */
const PRINCIPAL_TYPES: Readonly<Record<string, string>> = {
  azurerm_user_assigned_identity: "ServicePrincipal",
  azurerm_kubernetes_cluster: "ServicePrincipal",
  azuread_service_principal: "ServicePrincipal",
  azuread_group: "Group",
  azuread_user: "User",
};

/** What Azure accepts as a role assignment's `principalType`; anything else in a plan is not shown as one. */
const PRINCIPAL_TYPE_VALUES = new Set(["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"]);

/** A module of the configuration, with its parent for following `var.` references out of it. */
interface ConfigModule {
  readonly resources: ReadonlyMap<string, PlanConfigResource>;
  readonly calls: ReadonlyMap<string, { readonly call: PlanModuleCall; readonly module: ConfigModule }>;
  readonly outputs: ReadonlyMap<string, PlanExpression>;
  readonly parent?: { readonly module: ConfigModule; readonly call: PlanModuleCall };
}

/**
 * Where an expression is evaluated: the module instance, and the `each.key`/`count.index` and
 * `for_each` that `each.` references there mean.
 */
interface Scope {
  readonly modules: readonly ModuleStep[];
  readonly module: ConfigModule;
  readonly key?: InstanceKey;
  readonly forEach?: { readonly expression: PlanExpression; readonly scope: Scope };
}

/** References are followed at most this many hops (through variables, outputs, `each.value`): configurations may loop. */
const MAX_HOPS = 24;

class PlanModel {
  /** Every resource change, sorted by address. */
  public readonly changes: readonly PlanResourceChange[];
  public readonly deferred: readonly { readonly rc: PlanResourceChange; readonly reason: string }[];
  private readonly byInstance = new Map<string, PlanResourceChange>();
  private readonly root: ConfigModule;
  private readonly valueIndex = new Map<string, { readonly target: Target; readonly side: Side }>();
  private readonly configs = new WeakMap<PlanResourceChange, { resource: PlanConfigResource; scope: Scope } | undefined>();

  constructor(plan: PlanJson) {
    this.changes = [...(plan.resource_changes ?? [])].sort(compareChanges);
    this.deferred = [...(plan.deferred_changes ?? [])]
      .map((d) => ({ rc: d.resource_change, reason: d.reason }))
      .sort((a, b) => compareChanges(a.rc, b.rc));
    for (const rc of this.changes) {
      const parsed = parseAddress(rc.address);
      // A deposed object shares its address with the current one, which is the one references mean.
      if (parsed && (rc.deposed === undefined || !this.byInstance.has(instanceId(parsed)))) this.byInstance.set(instanceId(parsed), rc);
    }
    this.root = configModule(plan.configuration?.root_module);
    for (const side of ["after", "before"] as const) {
      for (const rc of this.changes) {
        for (const path of (own(IDENTIFYING, rc.type) as readonly Path[] | undefined) ?? [["id"]]) {
          const read = readValue(rc, side, path);
          if (read.state === "known" && typeof read.value === "string" && read.value !== "" && !this.valueIndex.has(read.value)) {
            this.valueIndex.set(read.value, { target: this.targetOf(rc, path), side });
          }
        }
      }
    }
  }

  public changeRow(rc: PlanResourceChange, action: ChangeAction, deferredReason?: string): ChangeRow {
    const name = this.nameRow(rc, action);
    const notes = this.notes(rc, action, deferredReason);
    const base = { action, address: rc.address, type: rc.type, ...(name !== undefined ? { name } : {}), notes, ...(deferredReason !== undefined ? { deferred: true } : {}) };
    if (action !== "update" && action !== "replace") return { ...base, changed: [], forcesReplacement: [] };
    const forced = [...new Set((rc.change.replace_paths ?? []).map((path) => String(path[0])))].sort(naturalCompare);
    const before = asObject(rc.change.before);
    const after = asObject(rc.change.after);
    const unknown = asObject(rc.change.after_unknown);
    const attributes = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])].sort(naturalCompare);
    const changed = attributes.filter((attribute) => {
      if (forced.includes(attribute)) return true;
      // A replacement leaves every computed attribute unknown; only what the configuration changes matters.
      if (hasTrue(unknown[attribute])) return action === "update" && !isEmpty(before[attribute]);
      return !sameValue(before[attribute], after[attribute]);
    });
    return { ...base, changed, forcesReplacement: forced };
  }

  private notes(rc: PlanResourceChange, action: ChangeAction, deferredReason: string | undefined): string[] {
    const notes: string[] = [];
    if (deferredReason !== undefined) notes.push(`deferred to a later plan: ${DEFERRED_REASONS[deferredReason] ?? code(deferredReason)}`);
    const order = { "delete,create": "destroy, then create", "create,delete": "create, then destroy", "create,forget": "create, then forget the old object (it stays in Azure)" }[
      rc.change.actions.join(",")
    ];
    if (order) notes.push(order);
    if (action === "forget") notes.push("removed from the state only: it stays in Azure");
    if (typeof rc.action_reason === "string") notes.push((own(ACTION_REASONS, rc.action_reason) as string | undefined) ?? `reason ${code(rc.action_reason)}`);
    const importing = rc.change.importing;
    if (importing) notes.push(typeof importing.id === "string" ? `imported from ${code(importing.id)}` : "imported (id known after apply)");
    if (rc.previous_address !== undefined && rc.previous_address !== rc.address) notes.push(`moved from ${code(rc.previous_address)}`);
    if (rc.deposed !== undefined) notes.push(`deposed object ${code(rc.deposed)}`);
    return notes;
  }

  public accessChange(rc: PlanResourceChange, changeAction: ChangeAction): AccessChange[] {
    const action = accessAction(changeAction);
    if (!action) return [];
    const grant = (side: Side): Grant => {
      const principal = this.principal(rc, side);
      return { ...principal, role: this.role(rc, side).shown, scope: this.describeAttribute(rc, "scope", side, "scope") };
    };
    if (action === "destroy" || action === "forget") return [{ action, address: rc.address, ...grant("before") }];
    const now = grant("after");
    const was = action === "replace" || action === "update" ? grant("before") : undefined;
    return [{ action, address: rc.address, ...now, ...(was && !sameGrant(was, now) ? { was } : {}) }];
  }

  public federationChange(rc: PlanResourceChange, changeAction: ChangeAction): FederationChange[] {
    const action = accessAction(changeAction);
    if (!action) return [];
    const side: Side = action === "destroy" || action === "forget" ? "before" : "after";
    const credential = this.name(rc, side) ?? code(rc.address);
    const now = this.trust(rc, side);
    const was = action === "update" || action === "replace" ? this.trust(rc, "before") : undefined;
    return [{ action, address: rc.address, credential, ...now, ...(was && !sameTrust(was, now) ? { was } : {}) }];
  }

  public risks(rc: PlanResourceChange, action: ChangeAction): Risk[] {
    const risk = (kind: RiskKind, title: string, message: string): Risk => ({ kind, address: rc.address, title, message });
    const risks: Risk[] = [];
    const forgets = action === "forget" || rc.change.actions.join(",") === "create,forget";
    if (forgets && own(FORGET_RISKY, rc.type)) risks.push(risk("left-unmanaged", `${capitalize(this.kind(rc))} left unmanaged`, this.forgotten(rc)));
    const removed = (action === "replace" && !forgets) || action === "destroy";
    switch (rc.type) {
      case "azurerm_key_vault":
        if (removed) risks.push(risk("key-vault-removed", `Key vault ${action === "replace" ? "replaced" : "destroyed"}`, this.vaultRemoved(rc, action)));
        break;
      case "azurerm_kubernetes_cluster":
        if (action !== "forget") risks.push(...this.clusterRisks(rc, action).map(([kind, title, message]) => risk(kind, title, message)));
        break;
      case "azurerm_role_assignment": {
        const privileged = this.privilegedGrant(rc, action);
        if (privileged) risks.push(risk("privileged-grant", privileged.title, privileged.message));
        break;
      }
      case "azurerm_federated_identity_credential": {
        const message = action === "forget" ? undefined : this.federationBroken(rc, action);
        const title = { update: "Federated credential changed", replace: "Federated credential replaced", destroy: "Federated credential destroyed" }[action as string];
        if (message && title) risks.push(risk("federation-broken", title, message));
        break;
      }
      case "azurerm_key_vault_secret": {
        const [before, after] = [readValue(rc, "before", ["value_wo_version"]), readValue(rc, "after", ["value_wo_version"])];
        if (action !== "update" || before.state !== "known" || after.state !== "known" || before.value === after.value) break;
        const secret = capitalize(this.describeTarget(this.targetOf(rc, []), "after", "scope"));
        risks.push(
          risk(
            "secret-rewritten",
            "Secret rewritten",
            `${secret} is written again (\`value_wo_version\` ${scalar(before.value)} → ${scalar(after.value)}): its value becomes the one supplied to this apply, and workloads read that from then on.`,
          ),
        );
        break;
      }
    }
    return risks;
  }

  /** "role assignment", "federated credential", "key vault"… for a risk's title. */
  private kind(rc: PlanResourceChange): string {
    const kinds: Record<string, string> = {
      azurerm_role_assignment: "role assignment",
      azurerm_federated_identity_credential: "federated credential",
      azuread_application_federated_identity_credential: "federated credential",
      azurerm_key_vault: "key vault",
      azurerm_kubernetes_cluster: "cluster",
    };
    return (own(kinds, rc.type) as string | undefined) ?? "credential";
  }

  private forgotten(rc: PlanResourceChange): string {
    const what =
      rc.type === "azurerm_role_assignment"
        ? `Role assignment ${code(rc.address)} (${grantText(this.accessChange(rc, "destroy")[0])})`
        : `${capitalize(this.describeTarget(this.targetOf(rc, []), "before", "scope"))} (${code(rc.address)})`;
    return `${what} is removed from Terraform's state but not deleted: ${String(own(FORGET_RISKY, rc.type))} in Azure, and no configuration describes it or will remove it.`;
  }

  private privilegedGrant(rc: PlanResourceChange, action: ChangeAction): { title: string; message: string } | undefined {
    if (action !== "create" && action !== "update" && action !== "replace") return undefined;
    const role = this.role(rc, "after");
    const who = this.principal(rc, "after").principal;
    const scope = this.describeAttribute(rc, "scope", "after", "scope");
    if (role.name === "sensitive") {
      return {
        title: "Grant of a hidden role",
        message: `${capitalize(who)} is granted a role the plan marks sensitive on ${scope} (${code(rc.address)}): the review cannot show which, so check the configuration.`,
      };
    }
    const why = role.name === undefined ? undefined : (own(PRIVILEGED_ROLES, role.name.toLowerCase()) as string | undefined);
    if (!why) return undefined;
    return { title: "Privileged role granted", message: `${capitalize(who)} is granted ${role.shown} on ${scope} (${code(rc.address)}): ${why}.` };
  }

  private vaultRemoved(rc: PlanResourceChange, action: ChangeAction): string {
    const oldName = this.name(rc, "before") ?? code(rc.address);
    const retention = readValue(rc, "before", ["soft_delete_retention_days"]);
    const period = retention.state === "known" && typeof retention.value === "number" ? `${retention.value} days` : DEFAULT_RETENTION;
    const purge = readValue(rc, "before", ["purge_protection_enabled"]);
    const holder = purge.state === "known" && purge.value === false ? "soft delete keeps" : "purge protection keeps";
    if (action === "destroy") {
      return `Key vault ${oldName} is deleted with its secrets; ${holder} its name reserved for up to ${period}, so ${oldName} cannot be reused until then.`;
    }
    const newName = this.name(rc, "after");
    if (newName === undefined || newName === oldName) {
      return `Key vault ${oldName} is deleted and created again under the same name, but ${holder} the deleted vault and its name for up to ${period}: the create recovers it or fails.`;
    }
    return `Key vault ${oldName} is replaced by ${newName}: the old vault is deleted with its secrets, and ${holder} its name reserved for up to ${period}, so ${oldName} cannot be reused until then.`;
  }

  private clusterRisks(rc: PlanResourceChange, action: ChangeAction): [RiskKind, string, string][] {
    const cluster = this.name(rc, action === "create" ? "after" : "before") ?? code(rc.address);
    if (action === "destroy") return [["cluster-removed", "Cluster destroyed", `Cluster ${cluster} is deleted with every workload on it.`]];
    const risks: [RiskKind, string, string][] = [];
    if (action === "replace") {
      risks.push([
        "cluster-removed",
        "Cluster replaced",
        `Cluster ${cluster} is deleted and created again: every workload on it is lost, and its OIDC issuer URL changes, so federated credentials trusting the old one stop working.`,
      ]);
    }
    if (action !== "update" && action !== "replace") return risks;
    const enabled = [readValue(rc, "before", ["workload_identity_enabled"]), readValue(rc, "after", ["workload_identity_enabled"])];
    if (enabled[0].state === "known" && enabled[0].value === true && enabled[1].state === "known" && enabled[1].value !== true) {
      risks.push([
        "workload-identity-disabled",
        "Workload identity disabled",
        `Cluster ${cluster} turns workload identity off (\`workload_identity_enabled\` true → ${scalar(enabled[1].value)}): the webhook stops injecting tokens, so pods relying on federated credentials lose access to Azure.`,
      ]);
    }
    // A replacement's new issuer is already said above.
    if (action === "update") {
      const switched: string[] = [];
      const issuer = [readValue(rc, "before", ["oidc_issuer_enabled"]), readValue(rc, "after", ["oidc_issuer_enabled"])];
      if (issuer[0].state === "known" && (issuer[1].state === "unknown" || (issuer[1].state === "known" && issuer[1].value !== issuer[0].value))) {
        switched.push(`\`oidc_issuer_enabled\` ${scalar(issuer[0].value)} → ${issuer[1].state === "known" ? scalar(issuer[1].value) : "known after apply"}`);
      }
      const url = [readValue(rc, "before", ["oidc_issuer_url"]), readValue(rc, "after", ["oidc_issuer_url"])];
      if (url[0].state === "known" && (url[1].state === "unknown" || (url[1].state === "known" && url[1].value !== url[0].value))) {
        switched.push(`issuer URL ${code(String(url[0].value))} → ${url[1].state === "known" ? code(String(url[1].value)) : "known after apply"}`);
      }
      if (switched.length > 0) {
        risks.push([
          "oidc-issuer-switched",
          "OIDC issuer switched",
          `Cluster ${cluster} changes its OIDC issuer (${switched.join(", ")}): federated credentials trusting the old issuer stop working.`,
        ]);
      }
    }
    return risks;
  }

  private federationBroken(rc: PlanResourceChange, action: ChangeAction): string | undefined {
    if (action !== "update" && action !== "replace" && action !== "destroy") return undefined;
    const credential = this.name(rc, "before") ?? code(rc.address);
    const identity = this.describeAttribute(rc, "parent_id", "before", "identity");
    const subject = this.subject(rc, "before");
    const who = `pods running as ${subject} lose access to Azure`;
    if (action === "destroy") return `Credential ${credential} of ${identity} is deleted: ${who}.`;
    if (action === "replace") return `Credential ${credential} of ${identity} is deleted and created again: ${who} until the new one has propagated.`;
    const changes: string[] = [];
    for (const attribute of ["issuer", "subject"]) {
      const [before, after] = [readValue(rc, "before", [attribute]), readValue(rc, "after", [attribute])];
      if (before.state === "sensitive" || after.state === "sensitive") {
        // Never shown, but compared: the plan holds sensitive values too, and a change of one still cuts the old subject off.
        if (sensitiveChanges(rc, attribute)) changes.push(`its ${attribute} (sensitive, not shown)`);
        continue;
      }
      if (before.state !== "known" || (after.state === "known" && after.value === before.value) || after.state === "absent") continue;
      const to = after.state === "known" ? code(String(after.value)) : "a value known after apply";
      changes.push(`its ${attribute} from ${code(String(before.value))} to ${to}`);
    }
    return changes.length > 0 ? `Credential ${credential} of ${identity} changes ${changes.join(" and ")}: ${who}.` : undefined;
  }

  private nameRow(rc: PlanResourceChange, action: ChangeAction): string | undefined {
    // A role assignment's name is a GUID; the access section says what it grants.
    if (rc.type === "azurerm_role_assignment") return undefined;
    if (action === "destroy" || action === "forget") return this.name(rc, "before");
    const now = this.name(rc, "after");
    const was = action === "replace" ? this.name(rc, "before") : undefined;
    return now !== undefined && was !== undefined && was !== now ? `${now} (was ${was})` : now;
  }

  /** The role as shown, and its name for the privileged check: undefined when not known, "sensitive" when hidden. */
  private role(rc: PlanResourceChange, side: Side): { shown: string; name?: string } {
    // The id decides what Azure grants when both are known (the provider computes the other from it).
    const id = readValue(rc, side, ["role_definition_id"]);
    const guid = id.state === "known" && typeof id.value === "string" ? (/(?:^|\/)roleDefinitions\/([^/]+)\/?$/i.exec(id.value)?.[1] ?? id.value) : undefined;
    const builtin = guid === undefined ? undefined : BUILTIN_ROLES.get(guid.toLowerCase());
    if (builtin) return { shown: code(builtin), name: builtin };
    const name = readValue(rc, side, ["role_definition_name"]);
    if (name.state === "known" && typeof name.value === "string") return { shown: code(name.value), name: name.value };
    if (guid !== undefined) {
      const custom = this.valueIndex.get(id.state === "known" ? String(id.value) : "");
      if (custom) return { shown: this.describeTarget(custom.target, custom.side, "principal") };
      return { shown: `role ${code(guid)}` };
    }
    if (name.state === "sensitive" || id.state === "sensitive") return { shown: "a sensitive role", name: "sensitive" };
    const configured = this.configOf(rc);
    for (const attribute of ["role_definition_name", "role_definition_id"]) {
      const target = configured && this.resolve(expressionOf(configured.resource, attribute), configured.scope)[0];
      if (target?.type === "azurerm_role_definition") {
        // A built-in role looked up by name, or a custom role made in this configuration.
        const roleName = target.mode === "data" ? expressionOf(target.config, "name")?.constant_value : undefined;
        if (typeof roleName === "string") return { shown: code(roleName), name: roleName };
        return { shown: this.describeTarget(target, side, "principal") };
      }
    }
    return { shown: "a role known after apply" };
  }

  private principal(rc: PlanResourceChange, side: Side): { principal: string; principalType?: string } {
    const principal = this.describeAttribute(rc, "principal_id", side, "principal");
    const declared = readValue(rc, side, ["principal_type"]);
    if (declared.state === "known" && typeof declared.value === "string" && PRINCIPAL_TYPE_VALUES.has(declared.value)) return { principal, principalType: code(declared.value) };
    // What kind of principal a hidden one is would say something about it.
    if (readValue(rc, side, ["principal_id"]).state === "sensitive") return { principal };
    const target = this.pointsAt(rc, "principal_id", side);
    const implied = target && (own(PRINCIPAL_TYPES, target.type) as string | undefined);
    return implied ? { principal, principalType: code(implied) } : { principal };
  }

  private trust(rc: PlanResourceChange, side: Side): Trust {
    return {
      identity: this.describeAttribute(rc, "parent_id", side, "identity"),
      issuer: this.describeAttribute(rc, "issuer", side, "issuer"),
      subject: this.subject(rc, side),
    };
  }

  /** The planned subject, else the one the referenced service account will have. */
  private subject(rc: PlanResourceChange, side: Side): string {
    const read = readValue(rc, side, ["subject"]);
    if (read.state === "known") return code(String(read.value));
    if (read.state === "sensitive") return "a sensitive subject";
    const configured = this.configOf(rc);
    const account = configured && this.resolve(expressionOf(configured.resource, "subject"), configured.scope).find((t) => t.type.startsWith("kubernetes_service_account"));
    if (account?.rc) {
      const name = readValue(account.rc, side, ["metadata", 0, "name"]);
      const namespace = readValue(account.rc, side, ["metadata", 0, "namespace"]);
      if (name.state === "known" && (namespace.state === "known" || namespace.state === "absent")) {
        return code(`system:serviceaccount:${namespace.state === "known" ? namespace.value : "default"}:${name.value}`);
      }
    }
    return "a subject known after apply";
  }

  /**
   * Describes what an attribute (an id, a principal, an issuer URL) points at. After the change,
   * the configuration's reference says it best; before it, the value itself, since the
   * configuration may no longer say what it was.
   */
  private describeAttribute(rc: PlanResourceChange, attribute: string, side: Side, role: Role): string {
    const read = readValue(rc, side, [attribute]);
    if (read.state === "sensitive") return `a sensitive ${role}`;
    const configured = this.configOf(rc);
    const reference = configured ? this.resolve(expressionOf(configured.resource, attribute), configured.scope)[0] : undefined;
    if (side === "after" || read.state !== "known") {
      // A known value says what it is; the configuration says what one known only at apply will be.
      const known = read.state === "known" ? this.describeValue(read.value, role) : undefined;
      if (known) return known;
      if (reference) return this.describeTarget(reference, side, role);
      if (read.state === "known") return rawValue(read.value, role);
      return read.state === "unknown" ? `${withArticle(role)} known after apply` : `no ${role}`;
    }
    const matched = this.describeValue(read.value, role);
    if (matched) return matched;
    const after = readValue(rc, "after", [attribute]);
    const unchanged = after.state === "known" && sameValue(after.value, read.value);
    // Without a match, the reference still says what it was when nothing was meant to change it.
    const gone = rc.change.actions.length === 1 && (rc.change.actions[0] === "delete" || rc.change.actions[0] === "forget");
    if (reference && (unchanged || gone)) return this.describeTarget(reference, side, role);
    return rawValue(read.value, role);
  }

  /** The resource an attribute's value belongs to, by its value or by the configuration. */
  private pointsAt(rc: PlanResourceChange, attribute: string, side: Side): Target | undefined {
    const read = readValue(rc, side, [attribute]);
    if (read.state === "known" && typeof read.value === "string") {
      const indexed = this.valueIndex.get(read.value);
      if (indexed) return indexed.target;
    }
    const configured = this.configOf(rc);
    return configured ? this.resolve(expressionOf(configured.resource, attribute), configured.scope)[0] : undefined;
  }

  /** Names the resource a value belongs to: one in the plan holding it, or one its Azure id or URL names. */
  private describeValue(value: unknown, role: Role): string | undefined {
    if (typeof value !== "string") return undefined;
    const indexed = this.valueIndex.get(value);
    if (indexed) return this.describeTarget(indexed.target, indexed.side, role);
    return describeAzureId(value);
  }

  private describeTarget(target: Target, side: Side, role: Role): string {
    if (target.type === "azurerm_client_config") return "the deploying principal";
    const name = this.targetName(target, side) ?? code(target.address);
    const attribute = target.path[0];
    switch (target.type) {
      case "azurerm_user_assigned_identity":
        return `managed identity ${name}`;
      case "azurerm_key_vault":
        return `key vault ${name}`;
      case "azurerm_key_vault_secret": {
        const vault = target.rc ? this.describeAttribute(target.rc, "key_vault_id", side, "key vault") : this.vaultOfConfiguredSecret(target);
        return `secret ${name} in ${vault}`;
      }
      case "azurerm_kubernetes_cluster":
        if (attribute === "identity") return `identity of cluster ${name}`;
        if (attribute === "kubelet_identity") return `kubelet identity of cluster ${name}`;
        return role === "issuer" || attribute === "oidc_issuer_url" ? `OIDC issuer of cluster ${name}` : `cluster ${name}`;
      case "azurerm_resource_group":
        return `resource group ${name}`;
      case "azurerm_subscription":
        return target.mode === "data" ? "the current subscription" : `subscription ${name}`;
      case "azurerm_role_definition":
        return `custom role ${name}`;
      case "azuread_group":
        return `group ${name}`;
      case "azuread_user":
        return `user ${name}`;
      case "azuread_service_principal":
        return `service principal ${name}`;
      default:
        // A plan's resource type is the author's text like any other: in a code span, where nothing links.
        return `${code(target.type)} ${name}`;
    }
  }

  private vaultOfConfiguredSecret(target: Target): string {
    const scope = target.config && this.scopeOfTarget(target);
    const vault = scope ? this.resolve(expressionOf(target.config, "key_vault_id"), scope)[0] : undefined;
    return vault ? this.describeTarget(vault, "after", "key vault") : "a key vault";
  }

  /** The planned name of a change, else the configured one; undefined when sensitive or not known yet. */
  private name(rc: PlanResourceChange, side: Side): string | undefined {
    return this.targetName(this.targetOf(rc, []), side);
  }

  private targetName(target: Target, side: Side): string | undefined {
    const rc = target.rc;
    if (rc) {
      for (const path of [["name"], ["metadata", 0, "name"], ["display_name"]] as const) {
        let read = readValue(rc, side, path);
        // Absent after a change only when the plan leaves it out; a name does not go away.
        if (read.state === "absent" && side === "after") read = readValue(rc, "before", path);
        if (read.state === "sensitive") return undefined;
        if (read.state === "known" && typeof read.value === "string") return code(read.value);
      }
    }
    // A name known only at apply is still worth showing as configured: `kv-workload-id${random_id.Suffix.hex}`.
    const config = target.config ?? (rc ? this.configOf(rc)?.resource : undefined);
    for (const attribute of ["name", "display_name"]) {
      const configured = expressionOf(config, attribute)?.constant_value;
      if (typeof configured === "string") return code(configured);
    }
    return undefined;
  }

  private targetOf(rc: PlanResourceChange, path: Path): Target {
    const configured = this.configOf(rc);
    return {
      address: rc.address,
      type: rc.type,
      mode: rc.mode ?? (rc.address.startsWith("data.") || rc.address.includes(".data.") ? "data" : "managed"),
      path,
      rc,
      ...(configured ? { config: configured.resource } : {}),
    };
  }

  /** The configuration of a change's resource, and the scope its expressions are evaluated in; looked up once per change. */
  private configOf(rc: PlanResourceChange): { resource: PlanConfigResource; scope: Scope } | undefined {
    if (!this.configs.has(rc)) this.configs.set(rc, this.findConfig(rc));
    return this.configs.get(rc);
  }

  private findConfig(rc: PlanResourceChange): { resource: PlanConfigResource; scope: Scope } | undefined {
    const address = parseAddress(rc.address);
    if (!address) return undefined;
    const located = this.locate(address.modules);
    const resource = located?.module.resources.get(configAddress(address));
    if (!located || !resource) return undefined;
    const scope: Scope = {
      modules: address.modules,
      module: located.module,
      ...(address.key !== undefined ? { key: address.key } : {}),
    };
    return { resource, scope: resource.for_each_expression ? { ...scope, forEach: { expression: resource.for_each_expression, scope } } : scope };
  }

  private scopeOfTarget(target: Target): Scope | undefined {
    const address = parseAddress(target.address);
    const located = address && this.locate(address.modules);
    return address && located ? { modules: address.modules, module: located.module, ...(address.key !== undefined ? { key: address.key } : {}) } : undefined;
  }

  private locate(modules: readonly ModuleStep[]): { module: ConfigModule } | undefined {
    let module = this.root;
    for (const step of modules) {
      const call = module.calls.get(step.name);
      if (!call) return undefined;
      module = call.module;
    }
    return { module };
  }

  /**
   * The resources an expression refers to, in the order of its references, each once: through
   * `var.` to the module call's argument, through `module.X.output` to the output's expression, through
   * `each.value` to the element of the `for_each` collection, and to the instance that `each.key` or
   * `count.index` selects when the expression indexes with them.
   */
  private resolve(expression: PlanExpression | undefined, scope: Scope, hops = 0): Target[] {
    const targets: Target[] = [];
    if (!expression || hops > MAX_HOPS) return targets;
    const references = expression.references ?? [];
    const indexed = references.some((r) => r === "each.key" || r === "count.index");
    for (const reference of references) {
      for (const target of this.resolveReference(reference, scope, indexed, hops)) {
        if (!targets.some((t) => t.address === target.address)) targets.push(target);
      }
    }
    return targets;
  }

  private resolveReference(reference: string, scope: Scope, indexed: boolean, hops: number): Target[] {
    const parsed = parseReference(reference);
    if (!parsed) return [];
    switch (parsed.kind) {
      case "each":
        return scope.forEach && scope.key !== undefined ? this.element(scope.forEach.expression, scope.forEach.scope, scope.key, parsed.path, hops + 1) : [];
      case "var": {
        const parent = scope.module.parent;
        const step = scope.modules[scope.modules.length - 1];
        const argument = parent && expressionOf(parent.call, parsed.name);
        if (!parent || !step || !argument) return [];
        const outer = this.callScope(scope.modules.slice(0, -1), parent.module, parent.call, step.key);
        return this.resolve(argument, outer, hops + 1).map((t) => withPath(t, parsed.path));
      }
      case "module": {
        const called = scope.module.calls.get(parsed.name);
        if (!called || parsed.output === undefined) return [];
        const repeated = called.call.count_expression !== undefined || called.call.for_each_expression !== undefined;
        const key = parsed.key ?? (repeated && indexed ? scope.key : undefined);
        return this.output(called, [...scope.modules, key === undefined ? { name: parsed.name } : { name: parsed.name, key }], parsed.output, parsed.path, hops);
      }
      case "resource": {
        const config = scope.module.resources.get(parsed.address);
        const repeated = config?.count_expression !== undefined || config?.for_each_expression !== undefined;
        const key = parsed.key ?? (repeated && indexed ? scope.key : undefined);
        return [this.instance(scope.modules, parsed.mode, parsed.type, parsed.name, key, parsed.path, config)];
      }
      case "local":
        return [];
    }
  }

  /** The element `key` of a `for_each` collection, and `path` into it. */
  private element(collection: PlanExpression, scope: Scope, key: InstanceKey, path: Path, hops: number): Target[] {
    if (hops > MAX_HOPS) return [];
    for (const reference of collection.references ?? []) {
      const parsed = parseReference(reference);
      if (parsed?.kind === "resource" && parsed.key === undefined && parsed.path.length === 0) {
        return [this.instance(scope.modules, parsed.mode, parsed.type, parsed.name, key, path, scope.module.resources.get(parsed.address))];
      }
      if (parsed?.kind === "module" && parsed.key === undefined && parsed.output === undefined) {
        const called = scope.module.calls.get(parsed.name);
        const [output, ...rest] = path;
        if (!called || typeof output !== "string") return [];
        return this.output(called, [...scope.modules, { name: parsed.name, key }], output, rest, hops);
      }
      if (parsed?.kind === "var" && parsed.path.length === 0) {
        const parent = scope.module.parent;
        const step = scope.modules[scope.modules.length - 1];
        const argument = parent && expressionOf(parent.call, parsed.name);
        if (!parent || !step || !argument) return [];
        return this.element(argument, this.callScope(scope.modules.slice(0, -1), parent.module, parent.call, step.key), key, path, hops + 1);
      }
    }
    return [];
  }

  private output(called: { module: ConfigModule }, modules: readonly ModuleStep[], name: string, path: Path, hops: number): Target[] {
    const expression = called.module.outputs.get(name);
    return this.resolve(expression, { modules, module: called.module }, hops + 1).map((t) => withPath(t, path));
  }

  /** The scope of a module call's arguments: the calling module, with the call's own `each`/`count`. */
  private callScope(modules: readonly ModuleStep[], module: ConfigModule, call: PlanModuleCall, key: InstanceKey | undefined): Scope {
    const scope: Scope = { modules, module, ...(key !== undefined ? { key } : {}) };
    return call.for_each_expression ? { ...scope, forEach: { expression: call.for_each_expression, scope } } : scope;
  }

  private instance(modules: readonly ModuleStep[], mode: "managed" | "data", type: string, name: string, key: InstanceKey | undefined, path: Path, config?: PlanConfigResource): Target {
    const address: InstanceAddress = { modules, mode, type, name, ...(key !== undefined ? { key } : {}) };
    const rc = this.byInstance.get(instanceId(address));
    return { address: rc?.address ?? formatAddress(address), type, mode, path, ...(rc ? { rc } : {}), ...(config ? { config } : {}) };
  }
}

function configModule(raw: PlanConfigModule | undefined, parent?: ConfigModule["parent"]): ConfigModule {
  const resources = new Map<string, PlanConfigResource>();
  for (const resource of raw?.resources ?? []) resources.set(resource.address, resource);
  const outputs = new Map<string, PlanExpression>();
  for (const [name, output] of Object.entries(raw?.outputs ?? {})) if (output.expression) outputs.set(name, output.expression);
  const calls = new Map<string, { call: PlanModuleCall; module: ConfigModule }>();
  const module: ConfigModule = { resources, calls, outputs, ...(parent ? { parent } : {}) };
  for (const [name, call] of Object.entries(raw?.module_calls ?? {})) calls.set(name, { call, module: configModule(call.module, { module, call }) });
  return module;
}

function expressionOf(owner: { readonly expressions?: Readonly<Record<string, unknown>> } | undefined, attribute: string): PlanExpression | undefined {
  const value = owner?.expressions && Object.prototype.hasOwnProperty.call(owner.expressions, attribute) ? owner.expressions[attribute] : undefined;
  return isObject(value) ? (value as PlanExpression) : undefined;
}

function withPath(target: Target, path: Path): Target {
  return path.length === 0 ? target : { ...target, path: [...target.path, ...path] };
}

function describeAzureId(value: string): string | undefined {
  const vaultUrl = /^https:\/\/([^.]+)\.vault\.azure\.net\/secrets\/([^/]+)/i.exec(value);
  if (vaultUrl) return `secret ${code(vaultUrl[2])} in key vault ${code(vaultUrl[1])}`;
  const provider = /\/providers\/([^/]+)\/([^/]+)\/([^/]+)(?:\/([^/]+)\/([^/]+))?\/?$/i.exec(value);
  if (provider) {
    const [, namespace, type, name, childType, child] = provider;
    const kind = `${namespace}/${type}`.toLowerCase();
    if (kind === "microsoft.keyvault/vaults") return childType?.toLowerCase() === "secrets" ? `secret ${code(child)} in key vault ${code(name)}` : `key vault ${code(name)}`;
    if (kind === "microsoft.containerservice/managedclusters") return `cluster ${code(name)}`;
    if (kind === "microsoft.managedidentity/userassignedidentities") return `managed identity ${code(name)}`;
    return undefined;
  }
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/?$/i.exec(value);
  if (group) return `resource group ${code(group[1])}`;
  const subscription = /^\/subscriptions\/([^/]+)\/?$/i.exec(value);
  return subscription ? `subscription ${code(subscription[1])}` : undefined;
}

function rawValue(value: unknown, role: Role): string {
  return role === "issuer" ? code(String(value)) : `${role} ${code(typeof value === "string" ? value : JSON.stringify(value))}`;
}

export function grantText(grant: Grant): string {
  const type = grant.principalType ? ` (${grant.principalType})` : "";
  return `${grant.principal}${type} → ${grant.role} → ${grant.scope}`;
}

export function trustText(trust: Trust): string {
  return `${trust.identity} ← ${trust.issuer} + ${trust.subject}`;
}

function sameGrant(a: Grant, b: Grant): boolean {
  return grantText(a) === grantText(b);
}

function sameTrust(a: Trust, b: Trust): boolean {
  return trustText(a) === trustText(b);
}

/**
 * Whether a sensitive attribute's value changes. `terraform show -json` writes sensitive values
 * too (marked, not hidden); they are compared here and never shown. Without both values, an
 * update is taken to change it.
 */
function sensitiveChanges(rc: PlanResourceChange, attribute: string): boolean {
  if (markedOnPath(rc.change.after_unknown, [attribute])) return true;
  const before = dig(rc.change.before, [attribute]);
  const after = dig(rc.change.after, [attribute]);
  if (before === undefined || after === undefined) return true;
  return JSON.stringify(before) !== JSON.stringify(after);
}

/** Reads one value of one side of a change, honouring sensitivity and unknowns. */
function readValue(rc: PlanResourceChange, side: Side, path: Path): Read {
  if (path.some((part) => NEVER_READ.has(String(part)))) return { state: "sensitive" };
  const change = rc.change;
  if (markedOnPath(side === "before" ? change.before_sensitive : change.after_sensitive, path)) return { state: "sensitive" };
  if (side === "after" && markedOnPath(change.after_unknown, path)) return { state: "unknown" };
  const value = dig(side === "before" ? change.before : change.after, path);
  return value === undefined || value === null ? { state: "absent" } : { state: "known", value };
}

/** Whether a marker tree (`after_unknown`, `*_sensitive`) has `true` at the path, above it, or anywhere below it. */
function markedOnPath(tree: unknown, path: Path): boolean {
  let node = tree;
  for (const part of path) {
    if (node === true) return true;
    node = own(node, part);
  }
  return hasTrue(node);
}

function dig(value: unknown, path: Path): unknown {
  let node = value;
  for (const part of path) node = own(node, part);
  return node;
}

/** A child of an object or list, never one inherited from a prototype (`constructor`, `__proto__`). */
/** Equal, counting null, absent and empty as the same (plans differ on which they write). */
function sameValue(a: unknown, b: unknown): boolean {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) && isEmpty(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}


function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}
