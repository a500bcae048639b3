import { isObject, JsonObject, objectsOf } from "./json";

/**
 * The resources and data sources of synthesized Terraform JSON (a parsed `cdk.tf.json`), read the
 * way Terraform reads them: each level (`resource`, the types, the names) may be one object or a list
 * of objects, and a nested block (`default_node_pool`, `network_acls`…) too.
 */

/** A `resource` or `data` block of the configuration. */
export interface TerraformBlock {
  /** `managed` for a resource, `data` for a data source, as plans say it. */
  readonly mode: "managed" | "data";
  /** Resource type, e.g. `azurerm_kubernetes_cluster`. */
  readonly type: string;
  /** Logical id, e.g. `Cluster_3DA9CCBA`. */
  readonly name: string;
  /** How expressions refer to it: `type.name`, or `data.type.name` for a data source. */
  readonly address: string;
  /** Construct path from `//.metadata.path`, or the address when the JSON carries none. */
  readonly path: string;
  /** The block's arguments as synthesized. */
  readonly body: JsonObject;
}

/** Every block of a configuration, and the addresses it declares. */
export interface TerraformDocument {
  /** Resources, then data sources, in the order the JSON lists them. */
  readonly blocks: readonly TerraformBlock[];
  /** The managed resources of `blocks`. */
  readonly resources: readonly TerraformBlock[];
  /** The address of every block: `type.name` and `data.type.name`. */
  readonly addresses: ReadonlySet<string>;
}

/** The blocks of `tf`; nothing for a value that is not Terraform JSON. */
export function readBlocks(tf: unknown): TerraformBlock[] {
  const root = isObject(tf) ? tf : {};
  const found: TerraformBlock[] = [];
  for (const mode of ["managed", "data"] as const) {
    for (const byType of objectsOf(root[mode === "data" ? "data" : "resource"])) {
      for (const [type, byName] of Object.entries(byType)) {
        for (const named of objectsOf(byName)) {
          for (const [name, bodyValue] of Object.entries(named)) {
            for (const body of objectsOf(bodyValue)) {
              const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
              const meta = block(block(body, "//"), "metadata");
              found.push({ mode, type, name, address, path: typeof meta?.path === "string" ? meta.path : address, body });
            }
          }
        }
      }
    }
  }
  return found;
}

/** The blocks of `tf`, with its resources and addresses. */
export function readDocument(tf: unknown): TerraformDocument {
  const blocks = readBlocks(tf);
  return { blocks, resources: blocks.filter((b) => b.mode === "managed"), addresses: new Set(blocks.map((b) => b.address)) };
}

/** The first object of a nested block (`default_node_pool`, `metadata`…), or undefined when absent. */
export function block(parent: JsonObject | undefined, name: string): JsonObject | undefined {
  return parent === undefined ? undefined : objectsOf(parent[name])[0];
}

/** Every object of a repeatable nested block (`container`…). */
export function blocks(parent: JsonObject | undefined, name: string): JsonObject[] {
  return parent === undefined ? [] : objectsOf(parent[name]);
}
