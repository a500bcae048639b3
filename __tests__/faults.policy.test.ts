import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackShapeProblem } from "../lib/terraform-json/stack-file";
import { configurationFingerprint, recordedFingerprint } from "../lib/config/fingerprint";
import { loadConfig } from "../lib/config/load";
import { runPolicyReport } from "../lib/commands/policy";
import { builtCommand, cleanEnv, runApp, scratchDir, STACK_FILE } from "./app-process";

/**
 * `npm run policy` and `npm run diagram` read a file that may not be a synthesized stack, or may
 * be one synthesized from another configuration: they refuse the first in one line (exit 2 and
 * 1), name the file they read, and say when it is not what `npm run synth` would write now.
 */

jest.setTimeout(60000);

const dir = scratchDir("aks-wi-faults-policy-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function policy(args: string[], env?: Record<string, string | undefined>, cwd = dir): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const code = runPolicyReport({ args, cwd, env, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

function diagram(args: string[], env: Record<string, string> = {}, cwd = dir) {
  return spawnSync(process.execPath, [builtCommand("diagram"), ...args], { cwd, env: { ...cleanEnv(), ...env }, encoding: "utf8" });
}

let n = 0;
const write = (content: string) => {
  const file = path.join(dir, `input-${n++}.json`);
  fs.writeFileSync(file, content);
  return path.basename(file);
};

describe("a file that is not a synthesized stack", () => {
  test.each([
    ["{}", "{}", 'it has no resource and no data source (no "resource" or "data" block with one in it)'],
    ['"resource": "x"', '{"resource": "x"}', 'its "resource" block is a string, not an object of resource types'],
    ["a resource type that is a list", '{"resource": {"azurerm_key_vault": []}}', 'resource type "azurerm_key_vault" is a list, not an object of blocks by name'],
    ["a resource that is a number", '{"resource": {"azurerm_key_vault": {"Kv": 1}}}', 'resource "azurerm_key_vault.Kv" is a number, not an object'],
    ["an empty resource block", '{"resource": {}, "terraform": {}}', 'it has no resource and no data source (no "resource" or "data" block with one in it)'],
    ["a list", "[]", "it holds a list, not an object"],
    ["a terraform block that is not an object", '{"terraform": 1, "resource": {"a": {"b": {}}}}', 'its "terraform" block is a number, not an object'],
  ])("policy refuses %s: exit 2, one line", (_, content, why) => {
    const file = write(content);
    expect(policy([file])).toEqual({ code: 1, stdout: "", stderr: `policy: ${file} is not a synthesized stack: ${why}; run \`npm run synth\` and name its cdk.tf.json\n` });
  });

  test("the shape check accepts a stack of data sources only", () => {
    expect(stackShapeProblem({ data: { azurerm_client_config: { Current: {} } } })).toBeUndefined();
  });

  test.each([
    ["/dev/zero", () => "/dev/zero"],
    [
      "a FIFO",
      () => {
        const fifo = path.join(dir, `fifo-${n++}`);
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
    ],
  ])("policy refuses %s at once instead of reading without end", (_, file) => {
    const name = file();
    const started = Date.now();
    const result = policy([name]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toEqual({ code: 1, stdout: "", stderr: `policy: ${name} is not a regular file; name a cdk.tf.json\n` });
  });

  test("diagram refuses them too: exit 1, one line, no stack trace", () => {
    const run = diagram([write('{"resource": "x"}')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^diagram: input-\d+\.json is not a synthesized stack: its "resource" block is a string, not an object of resource types; run `npm run synth` and name its cdk\.tf\.json\n$/);
  });
});

describe("the file read, and the configuration it came from", () => {
  // One synthesized project shared by the cases below: the app as npm run synth runs it.
  const project = path.join(dir, "project");
  beforeAll(() => {
    fs.mkdirSync(project);
    expect(runApp(project, { RANDOM_ID: "aaaaaa" }).status).toBe(0);
  });

  test("synthesis records the configuration's fingerprint, the same for the same configuration", () => {
    const tf = JSON.parse(fs.readFileSync(path.join(project, STACK_FILE), "utf8"));
    expect(recordedFingerprint(tf)).toBe(configurationFingerprint(loadConfig({ env: { RANDOM_ID: "aaaaaa" } }).config));
    expect(recordedFingerprint(tf)).not.toBe(configurationFingerprint(loadConfig({ env: { RANDOM_ID: "bbbbbb" } }).config));
  });

  test("policy names the file it read, and says nothing more when it matches the current configuration", () => {
    const result = policy([], { RANDOM_ID: "aaaaaa" }, project);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^policy: read ${path.join(project, STACK_FILE).replace(/[.]/g, "\\.")} \\(synthesized \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\\n$`));
  });

  test("policy says when the file was synthesized from another configuration", () => {
    const result = policy([], { RANDOM_ID: "bbbbbb" }, project);
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")[1]).toBe(
      `policy: note: ${path.join("cdktf.out", "stacks", "aks-workload-identity", "cdk.tf.json")} was synthesized from another configuration than the current one (the defaults and the environment), or by another version of this project; run npm run synth to see the current one`,
    );
  });

  test("policy says when the current configuration cannot be compared, being invalid", () => {
    const result = policy([], { RANDOM_ID: "not-hex" }, project);
    expect(result.stderr.split("\n")[1]).toMatch(/^policy: note: the current configuration is invalid \(npm run config says why\), so whether .* was synthesized from it is unknown$/);
  });

  test("diagram, as a command, names the file on stderr and notes another configuration, its diagram unchanged on stdout", () => {
    const same = diagram([], { RANDOM_ID: "aaaaaa" }, project);
    const other = diagram([], { RANDOM_ID: "bbbbbb" }, project);
    expect([same.status, other.status]).toEqual([0, 0]);
    expect(other.stdout).toBe(same.stdout);
    expect(same.stderr).toMatch(/^diagram: read \/.*cdk\.tf\.json \(synthesized [^)]+\)\n$/);
    expect(other.stderr.split("\n")[1]).toMatch(/^diagram: note: .* was synthesized from another configuration than the current one/);
  });
});

describe("--help, with the exit codes", () => {
  test.each([
    ["main", "  2  usage: an unknown option, a bad option value or a wrong number of arguments; nothing was done"],
    ["config", "  1  the configuration is invalid: every problem is listed"],
    ["policy", "  3  no error fails, but an error check is unknown until Terraform evaluates a value"],
    ["diagram", "  1  no diagram: the file is missing, unreadable or not a synthesized stack"],
  ])("%s --help prints its usage and exit codes, exit 0", (command, line) => {
    const run = spawnSync(process.execPath, [builtCommand(command), "--help"], { cwd: dir, env: cleanEnv(), encoding: "utf8" });
    expect([run.status, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toMatch(/^usage: /);
    expect(run.stdout).toContain("exit codes:\n  0  ");
    expect(run.stdout).toContain(line);
  });
});
