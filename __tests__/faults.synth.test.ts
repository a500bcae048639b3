import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TerraformOutput, TerraformStack } from "cdktf";
import { ABANDONED_AFTER_MS, synthAtomically } from "../lib/app/atomic-synth";
import { currentProcess } from "../lib/private/process-identity";
import { scratchDir, STACK_FILE } from "./app-process";
import { cannotRunAs, oneLine, publishedFiles, runSynth, skipBecause, stagingDirectories, tryMountTmpfs, unusedPid } from "./faults.output";

/**
 * Synthesis on ordinary and unkind filesystems: cdktf.out as a mount point or a link to another
 * filesystem works; no space, no permission, a read-only filesystem and a stack directory on
 * another filesystem each give one line naming the path, exit 1, and leave the earlier output
 * whole. Cases that need a tmpfs mount, or another user, skip with a printed reason where the
 * machine does not allow them. The kill -9 loop and the concurrent runs are in
 * terraform/faults.synth-loop.test.ts (they take longer than the unit suite should).
 */

jest.setTimeout(60000);

// Made here, not in beforeAll: jest starts concurrent tests before beforeAll hooks have run.
const root = scratchDir("aks-wi-faults-synth-");
// The permission cases run as another user when this is root: it must reach their directories.
fs.chmodSync(root, 0o755);
const cleanups: Array<() => void> = [];
afterAll(() => {
  cleanups.reverse().forEach((undo) => undo());
  fs.rmSync(root, { recursive: true, force: true });
});

let counter = 0;
function dir(): string {
  const d = path.join(root, String(counter++));
  fs.mkdirSync(d);
  return d;
}

const OUT = "cdktf.out";
const isRoot = process.getuid?.() === 0;
/** The user the permission cases run as: this one, or nobody when this is root (whom permissions do not stop). */
const NOBODY = 65534;

describe("where cdktf.out may be", () => {
  test.concurrent.each(["/proc/aks-wi-nowhere", "/proc/aks-wi-nowhere/deeper"])(
    "under /proc (%s): one line at once, where Node's recursive mkdir never returned (found by a review of the change)",
    async (outdir) => {
      if (!fs.existsSync("/proc/self")) return skipBecause("an output directory under /proc: this machine has no /proc");
      const run = await runSynth(dir(), { env: { CDKTF_OUTDIR: outdir } });
      expect(run.status).toBe(1);
      expect(oneLine(run)).toMatch(/^synth: cannot write \/proc\/aks-wi-nowhere(\/deeper)?: .*\(ENOENT\).* The earlier output is unchanged\.$/);
    },
  );

  test.concurrent("a symbolic link to a directory on another filesystem (/dev/shm): staged there, replaced there", async () => {
    const cwd = dir();
    if (!fs.existsSync("/dev/shm") || fs.statSync("/dev/shm").dev === fs.statSync(cwd).dev) {
      skipBecause("cdktf.out linked to another filesystem: /dev/shm is missing or on the same filesystem as the scratch directory");
      return;
    }
    const target = fs.mkdtempSync("/dev/shm/aks-wi-out-");
    cleanups.push(() => fs.rmSync(target, { recursive: true, force: true }));
    fs.symlinkSync(target, path.join(cwd, OUT));
    expect((await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" } })).status).toBe(0);
    const second = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" } });
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(fs.readFileSync(path.join(target, "stacks", "aks-workload-identity", "cdk.tf.json"), "utf8")).toContain("myAKSClusterbbbbbb");
    expect(fs.lstatSync(path.join(cwd, OUT)).isSymbolicLink()).toBe(true);
    expect(stagingDirectories(target)).toEqual([]);
  });

  test.concurrent("a symbolic link to another directory on the same filesystem", async () => {
    const cwd = dir();
    fs.mkdirSync(path.join(cwd, "elsewhere"));
    fs.symlinkSync(path.join(cwd, "elsewhere"), path.join(cwd, OUT));
    const run = await runSynth(cwd);
    expect(run.status).toBe(0);
    expect(fs.existsSync(path.join(cwd, "elsewhere", "stacks", "aks-workload-identity", "cdk.tf.json"))).toBe(true);
  });

  test("a mount point (a tmpfs): the staging directory is inside it, so nothing crosses filesystems", async () => {
    const cwd = dir();
    const unmount = tryMountTmpfs(path.join(cwd, OUT), "size=16m", "cdktf.out as a mount point");
    if (!unmount) return;
    cleanups.push(unmount);
    expect((await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" } })).status).toBe(0);
    const second = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" } });
    expect(second.stderr).toBe("");
    expect(fs.readFileSync(path.join(cwd, STACK_FILE), "utf8")).toContain("myAKSClusterbbbbbb");
  });
});

describe("output that cannot be written: one line naming the path, exit 1, the earlier output whole", () => {
  test("no space left (a tmpfs that holds one output, not two)", async () => {
    const cwd = dir();
    const outdir = path.join(cwd, OUT);
    // 40 KiB: the output (cdk.tf.json about 19 KB, manifest.json) fits once; staging a second copy does not.
    const unmount = tryMountTmpfs(outdir, "size=40k", "ENOSPC");
    if (!unmount) return;
    cleanups.push(unmount);
    expect((await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" } })).status).toBe(0);
    const before = publishedFiles(outdir);
    const full = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" } });
    expect(full.status).toBe(1);
    expect(oneLine(full)).toBe(`synth: cannot write ${outdir}: no space is left on its device (ENOSPC); free some space, then synthesize again. The earlier output is unchanged.`);
    expect(publishedFiles(outdir)).toEqual(before);
    expect(stagingDirectories(outdir)).toEqual([]);
  });

  test("a read-only filesystem", async () => {
    const cwd = dir();
    const outdir = path.join(cwd, OUT);
    const unmount = tryMountTmpfs(outdir, "size=16m", "EROFS");
    if (!unmount) return;
    cleanups.push(unmount);
    expect((await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" } })).status).toBe(0);
    const before = publishedFiles(outdir);
    execFileSync("mount", ["-o", "remount,ro", outdir]);
    const run = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" } });
    expect(run.status).toBe(1);
    expect(oneLine(run)).toBe(`synth: cannot write ${outdir}: it is on a read-only filesystem (EROFS); synthesize elsewhere (npx cdktf synth --output DIR), then synthesize again. The earlier output is unchanged.`);
    expect(publishedFiles(outdir)).toEqual(before);
  });

  test.concurrent("a stack directory on another filesystem than cdktf.out", async () => {
    const cwd = dir();
    const outdir = path.join(cwd, OUT);
    if (!fs.existsSync("/dev/shm") || fs.statSync("/dev/shm").dev === fs.statSync(cwd).dev) {
      skipBecause("a stack directory on another filesystem: /dev/shm is missing or on the same filesystem as the scratch directory");
      return;
    }
    expect((await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" } })).status).toBe(0);
    const stackDir = path.join(outdir, "stacks", "aks-workload-identity");
    const moved = fs.mkdtempSync("/dev/shm/aks-wi-stack-");
    cleanups.push(() => fs.rmSync(moved, { recursive: true, force: true }));
    fs.cpSync(stackDir, moved, { recursive: true });
    fs.rmSync(stackDir, { recursive: true });
    fs.symlinkSync(moved, stackDir);
    const before = publishedFiles(outdir);
    const run = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" } });
    expect(run.status).toBe(1);
    expect(oneLine(run)).toBe(
      `synth: cannot write ${stackDir}: it is on another filesystem than the output directory, so its files cannot be replaced atomically (EXDEV); make the stack directory part of the output directory's filesystem (a mount or a symbolic link to elsewhere is fine for the output directory itself), then synthesize again. The earlier output is unchanged.`,
    );
    expect(publishedFiles(outdir)).toEqual(before);
    expect(fs.readFileSync(path.join(moved, "cdk.tf.json"), "utf8")).toContain("myAKSClusteraaaaaa");
  });

  describe("permissions", () => {
    /** A directory the unprivileged user owns, for the permission cases. */
    function ownedDir(): string {
      const d = dir();
      if (isRoot) fs.chownSync(d, NOBODY, NOBODY);
      return d;
    }
    const asUser = isRoot ? { uid: NOBODY } : {};
    // As root the cases run as nobody, who must be able to run Node and read the app.
    const unable = isRoot ? cannotRunAs(NOBODY) : undefined;
    const permissionCase = (name: string, fn: () => Promise<void>) =>
      test.concurrent(name, async () => {
        if (unable) return skipBecause(`${name}: ${unable}`);
        await fn();
      });
    const chownAll = (p: string) => isRoot && execFileSync("chown", ["-R", `${NOBODY}:${NOBODY}`, p]);

    permissionCase("cdktf.out not writable, its stack directory writable: nothing is replaced (a new cdk.tf.json beside an old manifest was half an output)", async () => {
      const cwd = ownedDir();
      const outdir = path.join(cwd, OUT);
      const first = await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" }, ...asUser });
      expect(first.stderr).toBe("");
      chownAll(cwd);
      const before = publishedFiles(outdir);
      fs.chmodSync(outdir, 0o555);
      const run = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" }, ...asUser });
      fs.chmodSync(outdir, 0o755);
      expect(run.status).toBe(1);
      expect(oneLine(run)).toBe(
        `synth: cannot write ${outdir}: permission denied (EACCES); make it writable for this user, or synthesize elsewhere (npx cdktf synth --output DIR), then synthesize again. The earlier output is unchanged.`,
      );
      expect(publishedFiles(outdir)).toEqual(before);
    });

    permissionCase("a sticky cdktf.out holding another user's manifest.json: nothing is replaced (the stack's file was, then the manifest failed)", async () => {
      if (!isRoot) return skipBecause("sticky cdktf.out with another user's manifest.json: needs root to make a file of another user");
      const cwd = ownedDir();
      const outdir = path.join(cwd, OUT);
      const first = await runSynth(cwd, { env: { RANDOM_ID: "aaaaaa" }, ...asUser });
      expect(first.stderr).toBe("");
      chownAll(cwd);
      fs.chownSync(outdir, 0, 0);
      fs.chmodSync(outdir, 0o1777);
      fs.chownSync(path.join(outdir, "manifest.json"), 0, 0);
      const before = publishedFiles(outdir);
      const run = await runSynth(cwd, { env: { RANDOM_ID: "bbbbbb" }, ...asUser });
      expect(run.status).toBe(1);
      expect(oneLine(run)).toMatch(/^synth: cannot write .*manifest\.json: the operation is not permitted \(EPERM\); .* The earlier output is unchanged\.$/);
      expect(publishedFiles(outdir)).toEqual(before);
    });

    permissionCase("a writable cdktf.out in a read-only directory works (staging once needed the parent)", async () => {
      const cwd = ownedDir();
      fs.mkdirSync(path.join(cwd, OUT));
      chownAll(cwd);
      fs.chmodSync(cwd, 0o555);
      const run = await runSynth(cwd, asUser);
      fs.chmodSync(cwd, 0o755);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(fs.existsSync(path.join(cwd, STACK_FILE))).toBe(true);
    });

    permissionCase("no cdktf.out and a read-only directory", async () => {
      const cwd = ownedDir();
      fs.chmodSync(cwd, 0o555);
      const run = await runSynth(cwd, asUser);
      fs.chmodSync(cwd, 0o755);
      expect(run.status).toBe(1);
      expect(oneLine(run)).toMatch(new RegExp(`^synth: cannot write ${path.join(cwd, OUT)}: permission denied \\(EACCES\\); `));
      expect(fs.readdirSync(cwd)).toEqual([]);
    });
  });

  test.concurrent("a missing node_modules: one line saying to install, no stack trace", async () => {
    const copy = dir();
    for (const entry of ["package.json", "main.ts", "tsconfig.json", "lib", "scripts"]) fs.cpSync(path.join(__dirname, "..", entry), path.join(copy, entry), { recursive: true });
    const run = spawnSync(process.execPath, [path.join(copy, "scripts", "run.js"), "main"], { cwd: copy, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("main: cannot load esbuild: node_modules is missing or incomplete; run npm ci\n");
  });
});

describe("staging directories of other runs", () => {
  function stack(app: import("cdktf").App) {
    new TerraformOutput(new TerraformStack(app, "demo"), "v", { value: "x" });
  }
  const self = currentProcess();
  const name = (parts: { boot?: string; ns?: string; pid?: number; start?: string }) =>
    `.staging-${parts.boot ?? self.boot}-${parts.ns ?? self.pidNamespace}-${parts.pid ?? self.pid}-${parts.start ?? self.start}-0123456789ab`;

  test("are removed when their process is gone or its pid was reused, kept while it runs or cannot be asked, until they are old", () => {
    if (self.boot === "x" || self.pidNamespace === "x" || self.start === "x") {
      skipBecause("staging ownership by process: /proc cannot be read here, so only the age rule applies");
      return;
    }
    const outdir = path.join(dir(), OUT);
    fs.mkdirSync(outdir);
    const hour = (n: number) => new Date(Date.now() - n * ABANDONED_AFTER_MS);
    const cases: Array<[string, string, boolean, Date?]> = [
      ["this machine and namespace, process gone", name({ pid: unusedPid() }), false],
      ["this machine and namespace, pid reused by a later process", name({ start: String(Number(self.start) + 1) }), false],
      ["this machine and namespace, still running (this process)", name({}), true],
      ["another PID namespace with the same pid (a container sharing the directory)", name({ ns: "1" }), true],
      ["another machine", name({ boot: "0123456789ab" }), true],
      ["another machine, older than the limit", name({ boot: "0123456789ab" }), false, hour(1.5)],
      ["another namespace, older than the limit", name({ ns: "1" }), false, hour(1.5)],
      ["a name of no known form, new", ".staging-by-someone-else", true],
      ["a name of no known form, old", ".staging-by-someone-older", false, hour(2)],
    ];
    cases.forEach((c, i) => (c[1] = c[1].replace(/0123456789ab$/, `${i}`.padStart(12, "0"))));
    for (const [, entry, , modified] of cases) {
      fs.mkdirSync(path.join(outdir, entry));
      fs.writeFileSync(path.join(outdir, entry, "work"), "in progress");
      if (modified) fs.utimesSync(path.join(outdir, entry), modified, modified);
    }
    synthAtomically(outdir, stack);
    const left = new Set(fs.readdirSync(outdir));
    expect(cases.map(([what, entry]) => [what, left.has(entry)])).toEqual(cases.map(([what, , kept]) => [what, kept]));
    expect(fs.existsSync(path.join(outdir, "stacks", "demo", "cdk.tf.json"))).toBe(true);
  });

  test("the app's own staging directory is named by boot, PID namespace, pid and start time, and a random token", () => {
    const outdir = path.join(dir(), OUT);
    let seen: string[] = [];
    synthAtomically(outdir, (app) => {
      stack(app);
      seen = stagingDirectories(outdir);
    });
    expect(seen).toEqual([expect.stringMatching(new RegExp(`^\\.staging-${self.boot}-${self.pidNamespace}-${self.pid}-${self.start}-[0-9a-f]{12}$`))]);
    expect(stagingDirectories(outdir)).toEqual([]);
  });
});
