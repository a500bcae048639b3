import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { currentProcess, ProcessIdentity, processState } from "../private/process-identity";

/** Staging directories live inside the output directory: on its filesystem, whatever is mounted or linked there. */
const STAGING_PREFIX = ".staging-";
/**
 * A staging directory whose owner cannot be asked (another host, another PID namespace) is
 * abandoned once it is this old. A synthesis of 5000 workloads takes seconds.
 */
export const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/** The output could not be written: one line for the user, naming the path. The earlier output is as it was. */
export class OutputError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly path: string,
  ) {
    super(message);
    this.name = "OutputError";
  }
}

/**
 * Synthesizes into a staging directory inside `outdir` and moves the files into place only once
 * every stack synthesized and every target was found writable. An error, or a kill, before that
 * leaves `outdir` as it was. Files are replaced one by one with rename(2), which is atomic, stack
 * files before manifest.json; anything else in `outdir` (a stack's .terraform directory, its lock
 * file) is left alone.
 * @throws OutputError when the output cannot be written (no space, no permission, a read-only or other filesystem)
 */
export function synthAtomically(outdir: string, build: (app: App) => void): void {
  let created: string | undefined;
  try {
    created = makeOutputDirectory(outdir);
  } catch (error) {
    throw outputError(error, outdir, outdir);
  }
  let published = false;
  try {
    removeAbandonedStaging(outdir);
    const staging = path.join(outdir, stagingName(currentProcess()));
    try {
      fs.mkdirSync(staging);
    } catch (error) {
      throw outputError(error, outdir, outdir);
    }
    try {
      const app = new App({ outdir: staging });
      build(app);
      try {
        app.synth();
      } catch (error) {
        throw isErrno(error) ? outputError(error, outdir, outdir) : error;
      }
      const files = listFiles(staging).sort((a, b) => Number(a === "manifest.json") - Number(b === "manifest.json"));
      checkTargets(staging, outdir, files);
      for (const file of files) {
        const target = path.join(outdir, file);
        try {
          fs.renameSync(path.join(staging, file), target);
        } catch (error) {
          throw outputError(error, outdir, target);
        }
      }
      published = true;
      removeReplacedOutput(outdir, files);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    // A first synthesis that failed leaves no empty output directory behind.
    if (!published && created !== undefined) removeEmptyUpTo(outdir, created);
  }
}

/** The sticky bit of a directory's mode (S_ISVTX; Node's fs.constants does not name it). */
const STICKY = 0o1000;

/**
 * `outdir`, made if missing, with its missing parents: the first directory this call made, or
 * undefined when it existed (or a concurrent synthesis made it first). One level at a time: Node 20's recursive mkdir never returns for a path under /proc,
 * where a plain mkdir fails at once.
 */
function makeOutputDirectory(outdir: string): string | undefined {
  const missing: string[] = [];
  for (let dir = outdir; !fs.existsSync(dir); dir = path.dirname(dir)) {
    missing.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  if (missing.length === 0 && !fs.statSync(outdir).isDirectory()) {
    throw Object.assign(new Error(`not a directory, mkdir '${outdir}'`), { code: "ENOTDIR" });
  }
  let first: string | undefined;
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
      first ??= dir;
    } catch (error) {
      // Another synthesis in the same directory made it between the check and here: that is fine,
      // and it is that run's to remove, not ours.
      if (!(isErrno(error) && error.code === "EEXIST" && fs.statSync(dir).isDirectory())) throw error;
    }
  }
  return first;
}

/**
 * Every target's directory exists, is on the staging directory's filesystem, and may be written;
 * no target is a directory. Checked for all before the first rename, so that a failure leaves the
 * earlier output whole instead of a new stack file beside an old manifest.
 */
function checkTargets(staging: string, outdir: string, files: readonly string[]): void {
  const device = fs.statSync(staging).dev;
  const directories = [...new Set(files.map((f) => path.dirname(path.join(outdir, f))))];
  for (const directory of directories) {
    try {
      fs.mkdirSync(directory, { recursive: true });
      if (fs.statSync(directory).dev !== device) {
        throw Object.assign(new Error("on another filesystem"), { code: "EXDEV" });
      }
      fs.accessSync(directory, fs.constants.W_OK | fs.constants.X_OK);
    } catch (error) {
      throw outputError(error, outdir, directory);
    }
  }
  const uid = process.getuid?.();
  for (const file of files) {
    const target = path.join(outdir, file);
    const existing = fs.lstatSync(target, { throwIfNoEntry: false });
    if (existing?.isDirectory()) {
      throw outputError(Object.assign(new Error("is a directory"), { code: "EISDIR" }), outdir, target);
    }
    // In a sticky directory (mode 1777, like /tmp) only the file's or the directory's owner may replace
    // a file: write access to the directory is not enough, and the rename would fail half-way through.
    if (existing !== undefined && uid !== undefined && uid !== 0) {
      const parent = fs.statSync(path.dirname(target));
      if ((parent.mode & STICKY) !== 0 && existing.uid !== uid && parent.uid !== uid) {
        throw outputError(Object.assign(new Error("owned by another user in a sticky directory"), { code: "EPERM" }), outdir, target);
      }
    }
  }
}

/** A system call's error. Not `instanceof Error`: fs errors can come from another realm (a jest sandbox, a vm). */
function isErrno(error: unknown): error is NodeJS.ErrnoException {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}

const WHY: Readonly<Record<string, [string, string]>> = {
  ENOSPC: ["no space is left on its device", "free some space"],
  EDQUOT: ["the disk quota is used up", "free some space or raise the quota"],
  EACCES: ["permission denied", "make it writable for this user, or synthesize elsewhere (npx cdktf synth --output DIR)"],
  EPERM: ["the operation is not permitted", "make it writable for this user, or synthesize elsewhere (npx cdktf synth --output DIR)"],
  EROFS: ["it is on a read-only filesystem", "synthesize elsewhere (npx cdktf synth --output DIR)"],
  EXDEV: [
    "it is on another filesystem than the output directory, so its files cannot be replaced atomically",
    "make the stack directory part of the output directory's filesystem (a mount or a symbolic link to elsewhere is fine for the output directory itself)",
  ],
  EISDIR: ["a directory stands where a file goes", "remove that directory"],
  ENOTDIR: ["a file stands where a directory goes", "remove that file"],
  EMFILE: ["too many files are open", "close other programs or raise the limit (ulimit -n)"],
  ENAMETOOLONG: ["the path is too long", "synthesize into a shorter path"],
  ELOOP: ["symbolic links loop", "fix the links"],
};

/** One line for an errno error while writing the output; anything else is a bug and is returned as it is. */
function outputError(error: unknown, outdir: string, target: string): unknown {
  if (!isErrno(error)) return error;
  const code = error.code!;
  // A failure inside the staging directory is a failure to write the output directory.
  const shown = target.includes(`${path.sep}${STAGING_PREFIX}`) ? outdir : target;
  const [why, fix] = WHY[code] ?? [`the system refused (${error.message.split("\n")[0]})`, "check the path"];
  return new OutputError(`cannot write ${shown}: ${why} (${code}); ${fix}, then synthesize again. The earlier output is unchanged.`, code, shown);
}

/**
 * `.staging-BOOT-PIDNS-PID-START-TOKEN`: the machine's boot, the PID namespace, the pid and its
 * start time name the process that owns it, so that another run can tell whether it still runs;
 * the random token keeps every run's directory apart whatever the rest says.
 */
function stagingName(owner: ProcessIdentity): string {
  return `${STAGING_PREFIX}${owner.boot}-${owner.pidNamespace}-${owner.pid}-${owner.start}-${crypto.randomBytes(6).toString("hex")}`;
}

function parseStagingName(name: string): ProcessIdentity | undefined {
  const match = /^\.staging-([0-9a-fx]+)-(\d+|x)-(\d+)-(\d+|x)-[0-9a-f]+$/.exec(name);
  if (!match) return undefined;
  return { boot: match[1], pidNamespace: match[2], pid: Number(match[3]), start: match[4] };
}

/**
 * Removes staging directories of runs that were killed: of this machine and PID namespace when
 * their process is gone (or its pid now belongs to a later process), of anywhere else only when
 * older than ABANDONED_AFTER_MS. Never a directory of a run that may still be going.
 */
function removeAbandonedStaging(outdir: string): void {
  const now = Date.now();
  for (const entry of fs.readdirSync(outdir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const full = path.join(outdir, entry);
    const owner = parseStagingName(entry);
    const state = owner === undefined ? "unknown" : processState(owner);
    let abandoned = state === "gone";
    if (state === "unknown") {
      const modified = fs.lstatSync(full, { throwIfNoEntry: false })?.mtimeMs;
      abandoned = modified !== undefined && now - modified > ABANDONED_AFTER_MS;
    }
    if (abandoned) fs.rmSync(full, { recursive: true, force: true });
  }
}

/**
 * Synthesized files of a stack that this synthesis did not write again (cdk.tf.json after a switch
 * to HCL, or the reverse): Terraform would read both. Other files stay (.terraform, locks).
 */
function removeReplacedOutput(outdir: string, written: readonly string[]): void {
  const files = new Set(written);
  const stacks = new Set(written.filter((f) => f.split(path.sep)[0] === "stacks" && f.split(path.sep).length === 3).map((f) => f.split(path.sep)[1]));
  for (const stack of stacks) {
    for (const file of ["cdk.tf.json", "cdk.tf", "metadata.json"]) {
      const relative = path.join("stacks", stack, file);
      if (!files.has(relative)) fs.rmSync(path.join(outdir, relative), { force: true });
    }
  }
}

/** Removes `dir` and its parents up to `top`, each only if empty. */
function removeEmptyUpTo(dir: string, top: string): void {
  for (let current = dir; ; current = path.dirname(current)) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    if (current === top || path.dirname(current) === current) return;
  }
}

function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (prefix === "" && entry.name.startsWith(STAGING_PREFIX)) return [];
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}
