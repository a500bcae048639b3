import { formatSource } from "../config/errors";
import { LoadedConfig } from "../config/load";
import { expandedName } from "../config/templates";
import { visible } from "../private/visible-text";

/** One key of the resolved configuration, as `npm run config` shows it. */
export interface ConfigRow {
  readonly path: string;
  readonly value: string | number | boolean;
  /** With a fixed suffix: the name a `{suffix}` template expands to. */
  readonly name?: string;
  readonly source: string;
}

const RANDOM_SUFFIX = "(random: 6 hex characters drawn at the first apply)";

/**
 * Every key of the resolved configuration with its value and where it came from, for a reviewer
 * to see what a change to the file or the environment does.
 */
export function configRows(loaded: LoadedConfig): ConfigRow[] {
  const { suffix } = loaded.config;
  const rows: ConfigRow[] = loaded.values.map((v) => {
    // With a fixed suffix a reviewer can see the very names Azure will get.
    const name = expandedName(v.path, v.value, suffix);
    return { path: v.path, value: v.value, ...(name === undefined ? {} : { name }), source: formatSource(v.source) };
  });
  if (suffix === undefined) {
    const at = rows.findIndex((r) => r.path === "location") + 1;
    rows.splice(at, 0, { path: "suffix", value: RANDOM_SUFFIX, source: "default" });
  }
  return rows;
}

/** The configuration as JSON: the resolved object and every row, values exactly as configured. */
export function configJson(loaded: LoadedConfig): string {
  return `${JSON.stringify({ config: loaded.config, values: configRows(loaded) }, null, 2)}\n`;
}

/** The rows as a table, one row a line (a value from a file or the environment may hold a newline or an escape sequence). */
export function configTable(loaded: LoadedConfig, file: string | undefined): string {
  const header = { path: "key", value: "value", source: "source" };
  const shown = [
    header,
    ...configRows(loaded).map((r) => ({ path: visible(r.path), value: visible(r.name !== undefined ? `${r.value} = ${r.name}` : String(r.value)), source: visible(r.source) })),
  ];
  const width = (k: "path" | "value") => Math.max(...shown.map((r) => r[k].length));
  const [pathWidth, valueWidth] = [width("path"), width("value")];
  const lines = shown.map((row) => `${row.path.padEnd(pathWidth)}  ${row.value.padEnd(valueWidth)}  ${row.source}`);
  return `Configuration: defaults${file ? `, file ${visible(file)}` : ""}, environment\n\n${lines.join("\n")}\n`;
}
