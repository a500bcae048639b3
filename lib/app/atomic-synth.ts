import * as fs from "fs";
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
  const staging = path.join(parent, `.${path.basename(outdir)}${STAGING_MARK}${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
    const files = listFiles(staging).sort((a, b) => Number(a === "manifest.json") - Number(b === "manifest.json"));
    for (const file of files) {
      const target = path.join(outdir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staging, file), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Staging directories left by runs that were killed: their process no longer exists. */
function removeAbandonedStaging(outdir: string): void {
  const prefix = `.${path.basename(outdir)}${STAGING_MARK}`;
  for (const entry of fs.readdirSync(path.dirname(outdir))) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
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
