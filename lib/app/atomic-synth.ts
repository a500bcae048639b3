import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";

const STAGING_MARK = ".staging-";

/**
 * Synthesizes into a staging directory beside `outdir` and moves the files into `outdir` only
 * once every stack synthesized. An error, or a kill, before that leaves `outdir` as it was. Files
 * are replaced one by one with rename(2), which is atomic, stack files before manifest.json;
 * anything else in `outdir` (a stack's .terraform directory, its lock file) is left alone.
 */
export function synthAtomically(outdir: string, build: (app: App) => void): void {
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  removeAbandonedStaging(outdir);
  // Host and pid name the owner (for clean-up after a kill); the random part keeps two containers
  // that share the directory, and may share pids, apart.
  const staging = fs.mkdtempSync(path.join(parent, `${stagingPrefix(outdir)}${process.pid}-`));
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    const files = listFiles(staging).sort((a, b) => Number(a === "manifest.json") - Number(b === "manifest.json"));
    removeReplacedOutput(staging, outdir);
    for (const file of files) {
      const target = path.join(outdir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staging, file), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function stagingPrefix(outdir: string): string {
  return `.${path.basename(outdir)}${STAGING_MARK}${os.hostname()}-`;
}

/**
 * Synthesized files of a stack that this synthesis does not write again (cdk.tf.json after a
 * switch to HCL, or the reverse): Terraform would read both. Other files stay (.terraform, locks).
 */
function removeReplacedOutput(staging: string, outdir: string): void {
  const stacks = path.join(staging, "stacks");
  if (!fs.existsSync(stacks)) return;
  for (const stack of fs.readdirSync(stacks)) {
    for (const file of ["cdk.tf.json", "cdk.tf", "metadata.json"]) {
      if (!fs.existsSync(path.join(stacks, stack, file))) fs.rmSync(path.join(outdir, "stacks", stack, file), { force: true });
    }
  }
}

/** Staging directories this host's killed runs left: their process no longer exists. */
function removeAbandonedStaging(outdir: string): void {
  const prefix = stagingPrefix(outdir);
  for (const entry of fs.readdirSync(path.dirname(outdir))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) {
      fs.rmSync(path.join(path.dirname(outdir), entry), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function listFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}
