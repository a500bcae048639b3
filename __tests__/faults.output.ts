import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { builtCommand, cleanEnv } from "./app-process";

/** Helpers of the output fault tests (faults.synth.test.ts, terraform/faults.synth-loop.test.ts). */

export interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  /** Kill the app with SIGKILL after this many milliseconds. */
  readonly killAfterMs?: number;
  /** Run as this user and group (when this process is root). */
  readonly uid?: number;
  /** Run the app under this command (e.g. unshare), which execs the rest. */
  readonly wrapper?: readonly string[];
  /** Give up (SIGKILL, and fail the caller's expectations) after this long. */
  readonly timeoutMs?: number;
}

/** Runs the built app in `cwd` as `npm run synth` does; never hangs past `timeoutMs`. */
export function runSynth(cwd: string, options: RunOptions = {}): Promise<Run> {
  const argv = [...(options.wrapper ?? []), process.execPath, builtCommand("main")];
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...cleanEnv(), ...options.env },
    // Its own process group, so that a kill reaches what a wrapper (unshare, sh) started too.
    detached: true,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const timers = [setTimeout(kill, options.timeoutMs ?? 30000)];
  if (options.killAfterMs !== undefined) timers.push(setTimeout(kill, options.killAfterMs));
  return new Promise((resolve) => {
    // A process that cannot start (the user may not run node) reports an error and never closes.
    child.on("error", (error) => {
      timers.forEach(clearTimeout);
      resolve({ status: null, signal: null, stdout, stderr: `${stderr}${error.message}\n` });
    });
    child.on("close", (status, signal) => {
      timers.forEach(clearTimeout);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Every published file under `outdir` with its bytes; staging directories are not output. */
export function publishedFiles(outdir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(outdir)) return out;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (d === outdir && e.name.startsWith(".staging-")) continue;
      const full = path.join(d, e.name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else out[path.relative(outdir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(outdir);
  return out;
}

export function stagingDirectories(outdir: string): string[] {
  return fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((e) => e.startsWith(".staging-")) : [];
}

/** The one line a failed synth prints, or a failure naming what else it printed. */
export function oneLine(run: Run): string {
  const lines = run.stderr.split("\n").filter((l) => l !== "");
  if (lines.length !== 1 || /\n\s+at /.test(run.stderr)) throw new Error(`expected one line on stderr, got:\n${run.stderr}`);
  return lines[0];
}

/**
 * Mounts a tmpfs at `dir` (created) and returns how to unmount it, or undefined after a warning
 * saying why when this machine does not allow it (not root, or a sandbox that refuses mounts).
 */
export function tryMountTmpfs(dir: string, options: string, purpose: string): (() => void) | undefined {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const why = ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim().split("\n")[0];
    skipBecause(`${purpose}: cannot mount a tmpfs here (${why})`);
    return undefined;
  }
  return () => execFileSync("umount", ["-l", dir]);
}

/** A pid that no process has now. */
export function unusedPid(): number {
  for (let pid = 4_000_000; ; pid--) if (!fs.existsSync(`/proc/${pid}`)) return pid;
}

/** Says why a case does not run on this machine: a skip is printed, never silent. */
export function skipBecause(reason: string): void {
  // eslint-disable-next-line no-console -- the reason belongs in the test output, where CI shows it
  console.warn(`skipped: ${reason}`);
}

/** Why `uid` cannot run the built app here (Node or the app unreachable to it), or undefined when it can. */
export function cannotRunAs(uid: number): string | undefined {
  const app = builtCommand("main");
  const probe = spawnSync(process.execPath, ["-e", `require("fs").accessSync(${JSON.stringify(app)}, require("fs").constants.R_OK)`], { uid, gid: uid, encoding: "utf8" });
  if (probe.error) return `${process.execPath} cannot be run as uid ${uid} (${(probe.error as NodeJS.ErrnoException).code})`;
  if (probe.status !== 0) return `uid ${uid} cannot read ${app}`;
  return undefined;
}
