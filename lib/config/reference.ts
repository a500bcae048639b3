import { RULES } from "./rules";
import { ENV_OVERRIDES, Field, ObjectField, SCHEMA } from "./schema";

/**
 * Renders help/configuration.md from the schema, so the page cannot drift from what the loader
 * accepts (a test compares the two).
 */
export function renderConfigReference(): string {
  const rows: string[] = [];
  collectRows(SCHEMA, "", rows);
  const env = ENV_OVERRIDES.map(({ variable, path }) => `| \`${variable}\` | \`${pathText(path)}\` |`);
  return [
    "# Configuration reference",
    "",
    "<!-- Generated from lib/config/schema.ts by `npm run docs`; edit the schema, not this page. -->",
    "",
    "The configuration is the article's setup by default. A JSON or YAML file named by the environment variable",
    "`AKS_WI_CONFIG` overrides the defaults, and the article's own environment variables override the file.",
    "Every value is checked before anything is synthesized; all problems are reported at once.",
    "",
    "Names may contain `{suffix}`: the value of `suffix`, or, when that is absent, 6 random hex characters drawn",
    "once at the first apply (a `random_id`). Length limits count the expanded suffix.",
    "",
    "| key | type | default | rule | description |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "## Environment variables",
    "",
    "| variable | overrides |",
    "| --- | --- |",
    ...env,
    "",
    "`AKS_WI_CONFIG` names the configuration file, absolute or relative to the working directory.",
    "The workload variables set the first entry of `workloads`.",
    "",
  ].join("\n");
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function collectRows(spec: ObjectField, prefix: string, rows: string[]): void {
  for (const [key, field] of Object.entries(spec.fields)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (field.kind === "object") {
      collectRows(field, path, rows);
    } else if (field.kind === "list") {
      const defaults = (field.default ?? []).map((item) =>
        typeof item === "string" ? `\`${item}\`` : `{ ${Object.entries(item).map(([k, v]) => `${k}: \`${String(v)}\``).join(", ")} }`,
      );
      const shown = field.defaultDoc ?? (field.default === undefined ? "none" : defaults.length === 0 ? "empty" : defaults.join(" "));
      rows.push(`| \`${path}\` | list of ${field.minItems}-${field.maxItems} ${field.item.kind === "object" ? "objects" : "strings"} | ${shown} | | ${field.doc} |`);
      if (field.item.kind === "object") collectRows(field.item, `${path}[]`, rows);
      else rows.push(`| \`${path}[]\` | ${typeText(field.item)} | | ${ruleText(field.item)} | ${field.item.doc} |`);
    } else {
      rows.push(`| \`${path}\` | ${typeText(field)} | ${defaultText(field)} | ${ruleText(field)} | ${field.doc} |`);
    }
  }
}

function typeText(field: Exclude<Field, ObjectField | { kind: "list" }>): string {
  switch (field.kind) {
    case "string":
      return field.oneOf ? field.oneOf.map((v) => `\`${v}\``).join(" or ") : "string";
    case "integer":
      return `integer ${field.min}-${field.max}`;
    case "boolean":
      return "boolean";
  }
}

function defaultText(field: Exclude<Field, ObjectField | { kind: "list" }>): string {
  if (field.kind === "string") {
    if (field.default !== undefined) return `\`${field.default}\``;
    if (field.derivedFrom) return `derived from ${field.derivedFrom}`;
    return field.required ? "required in each entry you write" : "none";
  }
  return field.default === undefined ? "none" : `\`${String(field.default)}\``;
}

function ruleText(field: Exclude<Field, ObjectField | { kind: "list" }>): string {
  if (field.kind === "string" && field.rule) return RULES[field.rule].rule.replace(/\|/g, "\\|");
  if (field.kind === "boolean" && field.mustBe) return `must be \`${field.mustBe.value}\``;
  return "";
}
