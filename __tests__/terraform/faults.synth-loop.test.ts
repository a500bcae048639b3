import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../app-process";
import { publishedFiles, runSynth, skipBecause, stagingDirectories } from "../faults.output";

/**
 * Synthesis killed at any moment, and synthesis run side by side: the output is always a whole
 * output, of one run or another, and no run deletes another's work. In the Terraform suite's run
 * (no Terraform here): some 40 syntheses take longer than the unit suite should.
 */

jest.setTimeout(120000);

const root = scratchDir("aks-wi-faults-loop-");
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const OUT = "cdktf.out";
const SUFFIXES = ["aaaaaa", "bbbbbb"];

/** The complete output for each suffix, file by file. */
let complete: Array<Record<string, string>>;
beforeAll(async () => {
  complete = [];
  for (const suffix of SUFFIXES) {
    const cwd = fs.mkdtempSync(path.join(root, "reference-"));
    expect((await runSynth(cwd, { env: { RANDOM_ID: suffix } })).status).toBe(0);
    complete.push(publishedFiles(path.join(cwd, OUT)));
  }
});

/** Each published file is one of the complete outputs' version of it, and every file of an output is there. */
function expectWhole(outdir: string): void {
  const files = publishedFiles(outdir);
  expect(Object.keys(files).sort()).toEqual(Object.keys(complete[0]).sort());
  for (const [file, text] of Object.entries(files)) expect(complete.map((c) => c[file])).toContain(text);
}

test("killed with SIGKILL at 24 moments through a synthesis, the output is always whole, and the next run cleans up", async () => {
  const cwd = fs.mkdtempSync(path.join(root, "kill-"));
  const outdir = path.join(cwd, OUT);
  expect((await runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[0] } })).status).toBe(0);
  // Timed on a second, warm run (the first may compile the bundle's code cache).
  const started = Date.now();
  expect((await runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[0] } })).status).toBe(0);
  const duration = Date.now() - started;
  let killed = 0;
  // Deterministic moments spread over a whole run, from before the configuration is read to the renames.
  for (let i = 0; i < 24; i++) {
    const run = await runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[i % 2] }, killAfterMs: Math.round(((i * 7) % 24) / 24 * duration * 1.2) });
    if (run.signal === "SIGKILL") killed++;
    else expect(run.status).toBe(0);
    expectWhole(outdir);
  }
  // Most moments fall inside a run; a busy machine only makes runs longer and kills more of them.
  expect(killed).toBeGreaterThanOrEqual(8);
  expect((await runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[1] } })).status).toBe(0);
  expect(publishedFiles(outdir)).toEqual(complete[1]);
  expect(stagingDirectories(outdir)).toEqual([]);
});

test("six runs at once in one directory all succeed, with a whole output and no staging left", async () => {
  const cwd = fs.mkdtempSync(path.join(root, "together-"));
  const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[i % 2] } })));
  expect(runs.map((r) => [r.status, r.stderr])).toEqual(runs.map(() => [0, ""]));
  expectWhole(path.join(cwd, OUT));
  expect(stagingDirectories(path.join(cwd, OUT))).toEqual([]);
});

test("runs in two PID namespaces with the same hostname (containers sharing a directory) keep each other's staging directory", async () => {
  const cwd = fs.mkdtempSync(path.join(root, "namespaces-"));
  const wrapper = ["unshare", "--pid", "--fork", "--mount-proc"];
  try {
    execFileSync(wrapper[0], [...wrapper.slice(1), "true"], { stdio: "pipe" });
  } catch (error) {
    skipBecause(`runs in separate PID namespaces: unshare is refused here (${((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim().split("\n")[0]})`);
    return;
  }
  // The first run stops at its first rename, its staging directory complete, until told to go on
  // (or for 20 s at most, so that a failing test leaves no process behind).
  const hold = path.join(cwd, "hold.js");
  const [ready, go] = [path.join(cwd, "ready"), path.join(cwd, "go")];
  fs.writeFileSync(
    hold,
    `const fs = require("fs"); const rename = fs.renameSync; let held = false;
     fs.renameSync = function (...args) {
       if (!held) { held = true; fs.writeFileSync(${JSON.stringify(ready)}, "");
         const nap = new Int32Array(new SharedArrayBuffer(4)); const until = Date.now() + 20000;
         while (!fs.existsSync(${JSON.stringify(go)}) && Date.now() < until) Atomics.wait(nap, 0, 0, 20); }
       return rename.apply(this, args);
     };\n`,
  );
  // The first app is not its namespace's pid 1 (three short processes come first), the second is: a
  // pid alone would say the first run's process is gone, when it only runs elsewhere.
  const first = runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[0], NODE_OPTIONS: `--require ${hold}` }, wrapper: [...wrapper, "sh", "-c", ': & : & : & wait; "$0" "$@"'] });
  let held: string[];
  try {
    for (const deadline = Date.now() + 20000; !fs.existsSync(ready) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(ready)).toBe(true);
    held = stagingDirectories(path.join(cwd, OUT));
    expect(held).toHaveLength(1);
    const second = await runSynth(cwd, { env: { RANDOM_ID: SUFFIXES[1] }, wrapper });
    expect(second.status).toBe(0);
    expect(stagingDirectories(path.join(cwd, OUT))).toEqual(held);
  } finally {
    fs.writeFileSync(go, "");
  }
  const done = await first;
  expect([done.status, done.stderr]).toEqual([0, ""]);
  expectWhole(path.join(cwd, OUT));
  expect(publishedFiles(path.join(cwd, OUT))[path.join("stacks", "aks-workload-identity", "cdk.tf.json")]).toBe(complete[0][path.join("stacks", "aks-workload-identity", "cdk.tf.json")]);
  expect(stagingDirectories(path.join(cwd, OUT))).toEqual([]);
});
