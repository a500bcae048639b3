import * as fs from "fs";
import * as path from "path";
import { TerraformOutput, TerraformStack } from "cdktf";
import { synthAtomically } from "../lib/app/atomic-synth";
import { runApp, scratchDir, STACK_FILE } from "./app-process";

const dirs: string[] = [];
function dir(): string {
  const d = scratchDir("aks-wi-atomic-");
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const staged = (outdir: string) => fs.readdirSync(outdir).filter((e) => e.startsWith(".staging-"));

/** Every file under `root` with its bytes, to compare a tree before and after; staging directories are not output. */
function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (d === root && e.name.startsWith(".staging-")) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full, "base64");
    }
  };
  walk(root);
  return out;
}

function stackWithOutput(value: string) {
  return (app: import("cdktf").App) => {
    const stack = new TerraformStack(app, "demo");
    new TerraformOutput(stack, "v", { value });
    return stack;
  };
}

/** The module object itself (the `import * as` namespace cannot be spied on); the code under test reads through it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs: typeof fs = require("fs");
const realExists = nodeFs.existsSync;

/** Runs `run` as if another synthesis made `outdir` just after this one found it missing. */
function losingTheRaceFor<T>(outdir: string, run: () => T): T {
  const exists = jest.spyOn(nodeFs, "existsSync").mockImplementation((p) => {
    if (p !== outdir) return realExists(p);
    fs.mkdirSync(outdir);
    exists.mockRestore();
    return false;
  });
  try {
    return run();
  } finally {
    exists.mockRestore();
  }
}

describe("synthAtomically", () => {
  test("an output directory another synthesis makes between the check and the mkdir is used, not an error, and not removed on failure", () => {
    const outdir = path.join(dir(), "cdktf.out");
    losingTheRaceFor(outdir, () => synthAtomically(outdir, stackWithOutput("raced")));
    expect(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "demo", "cdk.tf.json"), "utf8")).output.v.value).toBe("raced");

    const other = path.join(dir(), "cdktf.out");
    expect(() => losingTheRaceFor(other, () => synthAtomically(other, () => { throw new Error("build failed"); }))).toThrow("build failed");
    // The directory was the other run's to keep.
    expect(fs.existsSync(other)).toBe(true);
  });

  test("replaces the stack's files and keeps other files in the stack directory", () => {
    const outdir = path.join(dir(), "cdktf.out");
    synthAtomically(outdir, stackWithOutput("one"));
    fs.mkdirSync(path.join(outdir, "stacks", "demo", ".terraform"));
    fs.writeFileSync(path.join(outdir, "stacks", "demo", ".terraform", "keep"), "init state");
    // Left from an HCL synthesis: Terraform would read it beside cdk.tf.json.
    fs.writeFileSync(path.join(outdir, "stacks", "demo", "cdk.tf"), "# stale");
    synthAtomically(outdir, stackWithOutput("two"));
    expect(fs.existsSync(path.join(outdir, "stacks", "demo", "cdk.tf"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "demo", "cdk.tf.json"), "utf8")).output.v.value).toBe("two");
    expect(fs.readFileSync(path.join(outdir, "stacks", "demo", ".terraform", "keep"), "utf8")).toBe("init state");
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(["cdktf.out"]);
  });

  test("leaves the earlier output exactly as it was when synthesis fails", () => {
    const outdir = path.join(dir(), "cdktf.out");
    synthAtomically(outdir, stackWithOutput("good"));
    const before = snapshotTree(outdir);
    expect(() =>
      synthAtomically(outdir, (app) => {
        const stack = stackWithOutput("bad")(app);
        stack.node.addValidation({ validate: () => ["broken on purpose"] });
      }),
    ).toThrow(/broken on purpose/);
    expect(snapshotTree(outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(["cdktf.out"]);
  });

  test("writes nothing at all when the first synthesis fails", () => {
    const outdir = path.join(dir(), "cdktf.out");
    expect(() => synthAtomically(outdir, () => {
      throw new Error("no stack");
    })).toThrow("no stack");
    expect(fs.readdirSync(path.dirname(outdir))).toEqual([]);
  });
});

describe("the app's output across runs", () => {
  test("a bad configuration after a good one leaves the good cdk.tf.json byte-identical", () => {
    const cwd = dir();
    expect(runApp(cwd).status).toBe(0);
    const before = snapshotTree(path.join(cwd, "cdktf.out"));
    fs.writeFileSync(path.join(cwd, "bad.json"), JSON.stringify({ keyvault: {} }));
    const bad = runApp(cwd, { AKS_WI_CONFIG: "bad.json" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("keyvault: is not a known key; did you mean `keyVault`?");
    expect(snapshotTree(path.join(cwd, "cdktf.out"))).toEqual(before);
  });

  test("a run killed before its output is complete leaves the earlier output, and the next run cleans up", () => {
    const cwd = dir();
    expect(runApp(cwd, { RANDOM_ID: "aaaaaa" }).status).toBe(0);
    const before = snapshotTree(path.join(cwd, "cdktf.out"));
    // Kill the process at its first file move: everything is synthesized, nothing published yet.
    const killer = path.join(cwd, "kill-on-rename.js");
    fs.writeFileSync(killer, 'const fs = require("fs"); fs.renameSync = () => process.kill(process.pid, "SIGKILL");\n');
    const killed = runApp(cwd, { RANDOM_ID: "bbbbbb", NODE_OPTIONS: `--require ${killer}` });
    expect(killed.status).toBeNull();
    expect(snapshotTree(path.join(cwd, "cdktf.out"))).toEqual(before);
    // The killed run's staging directory is inside cdktf.out (on its filesystem); the next run removes it.
    expect(staged(path.join(cwd, "cdktf.out"))).toHaveLength(1);
    expect(runApp(cwd, { RANDOM_ID: "cccccc" }).status).toBe(0);
    expect(staged(path.join(cwd, "cdktf.out"))).toEqual([]);
    expect(fs.readFileSync(path.join(cwd, STACK_FILE), "utf8")).toContain("myAKSClustercccccc");
  });
});
