import * as fs from "fs";
import { visible } from "../private/visible-text";
import { isObject } from "./json";

/**
 * The synthesized stack (cdk.tf.json) as `npm run policy` and `npm run diagram` read it: a regular
 * file of bounded size, JSON, shaped as Terraform JSON with at least one resource or data source,
 * so that `{}` or `{"resource": "x"}` is refused instead of reported on as a stack with nothing wrong.
 */

/** Largest stack read: 5000 workloads synthesize to some 20 MiB. */
const MAX_STACK_BYTES = 256 * 1024 * 1024;

export interface StackFile {
  readonly tf: Record<string, unknown>;
  /** When the file was last written, for the line that names it. */
  readonly modified: Date;
}

/** The file cannot be used; the message is one line, naming it as the user gave it. */
export class StackFileError extends Error {}

/**
 * Reads and checks the stack at `absolute`.
 * @param given the name as the user gave it (or the default), used in messages
 * @throws StackFileError
 */
export function readStackFile(absolute: string, given: string): StackFile {
  const name = visible(given);
  let fd: number;
  try {
    // Without blocking: a FIFO with no writer would wait forever.
    fd = fs.openSync(absolute, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new StackFileError(`${name} does not exist; run \`npm run synth\` first, or name a cdk.tf.json`);
    throw new StackFileError(`${name} cannot be read (${code ?? String(error)})`);
  }
  let text: string;
  let modified: Date;
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new StackFileError(`${name} is a directory; name the cdk.tf.json inside it`);
    if (!stat.isFile()) throw new StackFileError(`${name} is not a regular file; name a cdk.tf.json`);
    if (stat.size > MAX_STACK_BYTES) throw new StackFileError(`${name} is ${(stat.size / 1024 / 1024).toFixed(0)} MiB; a synthesized stack is far smaller, so it is not one`);
    modified = stat.mtime;
    text = fs.readFileSync(fd, "utf8");
  } catch (error) {
    if (error instanceof StackFileError) throw error;
    throw new StackFileError(`${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    fs.closeSync(fd);
  }
  let tf: unknown;
  try {
    tf = JSON.parse(text);
  } catch (error) {
    throw new StackFileError(`${name} is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  const problem = stackShapeProblem(tf);
  if (problem) throw new StackFileError(`${name} is not a synthesized stack: ${visible(problem)}; run \`npm run synth\` and name its cdk.tf.json`);
  return { tf: tf as Record<string, unknown>, modified };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** Short enough for one line, whatever the file names its resources. */
const label = (key: string) => JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}...` : key);

/** Why `tf` is not Terraform JSON with at least one resource or data source; undefined when it is. */
export function stackShapeProblem(tf: unknown): string | undefined {
  if (!isObject(tf)) return `it holds ${describe(tf)}, not an object`;
  for (const key of ["//", "terraform", "provider", "output", "variable", "locals"]) {
    if (tf[key] !== undefined && !isObject(tf[key])) return `its ${label(key)} block is ${describe(tf[key])}, not an object`;
  }
  let blocks = 0;
  for (const kind of ["resource", "data"] as const) {
    const types = tf[kind];
    if (types === undefined) continue;
    if (!isObject(types)) return `its ${label(kind)} block is ${describe(types)}, not an object of ${kind === "data" ? "data source" : "resource"} types`;
    for (const [type, byName] of Object.entries(types)) {
      if (!isObject(byName)) return `${kind} type ${label(type)} is ${describe(byName)}, not an object of blocks by name`;
      for (const [blockName, body] of Object.entries(byName)) {
        if (!isObject(body)) return `${kind} ${label(`${type}.${blockName}`)} is ${describe(body)}, not an object`;
        blocks++;
      }
    }
  }
  if (blocks === 0) return 'it has no resource and no data source (no "resource" or "data" block with one in it)';
  return undefined;
}

/** The line that names what was read: the path and when it was written. */
export function readLine(absolute: string, file: StackFile): string {
  return `read ${visible(absolute)} (synthesized ${file.modified.toISOString().replace(/\.\d+Z$/, "Z")})`;
}
