import { ConfigError, formatSource } from "../config/errors";
import { loadConfig } from "../config/load";
import { CONFIG_FILE_VARIABLE } from "../config/schema";
import { renderName, usesSuffix } from "../private/name-template";
import { visible } from "../private/visible-text";

export interface ExplainOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Print JSON instead of a table. */
  readonly json?: boolean;
}

const RANDOM_SUFFIX = "(random: 6 hex characters drawn at the first apply)";

/**
 * Prints the resolved configuration, every key with its value and where it came from, for a
 * reviewer to see what a change to the file or the environment does.
 * @returns the exit code: 0, or 1 with the same errors `synth` reports
 */
export function explainConfig(options: ExplainOptions): number {
  let loaded;
  try {
    loaded = loadConfig({ env: options.env, cwd: options.cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    options.stderr.write(`${error.message}\n`);
    return 1;
  }
  const { suffix } = loaded.config;
  const rows = loaded.values.map((v) => ({
    path: v.path,
    value: v.value,
    // With a fixed suffix a reviewer can see the very names Azure will get.
    ...(suffix !== undefined && typeof v.value === "string" && usesSuffix(v.value) ? { name: renderName(v.value, suffix) } : {}),
    source: formatSource(v.source),
  }));
  if (suffix === undefined) {
    const at = rows.findIndex((r) => r.path === "location") + 1;
    rows.splice(at, 0, { path: "suffix", value: RANDOM_SUFFIX, source: "default" });
  }
  if (options.json) {
    options.stdout.write(`${JSON.stringify({ config: loaded.config, values: rows }, null, 2)}\n`);
    return 0;
  }
  const file = options.env[CONFIG_FILE_VARIABLE];
  const header = { path: "key", value: "value", source: "source" };
  // One row a line: a value from a file or the environment may hold a newline or an escape sequence.
  const shown = [header, ...rows.map((r) => ({ ...r, path: visible(r.path), value: visible("name" in r ? `${r.value} = ${r.name}` : String(r.value)), source: visible(r.source) }))];
  const width = (k: "path" | "value") => Math.max(...shown.map((r) => String(r[k]).length));
  const [pathWidth, valueWidth] = [width("path"), width("value")];
  const lines = shown.map((row) => `${row.path.padEnd(pathWidth)}  ${row.value.padEnd(valueWidth)}  ${row.source}`);
  options.stdout.write(`Configuration: defaults${file ? `, file ${visible(file)}` : ""}, environment\n\n${lines.join("\n")}\n`);
  return 0;
}
