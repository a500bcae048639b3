/**
 * Finds arguments and blocks that the providers' schemas mark deprecated. Terraform core does not
 * warn about them (the real providers do, in their own validation), so the suite checks the
 * synthesized JSON against `terraform providers schema -json` itself.
 */
interface SchemaBlock {
  readonly attributes?: Record<string, { readonly deprecated?: boolean }>;
  readonly block_types?: Record<string, { readonly block: SchemaBlock }>;
  readonly deprecated?: boolean;
}

export interface ProviderSchemas {
  readonly provider_schemas: Record<
    string,
    {
      readonly provider?: { readonly block: SchemaBlock };
      readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
      readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
    }
  >;
}

const META_ARGUMENTS = new Set(["//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection", "alias"]);

type Json = Record<string, unknown>;

export function findDeprecated(config: Json, schemas: ProviderSchemas): string[] {
  const found: string[] = [];
  const providers = Object.entries(schemas.provider_schemas);
  const lookup = (kind: "resource_schemas" | "data_source_schemas", type: string) =>
    providers.map(([, p]) => p[kind]?.[type]?.block).find((b) => b !== undefined);

  for (const [kind, section] of [["resource_schemas", "resource"], ["data_source_schemas", "data"]] as const) {
    for (const [type, byName] of Object.entries((config[section] ?? {}) as Record<string, Record<string, Json>>)) {
      const block = lookup(kind, type);
      for (const [name, body] of Object.entries(byName)) {
        if (block) walk(block, body, `${section === "data" ? "data." : ""}${type}.${name}`, found);
      }
    }
  }
  for (const [name, configs] of Object.entries((config.provider ?? {}) as Record<string, Json[]>)) {
    const block = providers.find(([source]) => source.endsWith(`/${name}`))?.[1].provider?.block;
    if (block) for (const body of configs) walk(block, body, `provider.${name}`, found);
  }
  return found;
}

function walk(block: SchemaBlock, body: Json, at: string, found: string[]): void {
  for (const [key, value] of Object.entries(body)) {
    if (META_ARGUMENTS.has(key)) continue;
    if (block.attributes?.[key]?.deprecated) found.push(`${at}.${key}`);
    const nested = block.block_types?.[key]?.block;
    if (!nested) continue;
    if (nested.deprecated) found.push(`${at}.${key}`);
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      if (item && typeof item === "object") walk(nested, item as Json, `${at}.${key}[${i}]`, found);
    });
  }
}
