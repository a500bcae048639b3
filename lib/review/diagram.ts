/**
 * The workload identity chain of a synthesized stack as a Mermaid flowchart: cluster OIDC issuer →
 * federated credential → managed identity → role assignment → key vault or secret, with each
 * service account (the credential's subject) and the pod that runs as it, grouped by namespace.
 *
 * It reads the synthesized Terraform JSON rather than the constructs, so it shows what Terraform
 * will be given, whatever built it.
 */

import { block, readBlocks, TerraformBlock } from "../terraform-json/blocks";
import { isObject, JsonObject } from "../terraform-json/json";
import { Path, pathText, referencedAddresses, replaceInterpolations, soleReference } from "../terraform-json/references";

/** Where `cdktf synth` writes the stack, relative to the project directory. */
export const SYNTHESIZED_STACK_JSON = "cdktf.out/stacks/aks-workload-identity/cdk.tf.json";

/** The stack's resources and data sources by address (`type.name`, `data.type.name`), in address order. */
type Index = ReadonlyMap<string, TerraformBlock>;

/** What a node stands for; the order is the order nodes are written in, roughly left to right. */
const KIND_ORDER = ["cluster", "issuer", "account", "pod", "fic", "identity", "deployer", "principal", "role", "secret", "vault", "scope", "other"] as const;
type Kind = (typeof KIND_ORDER)[number];

interface KindInfo {
  readonly kind: Kind;
  /** First line of the label and, for data sources, prefixed with "existing". */
  readonly title: string;
}

const TYPES: Readonly<Record<string, KindInfo>> = {
  azurerm_kubernetes_cluster: { kind: "cluster", title: "AKS cluster" },
  azurerm_federated_identity_credential: { kind: "fic", title: "federated credential" },
  azurerm_user_assigned_identity: { kind: "identity", title: "managed identity" },
  azurerm_client_config: { kind: "deployer", title: "deployer" },
  azurerm_role_assignment: { kind: "role", title: "role assignment" },
  azurerm_key_vault_secret: { kind: "secret", title: "secret" },
  azurerm_key_vault: { kind: "vault", title: "key vault" },
  kubernetes_service_account_v1: { kind: "account", title: "service account" },
  kubernetes_service_account: { kind: "account", title: "service account" },
  kubernetes_pod_v1: { kind: "pod", title: "pod" },
  kubernetes_pod: { kind: "pod", title: "pod" },
};

/** Prefixes that keep node ids clear of Mermaid keywords such as `end` and of `o`/`x` arrow heads. */
const ID_PREFIX: Readonly<Record<Kind, string>> = {
  cluster: "cluster",
  issuer: "issuer",
  account: "sa",
  pod: "pod",
  fic: "fic",
  identity: "identity",
  deployer: "deployer",
  principal: "principal",
  role: "role",
  secret: "secret",
  vault: "vault",
  scope: "scope",
  other: "res",
};

interface GraphNode {
  /** Address of the Terraform object, or `literal:…` for a value that names nothing in the stack. */
  readonly key: string;
  readonly kind: Kind;
  /** What the node's id is made from. Ids are handed out only once every node is known, in sorted order, so they never depend on the order nodes were found in. */
  readonly idHint: string;
  readonly lines: readonly string[];
  /** The namespace a service account or pod is in. */
  readonly namespace?: string;
}

interface GraphEdge {
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly label: string;
  readonly dotted?: boolean;
}

/** The order edges are written in: the chain from left to right. */
const EDGE_ORDER = ["issuer", "subject", "federates", "principal", "scope", "in", "used by", "reads"];

/**
 * Renders the identity chain of synthesized Terraform JSON (a parsed `cdk.tf.json`) as Mermaid
 * flowchart source, ending in a newline.
 * @throws when `tf` is not a Terraform JSON configuration
 */
export function identityDiagram(tf: unknown): string {
  const index = indexObjects(tf);
  const graph = new Graph(index);

  for (const obj of index.values()) {
    const kind = TYPES[obj.type]?.kind;
    // The deployer matters only as the holder of a role, so it appears through a role's principal.
    if (kind !== undefined && kind !== "deployer") graph.nodeFor(obj.address);
  }
  for (const obj of index.values()) {
    const { body } = obj;
    switch (obj.type) {
      case "azurerm_federated_identity_credential": {
        const credential = graph.nodeFor(obj.address);
        for (const issuer of graph.endpoints(body.issuer, "issuer", "OIDC issuer")) graph.edge(issuer, credential, "issuer");
        for (const account of graph.references(body.subject, "account")) graph.edge(account, credential, "subject");
        for (const identity of graph.references(body.parent_id)) graph.edge(credential, identity, "federates");
        break;
      }
      case "azurerm_role_assignment": {
        const role = graph.nodeFor(obj.address);
        for (const principal of graph.endpoints(body.principal_id, "principal", "principal")) graph.edge(principal, role, "principal");
        for (const scope of graph.endpoints(body.scope, "scope", "scope")) graph.edge(role, scope, "scope");
        break;
      }
      case "azurerm_key_vault_secret":
        for (const vault of graph.references(body.key_vault_id)) graph.edge(graph.nodeFor(obj.address), vault, "in");
        break;
      default:
        if (TYPES[obj.type]?.kind === "pod") graph.connectPod(obj);
    }
  }
  return graph.render();
}

class Graph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();

  constructor(private readonly index: Index) {}

  /** The node of the Terraform object at `address`, made on first use. */
  public nodeFor(address: string): GraphNode {
    const existing = this.nodes.get(address);
    if (existing) return existing;
    const obj = this.index.get(address)!;
    const info = TYPES[obj.type];
    const kind = info?.kind ?? "other";
    const isData = obj.mode === "data";
    const title = info ? `${isData && kind !== "deployer" ? "existing " : ""}${info.title}` : `${isData ? "data " : ""}${obj.type}`;
    const node: GraphNode = {
      key: address,
      kind,
      idHint: obj.name,
      lines: [title, this.describe(obj)],
      namespace: kind === "account" || kind === "pod" ? this.text(metadata(obj.body).namespace ?? "default") : undefined,
    };
    this.nodes.set(address, node);
    return node;
  }

  /** Nodes of the stack's objects that `value` refers to, of the given kinds (or any kind). */
  public references(value: unknown, ...kinds: Kind[]): GraphNode[] {
    return referencedAddresses(value)
      .filter((address) => {
        if (!this.index.has(address)) return false;
        const type = this.index.get(address)!.type;
        // The random suffix is part of names, never a link in the chain.
        if (type === "random_id") return false;
        return kinds.length === 0 || kinds.includes(TYPES[type]?.kind ?? "other");
      })
      .map((address) => this.nodeFor(address));
  }

  /** As `references`, or else one node showing the value itself, such as an issuer URL or a principal id. */
  public endpoints(value: unknown, kind: Kind, title: string): GraphNode[] {
    const referenced = this.references(value);
    if (referenced.length > 0 || value === undefined || value === null) return referenced;
    const text = this.text(value);
    const key = `literal:${kind}:${text}`;
    let node = this.nodes.get(key);
    if (!node) {
      node = { key, kind, idHint: text, lines: [title, text] };
      this.nodes.set(key, node);
    }
    return [node];
  }

  public edge(from: GraphNode, to: GraphNode, label: string, dotted = false): void {
    this.edges.set(`${from.key}\u0000${to.key}\u0000${label}`, { from, to, label, dotted });
  }

  public connectPod(pod: TerraformBlock): void {
    const podNode = this.nodeFor(pod.address);
    const spec = block(pod.body, "spec");
    const accountName = spec?.service_account_name;
    let accounts = this.references(accountName, "account");
    if (accounts.length === 0 && accountName !== undefined) {
      // A literal name still identifies the account when the stack creates it in the pod's namespace.
      const name = this.text(accountName);
      accounts = [...this.nodes.values()].filter((n) => n.kind === "account" && n.namespace === podNode.namespace && n.lines[1] === name);
    }
    for (const account of accounts) this.edge(account, podNode, "used by");
    // A pod's environment names the secret it reads; the role chain is what lets it.
    for (const secret of this.references(spec, "secret")) this.edge(podNode, secret, "reads", true);
  }

  public render(): string {
    const ordered = [...this.nodes.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.key, b.key));
    const ids = new UniqueIds();
    const idOf = new Map(ordered.map((node) => [node, ids.take(ID_PREFIX[node.kind], node.idHint)]));
    const declare = (node: GraphNode) => `${idOf.get(node)}[${quote(node.lines.filter((line) => line !== "").join("\n"))}]`;
    const namespaces = new Map<string, GraphNode[]>();
    for (const node of ordered) {
      if (node.namespace !== undefined) namespaces.set(node.namespace, [...(namespaces.get(node.namespace) ?? []), node]);
    }
    const namespaceIds = new Map([...namespaces.keys()].map((name) => [name, ids.take("ns", name)]));

    const lines = ["flowchart LR"];
    const written = new Set<string>();
    for (const node of ordered) {
      if (node.namespace === undefined) {
        lines.push(`  ${declare(node)}`);
      } else if (!written.has(node.namespace)) {
        written.add(node.namespace);
        lines.push(`  subgraph ${namespaceIds.get(node.namespace)}[${quote(`namespace ${node.namespace}`)}]`);
        for (const member of namespaces.get(node.namespace)!) lines.push(`    ${declare(member)}`);
        lines.push("  end");
      }
    }
    const position = new Map(ordered.map((node, i) => [node, i]));
    const edges = [...this.edges.values()].sort(
      (a, b) =>
        EDGE_ORDER.indexOf(a.label) - EDGE_ORDER.indexOf(b.label) || position.get(a.from)! - position.get(b.from)! || position.get(a.to)! - position.get(b.to)!,
    );
    for (const edge of edges) lines.push(`  ${idOf.get(edge.from)} ${edge.dotted ? "-.->" : "-->"}|${edge.label}| ${idOf.get(edge.to)}`);
    return `${lines.join("\n")}\n`;
  }

  /** The second line of a node's label: the name a person knows the object by. */
  private describe(obj: TerraformBlock): string {
    const { body } = obj;
    if (obj.type === "azurerm_client_config") return "principal running Terraform";
    if (obj.type === "azurerm_role_assignment") return this.text(body.role_definition_name ?? body.role_definition_id ?? "");
    const name = body.name ?? metadata(body).name;
    return name === undefined ? obj.name : this.text(name);
  }

  /** `value` as a person reads it: references to literal names followed, other interpolations as `{expression}`. */
  public text(value: unknown, depth = 0): string {
    if (typeof value !== "string") return typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value) ?? "";
    return replaceInterpolations(value, (expression) => {
      const reference = soleReference(expression);
      // One instance of a counted or for_each resource has the arguments of all of them: only a reference without a key is followed.
      const target = reference?.kind === "resource" && reference.key === undefined ? this.index.get(reference.address) : undefined;
      if (reference && target) {
        // The stack's random suffix is `{suffix}` in the configuration; show it the same way.
        if (target.type === "random_id" && target.mode === "managed" && pathText(reference.path) === "hex") return `{${target.name.toLowerCase()}}`;
        const resolved = attribute(target.body, reference.path);
        // Names are followed through a few hops (pod → service account → namespace); the limit guards against cycles.
        if ((typeof resolved === "string" || typeof resolved === "number") && depth < 8) return this.text(resolved, depth + 1);
      }
      return `{${expression}}`;
    });
  }
}

/** Mermaid-safe ids (letters, digits, underscores) that stay unique however names collide. */
class UniqueIds {
  private readonly taken = new Set<string>();

  public take(prefix: string, hint: string): string {
    // cdktf's 8-hex-digit hash only makes logical ids unique; the prefix and the counter do that here.
    const words = hint
      .replace(/_[0-9A-F]{8}$/, "")
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "");
    const base = words === "" ? prefix : `${prefix}_${words}`;
    let id = base;
    for (let n = 2; this.taken.has(id); n++) id = `${base}_${n}`;
    this.taken.add(id);
    return id;
  }
}

/**
 * A Mermaid string label. Inside quotes only `"` ends the string, but the renderer decodes `#…;`
 * entity codes and HTML entities, renders HTML, and treats a leading backtick as Markdown; so each
 * of those characters is written as an entity code, which shows as the character itself.
 */
function quote(label: string): string {
  const escaped = label
    .replace(/#/g, "#35;")
    .replace(/&/g, "#amp;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/\r?\n/g, "<br/>");
  return `"${escaped}"`;
}

function indexObjects(tf: unknown): Index {
  if (!isObject(tf) || !(isObject(tf.resource) || isObject(tf.data))) {
    throw new Error('not a synthesized Terraform configuration: expected a JSON object with a "resource" or "data" block');
  }
  return new Map(
    readBlocks(tf)
      .map((b): [string, TerraformBlock] => [b.address, b])
      .sort(([a], [b]) => compare(a, b)),
  );
}

/** Follows `metadata[0].name` or `tags["team"]` through a body; cdktf writes single nested blocks as objects, not lists. */
function attribute(body: JsonObject, path: Path): unknown {
  let current: unknown = body;
  for (const step of path) {
    if (typeof step === "number") current = Array.isArray(current) ? current[step] : step === 0 ? current : undefined;
    else current = isObject(current) ? current[step] : undefined;
  }
  return current;
}

function metadata(body: JsonObject): JsonObject {
  return block(body, "metadata") ?? {};
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
