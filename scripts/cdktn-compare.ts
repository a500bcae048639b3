// `cdktn-compare CDKTF_OUT CDKTN_OUT`: does every stack synthesize to the same Terraform JSON on
// CDK Terrain as on cdktf? scripts/cdktn-check.sh runs it on the default configuration and every
// example; exit 0 when each pair agrees, 1 with the first difference of each that does not.
import * as fs from "fs";
import * as path from "path";
import { visible } from "../lib/private/visible-text";

/** What each core writes differently by design: its own name's version in the stack's metadata. */
const VERSION_PATH = ["//", "metadata", "version"] as const;

export interface StackComparison {
  readonly stack: string;
  /** The core versions the two files name: cdktf's, then cdktn's. */
  readonly versions: readonly [unknown, unknown];
  /** Empty when the two are the same JSON apart from the version; else the first differing line. */
  readonly difference?: string;
}

/**
 * Compares one stack's cdk.tf.json from each core as JSON: key order and every value, apart from
 * the core's version. Whitespace is not compared (cdktf writes an empty object on two lines,
 * cdktn on one); Terraform reads both the same.
 */
export function compareStack(stack: string, cdktfText: string, cdktnText: string): StackComparison {
  const [cdktf, cdktn] = [cdktfText, cdktnText].map((text) => JSON.parse(text) as Record<string, unknown>);
  const versions: [unknown, unknown] = [takeVersion(cdktf), takeVersion(cdktn)];
  const [a, b] = [cdktf, cdktn].map((tf) => JSON.stringify(tf, null, 2).split("\n"));
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 && a.length !== b.length ? Math.min(a.length, b.length) : line;
  if (at === -1) return { stack, versions };
  const show = (lines: string[]) => (at < lines.length ? visible(lines[at].trim()) : "(end of file)");
  return { stack, versions, difference: `line ${at + 1} of the normalized JSON: cdktf ${show(a)}, cdktn ${show(b)}` };
}

/** Removes the core's version from `tf` and returns it. */
function takeVersion(tf: Record<string, unknown>): unknown {
  let node: Record<string, unknown> | undefined = tf;
  for (const key of VERSION_PATH.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
  const last = VERSION_PATH[VERSION_PATH.length - 1];
  const version = node?.[last];
  if (node) delete node[last];
  return version;
}

/** Every stack of two synthesis output directories; a stack that only one of them has is a difference. */
export function compareOutdirs(cdktfOut: string, cdktnOut: string): StackComparison[] {
  const stacks = (out: string) => {
    const dir = path.join(out, "stacks");
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((s) => fs.existsSync(path.join(dir, s, "cdk.tf.json"))) : [];
  };
  const names = [...new Set([...stacks(cdktfOut), ...stacks(cdktnOut)])].sort();
  if (names.length === 0) return [{ stack: "(none)", versions: [undefined, undefined], difference: "neither directory holds a synthesized stack" }];
  return names.map((stack) => {
    const file = (out: string) => path.join(out, "stacks", stack, "cdk.tf.json");
    if (!fs.existsSync(file(cdktfOut)) || !fs.existsSync(file(cdktnOut))) {
      return { stack, versions: [undefined, undefined], difference: `only ${fs.existsSync(file(cdktfOut)) ? "cdktf" : "cdktn"} synthesized it` };
    }
    return compareStack(stack, fs.readFileSync(file(cdktfOut), "utf8"), fs.readFileSync(file(cdktnOut), "utf8"));
  });
}

if (require.main === module) {
  const [cdktfOut, cdktnOut, label = cdktnOut] = process.argv.slice(2);
  if (!cdktfOut || !cdktnOut) {
    process.stderr.write("usage: cdktn-compare CDKTF_OUT CDKTN_OUT [LABEL]\n");
    process.exit(2);
  }
  const results = compareOutdirs(cdktfOut, cdktnOut);
  for (const r of results) {
    const where = `${visible(label)}: stack ${visible(r.stack)}`;
    if (r.difference) process.stderr.write(`cdktn: ${where} differs from cdktf: ${r.difference}\n`);
    else process.stdout.write(`cdktn: ${where} is cdktf's JSON but for the version (${visible(String(r.versions[0]))} -> ${visible(String(r.versions[1]))})\n`);
  }
  process.exitCode = results.some((r) => r.difference) ? 1 : 0;
}
