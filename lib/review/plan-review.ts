/**
 * A pull-request reviewer's reading of a Terraform plan of this stack: what changes, who gains or
 * loses access to what, which workloads trust which issuer, and what could hurt. Pure functions over
 * `terraform show -json <planfile>` output; the CLI is `scripts/plan-review.ts`.
 */
import { cell, code, scalar } from "./markdown";

/** The parts of `terraform show -json <planfile>` output the review reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly configuration?: { readonly root_module?: PlanConfigModule };
}

export interface PlanResourceChange {
  /** e.g. `azurerm_key_vault.KeyVault_DE550064` or `data.azurerm_client_config.Deployer`. */
  readonly address: string;
  readonly module_address?: string;
  readonly mode?: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** e.g. `replace_because_cannot_update`, `replace_by_triggers`, `delete_because_no_resource_config`. */
  readonly action_reason?: string;
  readonly change: PlanChange;
}

export interface PlanChange {
  /** `["create"]`, `["update"]`, `["delete", "create"]`, `["create", "delete"]`, `["delete"]`, `["no-op"]`, `["read"]`… */
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  /** The shape of `after` with `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** The shape of `before` with `true` where the value is sensitive (or `true` for all of it). */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
}

export interface PlanConfigModule {
  readonly resources?: readonly PlanConfigResource[];
}

export interface PlanConfigResource {
  readonly address: string;
  readonly mode?: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Per argument: a `PlanExpression`, or for nested blocks a list of objects of them. */
  readonly expressions?: Readonly<Record<string, unknown>>;
}

export interface PlanExpression {
  readonly constant_value?: unknown;
  /** What the expression refers to, deepest first: `azurerm_user_assigned_identity.X.principal_id`, `azurerm_user_assigned_identity.X`. */
  readonly references?: readonly string[];
}

/** What a change does to a resource, as a reviewer reads it; reads and no-ops are left out. */
export type ReviewAction = "create" | "update" | "replace" | "destroy";

/** In the order the counts and tables list them. */
export const REVIEW_ACTIONS: readonly ReviewAction[] = ["create", "update", "replace", "destroy"];

/**
 * Descriptions (`name`, `principal`, `role`, `scope`, `identity`, `issuer`, `subject`, `credential`,
 * risk `message`) are Markdown inline text, one line each: every value taken from the plan is in a
 * code span made by `./markdown`, e.g. "managed identity `myIdentityabc123`", since whoever opens
 * the pull request writes those values. Addresses and attribute names are kept as they are, for the renderer to quote.
 */
export interface ChangeRow {
  readonly action: ReviewAction;
  readonly address: string;
  /** The planned name (`name`, or `metadata[0].name`), with the old one when a replacement renames. */
  readonly name?: string;
  /** Top-level attributes that change, sorted; for a replacement only the ones that force it or change known values. */
  readonly changed: readonly string[];
  /** The subset of `changed` that forces the replacement. */
  readonly forcesReplacement: readonly string[];
  /** Why a replacement happens when no attribute forces it, e.g. `replace_triggered_by`. */
  readonly reason?: string;
}

export interface Grant {
  readonly principal: string;
  readonly role: string;
  readonly scope: string;
}

export interface AccessChange extends Grant {
  readonly action: ReviewAction;
  readonly address: string;
  /** For a replacement: the grant it replaces, when it differs. */
  readonly was?: Grant;
}

export interface Trust {
  readonly identity: string;
  readonly issuer: string;
  readonly subject: string;
}

export interface FederationChange extends Trust {
  readonly action: ReviewAction;
  readonly address: string;
  /** Name of the federated identity credential. */
  readonly credential: string;
  /** For an update or replacement: the trust it replaces, when it differs. */
  readonly was?: Trust;
}

export type RiskKind =
  | "key-vault-removed"
  | "cluster-removed"
  | "federation-broken"
  | "workload-identity-disabled"
  | "oidc-issuer-switched"
  | "secret-rewritten";

/** In the order the risks are listed: what cannot be undone first. */
const RISK_ORDER: readonly RiskKind[] = [
  "key-vault-removed",
  "cluster-removed",
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
  readonly counts: Readonly<Record<ReviewAction, number>>;
  readonly changes: readonly ChangeRow[];
  readonly accessChanges: readonly AccessChange[];
  readonly federations: readonly FederationChange[];
  readonly risks: readonly Risk[];
}

/** The input is not `terraform show -json` output of a plan. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFormatError";
  }
}

/**
 * Never read, whatever the sensitivity markers say: secret values, and cluster credentials (a plan
 * made with a provider that forgets to mark them would otherwise print them).
 */
const NEVER_READ = new Set(["value", "value_wo", "kube_config", "kube_admin_config", "kube_config_raw", "kube_admin_config_raw"]);

/** Azure's default soft-delete retention, when the plan does not say. */
const DEFAULT_RETENTION = "the soft-delete retention period (90 days by default)";

type Side = "before" | "after";
type Read = { readonly state: "known"; readonly value: unknown } | { readonly state: "unknown" | "sensitive" | "absent" };
type Path = readonly (string | number)[];

/** Reads the plan; throws `PlanFormatError` when it is not a plan. */
export function reviewPlan(plan: unknown): PlanReview {
  const checked = checkPlan(plan);
  const model = new PlanModel(checked);
  const reviewed = model.changes.flatMap((rc) => {
    const action = reviewAction(rc.change.actions);
    return action ? [{ rc, action }] : [];
  });

  const counts = { create: 0, update: 0, replace: 0, destroy: 0 };
  for (const { action } of reviewed) counts[action]++;
  const byAction = [...reviewed].sort((a, b) => REVIEW_ACTIONS.indexOf(a.action) - REVIEW_ACTIONS.indexOf(b.action) || compare(a.rc.address, b.rc.address));

  const changes = byAction.map(({ rc, action }) => model.changeRow(rc, action));
  const accessChanges = byAction
    .filter(({ rc, action }) => rc.type === "azurerm_role_assignment" && action !== "update")
    .map(({ rc, action }) => model.accessChange(rc, action));
  const federations = byAction
    .filter(({ rc }) => rc.type === "azurerm_federated_identity_credential")
    .map(({ rc, action }) => model.federationChange(rc, action));
  const risks = reviewed
    .flatMap(({ rc, action }) => model.risks(rc, action))
    .sort((a, b) => RISK_ORDER.indexOf(a.kind) - RISK_ORDER.indexOf(b.kind) || compare(a.address, b.address));

  return { terraformVersion: checked.terraform_version, counts, changes, accessChanges, federations, risks };
}

/** GitHub-flavoured Markdown for a pull request: risks first, then counts and changes, access, federations. */
export function renderPlanReview(review: PlanReview): string {
  const lines: string[] = ["## Terraform plan review", ""];

  lines.push(`### Risks (${review.risks.length})`, "");
  if (review.risks.length === 0) lines.push("No risks found.");
  for (const risk of review.risks) lines.push(`- **${risk.title}.** ${risk.message}`);
  lines.push("");

  lines.push("### Changes", "");
  lines.push(`Plan: ${REVIEW_ACTIONS.map((a) => `${review.counts[a]} to ${a}`).join(", ")}.`, "");
  if (review.changes.length > 0) {
    lines.push("| Action | Resource | Name | Changed attributes |", "| --- | --- | --- | --- |");
    for (const row of review.changes) {
      const changed = row.changed.map((attribute) => (row.forcesReplacement.includes(attribute) ? `${code(attribute)} (forces replacement)` : code(attribute)));
      if (row.reason) changed.push(row.reason);
      lines.push(`| ${row.action} | ${cell(code(row.address))} | ${cell(row.name ?? "")} | ${cell(changed.join(", "))} |`);
    }
    lines.push("");
  }

  lines.push("### Access changes", "");
  if (review.accessChanges.length === 0) lines.push("No role assignments are created, replaced or destroyed.");
  for (const access of review.accessChanges) {
    const was = access.was ? ` (was: ${grantText(access.was)})` : "";
    lines.push(`- ${access.action}: ${grantText(access)}${was}`);
  }
  lines.push("");

  lines.push("### Federated credentials", "");
  if (review.federations.length === 0) lines.push("No federated identity credentials change.");
  for (const federation of review.federations) {
    const was = federation.was ? ` (was: ${trustText(federation.was)})` : "";
    lines.push(`- ${federation.action}: ${trustText(federation)}, credential ${federation.credential}${was}`);
  }
  lines.push("");
  return lines.join("\n");
}

function grantText(grant: Grant): string {
  return `${grant.principal} → ${grant.role} → ${grant.scope}`;
}

function trustText(trust: Trust): string {
  return `${trust.identity} ← ${trust.issuer} + ${trust.subject}`;
}

function checkPlan(plan: unknown): PlanJson {
  if (!isObject(plan) || typeof plan.format_version !== "string") {
    throw new PlanFormatError("not Terraform JSON output: expected an object with format_version (run `terraform show -json <planfile>`)");
  }
  const changes = plan.resource_changes;
  if (changes === undefined && !("planned_values" in plan)) {
    throw new PlanFormatError("not a plan (no resource_changes or planned_values): run `terraform show -json <planfile>`, not on the state");
  }
  if (changes !== undefined && !Array.isArray(changes)) throw new PlanFormatError("not a valid plan: resource_changes is not a list");
  (changes ?? []).forEach((rc: unknown, i: number) => {
    const change = isObject(rc) ? rc.change : undefined;
    const ok =
      isObject(rc) &&
      typeof rc.address === "string" &&
      typeof rc.type === "string" &&
      isObject(change) &&
      Array.isArray(change.actions) &&
      change.actions.every((a: unknown) => typeof a === "string");
    if (!ok) throw new PlanFormatError(`not a valid plan: resource_changes[${i}] lacks address, type or change.actions`);
  });
  return plan as unknown as PlanJson;
}

function reviewAction(actions: readonly string[]): ReviewAction | undefined {
  switch (actions.join("+")) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete+create":
    case "create+delete":
      return "replace";
    case "delete":
      return "destroy";
    default:
      return undefined;
  }
}

/** A resource address, and the attribute of it that a reference names. */
interface Target {
  readonly address: string;
  readonly type: string;
  readonly path: Path;
}

/** What a described value stands for: its wording when nothing more can be said. */
type Role = "principal" | "scope" | "identity" | "issuer" | "key vault";

/** Attributes that identify a resource when another resource holds their value, by type. */
const IDENTIFYING: Readonly<Record<string, readonly Path[]>> = {
  azurerm_user_assigned_identity: [["id"], ["principal_id"], ["client_id"]],
  azurerm_kubernetes_cluster: [["id"], ["oidc_issuer_url"], ["identity", 0, "principal_id"], ["kubelet_identity", 0, "object_id"]],
  azurerm_key_vault_secret: [["id"], ["versionless_id"], ["resource_id"], ["resource_versionless_id"]],
};

class PlanModel {
  /** Every resource change, sorted by address. */
  public readonly changes: readonly PlanResourceChange[];
  private readonly byAddress = new Map<string, PlanResourceChange>();
  private readonly config = new Map<string, PlanConfigResource>();
  private readonly valueIndex = new Map<string, { readonly target: Target; readonly side: Side }>();

  constructor(plan: PlanJson) {
    this.changes = [...(plan.resource_changes ?? [])].sort((a, b) => compare(a.address, b.address));
    for (const rc of this.changes) this.byAddress.set(rc.address, rc);
    for (const resource of plan.configuration?.root_module?.resources ?? []) this.config.set(resource.address, resource);
    for (const side of ["after", "before"] as const) {
      for (const rc of this.changes) {
        for (const path of IDENTIFYING[rc.type] ?? [["id"]]) {
          const read = readValue(rc, side, path);
          if (read.state === "known" && typeof read.value === "string" && read.value !== "" && !this.valueIndex.has(read.value)) {
            this.valueIndex.set(read.value, { target: { address: rc.address, type: rc.type, path }, side });
          }
        }
      }
    }
  }

  public changeRow(rc: PlanResourceChange, action: ReviewAction): ChangeRow {
    const name = this.nameRow(rc, action);
    if (action === "create" || action === "destroy") return { action, address: rc.address, name, changed: [], forcesReplacement: [] };
    const forced = [...new Set((rc.change.replace_paths ?? []).map((path) => String(path[0])))].sort(compare);
    const before = asObject(rc.change.before);
    const after = asObject(rc.change.after);
    const unknown = asObject(rc.change.after_unknown);
    const attributes = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])].sort(compare);
    const changed = attributes.filter((attribute) => {
      if (forced.includes(attribute)) return true;
      // A replacement leaves every computed attribute unknown; only what the configuration changes matters.
      if (hasTrue(unknown[attribute])) return action === "update" && !isEmpty(before[attribute]);
      return !sameValue(before[attribute], after[attribute]);
    });
    const reason = action === "replace" && forced.length === 0 && rc.action_reason === "replace_by_triggers" ? "`replace_triggered_by`" : undefined;
    return { action, address: rc.address, name, changed, forcesReplacement: forced, ...(reason ? { reason } : {}) };
  }

  public accessChange(rc: PlanResourceChange, action: ReviewAction): AccessChange {
    const grant = (side: Side): Grant => ({
      principal: this.describeAttribute(rc, "principal_id", side, "principal"),
      role: this.role(rc, side),
      scope: this.describeAttribute(rc, "scope", side, "scope"),
    });
    if (action === "destroy") return { action, address: rc.address, ...grant("before") };
    const now = grant("after");
    const was = action === "replace" ? grant("before") : undefined;
    return { action, address: rc.address, ...now, ...(was && grantText(was) !== grantText(now) ? { was } : {}) };
  }

  public federationChange(rc: PlanResourceChange, action: ReviewAction): FederationChange {
    const side: Side = action === "destroy" ? "before" : "after";
    const credential = this.name(rc.address, side) ?? code(rc.address);
    const now = this.trust(rc, side);
    const was = action === "update" || action === "replace" ? this.trust(rc, "before") : undefined;
    return { action, address: rc.address, credential, ...now, ...(was && trustText(was) !== trustText(now) ? { was } : {}) };
  }

  public risks(rc: PlanResourceChange, action: ReviewAction): Risk[] {
    const removed = action === "replace" || action === "destroy";
    const risk = (kind: RiskKind, title: string, message: string): Risk => ({ kind, address: rc.address, title, message });
    switch (rc.type) {
      case "azurerm_key_vault":
        return removed ? [risk("key-vault-removed", `Key vault ${action === "replace" ? "replaced" : "destroyed"}`, this.vaultRemoved(rc, action))] : [];
      case "azurerm_kubernetes_cluster":
        return this.clusterRisks(rc, action).map(([kind, title, message]) => risk(kind, title, message));
      case "azurerm_federated_identity_credential": {
        const message = this.federationBroken(rc, action);
        const title = { create: "", update: "Federated credential changed", replace: "Federated credential replaced", destroy: "Federated credential destroyed" }[action];
        return message ? [risk("federation-broken", title, message)] : [];
      }
      case "azurerm_key_vault_secret": {
        const [before, after] = [readValue(rc, "before", ["value_wo_version"]), readValue(rc, "after", ["value_wo_version"])];
        if (action !== "update" || before.state !== "known" || after.state !== "known" || before.value === after.value) return [];
        const secret = capitalize(this.describeTarget(resourceTarget(rc), "after", "scope"));
        return [
          risk(
            "secret-rewritten",
            "Secret rewritten",
            `${secret} is written again (\`value_wo_version\` ${scalar(before.value)} → ${scalar(after.value)}): its value becomes the one supplied to this apply, and workloads read that from then on.`,
          ),
        ];
      }
      default:
        return [];
    }
  }

  private vaultRemoved(rc: PlanResourceChange, action: ReviewAction): string {
    const oldName = this.name(rc.address, "before") ?? code(rc.address);
    const retention = readValue(rc, "before", ["soft_delete_retention_days"]);
    const period = retention.state === "known" && typeof retention.value === "number" ? `${retention.value} days` : DEFAULT_RETENTION;
    const purge = readValue(rc, "before", ["purge_protection_enabled"]);
    const holder = purge.state === "known" && purge.value === false ? "soft delete keeps" : "purge protection keeps";
    if (action === "destroy") {
      return `Key vault ${oldName} is deleted with its secrets; ${holder} its name reserved for up to ${period}, so ${oldName} cannot be reused until then.`;
    }
    const newName = this.name(rc.address, "after");
    if (newName === undefined || newName === oldName) {
      return `Key vault ${oldName} is deleted and created again under the same name, but ${holder} the deleted vault and its name for up to ${period}: the create recovers it or fails.`;
    }
    return `Key vault ${oldName} is replaced by ${newName}: the old vault is deleted with its secrets, and ${holder} its name reserved for up to ${period}, so ${oldName} cannot be reused until then.`;
  }

  private clusterRisks(rc: PlanResourceChange, action: ReviewAction): [RiskKind, string, string][] {
    const cluster = this.name(rc.address, action === "create" ? "after" : "before") ?? code(rc.address);
    if (action === "destroy") return [["cluster-removed", "Cluster destroyed", `Cluster ${cluster} is deleted with every workload on it.`]];
    const risks: [RiskKind, string, string][] = [];
    if (action === "replace") {
      risks.push([
        "cluster-removed",
        "Cluster replaced",
        `Cluster ${cluster} is deleted and created again: every workload on it is lost, and its OIDC issuer URL changes, so federated credentials trusting the old one stop working.`,
      ]);
    }
    if (action === "create") return risks;
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

  private federationBroken(rc: PlanResourceChange, action: ReviewAction): string | undefined {
    if (action === "create") return undefined;
    const credential = this.name(rc.address, "before") ?? code(rc.address);
    const identity = this.describeAttribute(rc, "parent_id", "before", "identity");
    const subject = this.subject(rc, "before");
    const who = `pods running as ${subject} lose access to Azure`;
    if (action === "destroy") return `Credential ${credential} of ${identity} is deleted: ${who}.`;
    if (action === "replace") return `Credential ${credential} of ${identity} is deleted and created again: ${who} until the new one has propagated.`;
    const changes: string[] = [];
    for (const attribute of ["issuer", "subject"]) {
      const [before, after] = [readValue(rc, "before", [attribute]), readValue(rc, "after", [attribute])];
      if (before.state !== "known" || (after.state === "known" && after.value === before.value) || after.state === "absent") continue;
      const to = after.state === "known" ? code(String(after.value)) : after.state === "sensitive" ? "a sensitive value" : "a value known after apply";
      changes.push(`its ${attribute} from ${code(String(before.value))} to ${to}`);
    }
    return changes.length > 0 ? `Credential ${credential} of ${identity} changes ${changes.join(" and ")}: ${who}.` : undefined;
  }

  private nameRow(rc: PlanResourceChange, action: ReviewAction): string | undefined {
    // A role assignment's name is a GUID; the access section says what it grants.
    if (rc.type === "azurerm_role_assignment") return undefined;
    if (action === "destroy") return this.name(rc.address, "before");
    const now = this.name(rc.address, "after");
    const was = action === "replace" ? this.name(rc.address, "before") : undefined;
    return now !== undefined && was !== undefined && was !== now ? `${now} (was ${was})` : now;
  }

  private role(rc: PlanResourceChange, side: Side): string {
    const name = readValue(rc, side, ["role_definition_name"]);
    if (name.state === "known" && typeof name.value === "string") return code(name.value);
    const id = readValue(rc, side, ["role_definition_id"]);
    if (id.state === "known" && typeof id.value === "string") return `role ${code(id.value.split("/").pop() ?? id.value)}`;
    return name.state === "sensitive" || id.state === "sensitive" ? "a sensitive role" : "a role known after apply";
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
    const account = this.references(rc.address, "subject").find((t) => t.type.startsWith("kubernetes_service_account"));
    const accountChange = account && this.byAddress.get(account.address);
    if (accountChange) {
      const name = readValue(accountChange, side, ["metadata", 0, "name"]);
      const namespace = readValue(accountChange, side, ["metadata", 0, "namespace"]);
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
    const reference = this.references(rc.address, attribute)[0];
    if (side === "after" || read.state !== "known") {
      if (reference) return this.describeTarget(reference, side, role);
      if (read.state === "known") return this.describeValue(read.value, role) ?? rawValue(read.value, role);
      return read.state === "unknown" ? `${withArticle(role)} known after apply` : `no ${role}`;
    }
    const matched = this.describeValue(read.value, role);
    if (matched) return matched;
    const after = readValue(rc, "after", [attribute]);
    const unchanged = after.state === "known" && sameValue(after.value, read.value);
    // Without a match, the reference still says what it was when nothing was meant to change it.
    if (reference && (unchanged || reviewAction(rc.change.actions) === "destroy")) return this.describeTarget(reference, side, role);
    return rawValue(read.value, role);
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
    const name = this.name(target.address, side) ?? code(target.address);
    const attribute = target.path[0];
    switch (target.type) {
      case "azurerm_user_assigned_identity":
        return `managed identity ${name}`;
      case "azurerm_key_vault":
        return `key vault ${name}`;
      case "azurerm_key_vault_secret": {
        const secret = this.byAddress.get(target.address);
        const vault = secret ? this.describeAttribute(secret, "key_vault_id", side, "key vault") : this.vaultOfConfiguredSecret(target.address, side);
        return `secret ${name} in ${vault}`;
      }
      case "azurerm_kubernetes_cluster":
        if (attribute === "identity") return `identity of cluster ${name}`;
        if (attribute === "kubelet_identity") return `kubelet identity of cluster ${name}`;
        return role === "issuer" || attribute === "oidc_issuer_url" ? `OIDC issuer of cluster ${name}` : `cluster ${name}`;
      case "azurerm_resource_group":
        return `resource group ${name}`;
      default:
        // A plan's resource type is the author's text like any other: in a code span, where nothing links.
        return `${code(target.type)} ${name}`;
    }
  }

  private vaultOfConfiguredSecret(address: string, side: Side): string {
    const vault = this.references(address, "key_vault_id")[0];
    return vault ? this.describeTarget(vault, side, "key vault") : "a key vault";
  }

  /** The planned name, else the configured one; undefined when sensitive or not known yet. */
  private name(address: string, side: Side): string | undefined {
    const rc = this.byAddress.get(address);
    const paths: Path[] = [["name"], ["metadata", 0, "name"]];
    for (const path of paths) {
      if (!rc) break;
      let read = readValue(rc, side, path);
      // Absent after a change only when the plan leaves it out; a name does not go away.
      if (read.state === "absent" && side === "after") read = readValue(rc, "before", path);
      if (read.state === "sensitive") return undefined;
      if (read.state === "known" && typeof read.value === "string") return code(read.value);
    }
    // A name known only at apply is still worth showing as configured: `kv-workload-id${random_id.Suffix.hex}`.
    const configured = expression(this.config.get(address), "name")?.constant_value;
    return typeof configured === "string" ? code(configured) : undefined;
  }

  /** The resources an argument refers to in the configuration, deepest reference first. */
  private references(address: string, attribute: string): Target[] {
    const targets: Target[] = [];
    for (const reference of expression(this.config.get(address), attribute)?.references ?? []) {
      const target = parseReference(reference);
      if (target && !targets.some((t) => t.address === target.address)) targets.push(target);
    }
    return targets;
  }
}

function expression(resource: PlanConfigResource | undefined, attribute: string): PlanExpression | undefined {
  const value = resource?.expressions?.[attribute];
  return isObject(value) ? (value as PlanExpression) : undefined;
}

function resourceTarget(rc: PlanResourceChange): Target {
  return { address: rc.address, type: rc.type, path: [] };
}

/** `data.azurerm_client_config.Deployer.object_id` → that data source and `["object_id"]`. */
function parseReference(reference: string): Target | undefined {
  const match = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*(?:data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([^.[]+)(?:\[[^\]]*\])?)(?:\.(.+))?$/.exec(reference);
  if (!match) return undefined;
  // split() with a capture interleaves the text between separators with the captured indexes.
  const path = (match[4] ?? "").split(/\.|\[(\d+)\]/).flatMap((part, i): (string | number)[] => {
    if (i % 2 === 1) return part === undefined ? [] : [Number(part)];
    return part ? [part] : [];
  });
  return { address: match[1], type: match[2], path };
}

/** Names what an Azure resource id or Key Vault URL points at. */
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
    node = isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[part] : undefined;
  }
  return hasTrue(node);
}

function hasTrue(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(hasTrue);
  return isObject(node) && Object.values(node).some(hasTrue);
}

function dig(value: unknown, path: Path): unknown {
  let node = value;
  for (const part of path) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

/** Locale-independent, so the output is the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}
