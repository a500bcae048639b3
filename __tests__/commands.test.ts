import * as childProcess from "child_process";
import * as fs from "fs";
import * as path from "path";
import { COMMANDS } from "../lib/commands";
import { Command, EXIT, EXIT_TABLE, exitCodes, exitCodeSummary, helpText, USAGE_EXIT } from "../lib/commands/cli";
import { synthCommand } from "../lib/commands/synth";
import { cleanEnv, scratchDir, STACK_FILE } from "./app-process";

/**
 * The one command-line convention (README "Every command takes --help"): for every command, --help
 * prints usage, options and exit codes and does nothing else; a mistake in the arguments is exit 2
 * and one line naming the option and the fix; README's exit-code tables are the commands' own.
 */

const ROOT = path.join(__dirname, "..");
const RUN = path.join(ROOT, "scripts", "run.js");
const NAMES = Object.keys(COMMANDS);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function dir(): string {
  const d = scratchDir("aks-wi-commands-");
  dirs.push(d);
  return d;
}

/** The modules themselves (an `import * as` namespace cannot be spied on): what the commands call. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const [processes, files] = [require("child_process"), require("fs")] as [Record<string, unknown>, Record<string, unknown>];

/** Every way a command does work: starting a process, reading, writing or moving a file, making a directory. */
const WORK: ReadonlyArray<[Record<string, unknown>, string]> = [
  [processes, "spawn"],
  [processes, "spawnSync"],
  [processes, "execFile"],
  [processes, "execFileSync"],
  [files, "writeFileSync"],
  [files, "readFileSync"],
  [files, "renameSync"],
  [files, "mkdirSync"],
  [files, "mkdtempSync"],
  [files, "openSync"],
];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The calls that do work, by name. */
  readonly work: string[];
}

/** Runs `command` in process, in an empty directory, recording any work it starts. */
async function run(command: Command, argv: string[]): Promise<Run> {
  const cwd = dir();
  let stdout = "";
  let stderr = "";
  const spies = WORK.map(([module, name]) => jest.spyOn(module as Record<string, () => unknown>, name));
  try {
    const code = await command(argv, {
      env: { PATH: path.join(cwd, "no-bin"), TF_VAR_keyvault_secret_value: "Hello!" },
      cwd,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    });
    const work = spies.flatMap((spy, i) => (spy.mock.calls.length > 0 ? [WORK[i][1]] : []));
    expect(fs.readdirSync(cwd)).toEqual([]);
    return { code, stdout, stderr, work };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

describe.each(NAMES)("%s", (name) => {
  const command = COMMANDS[name];

  test.each([["--help"], ["-h"], ["--no-such-option", "--help"], ["extra", "-h", "--timeout=x"]])("%s prints usage, options and exit codes, exit 0, and does nothing else", async (...argv) => {
    const result = await run(command, argv);
    expect(result).toEqual({ code: EXIT.ok, stdout: helpText(command.spec), stderr: "", work: [] });
    expect(result.stdout).toMatch(/^usage: \S/);
    expect(result.stdout).toContain("\noptions:\n");
    expect(result.stdout).toMatch(/\n {2}-h, --help {2,}print this help and exit 0, doing nothing else\n/);
    expect(result.stdout).toContain(`\nexit codes:\n  0  `);
    expect(result.stdout).toContain(`\n  1  `);
    expect(result.stdout).toContain(`\n  2  ${USAGE_EXIT}\n`);
  });

  test("--help or -h where a string option's value would be (--out --help) prints the help too", async () => {
    const stringOption = Object.entries(command.spec.options).find(([, o]) => o.type === "string")?.[0];
    if (stringOption === undefined) return;
    for (const help of ["--help", "-h"]) expect(await run(command, [`--${stringOption}`, help])).toEqual({ code: EXIT.ok, stdout: helpText(command.spec), stderr: "", work: [] });
  });

  test("an unknown option: exit 2, one line naming it and the fix, nothing done", async () => {
    const result = await run(command, ["--no-such-option"]);
    expect(result).toEqual({ code: EXIT.usage, stdout: "", stderr: expect.stringMatching(new RegExp(`^${name === "main" ? "synth" : name}: unknown option --no-such-option; it takes (no options|--\\S+(, --\\S+)*) \\(.*--help\\)\\n$`)), work: [] });
  });

  test("a near miss of an option is named", async () => {
    const options = Object.keys(command.spec.options);
    if (options.length === 0) return expect((await run(command, ["--hepl"])).stderr).toMatch(/; did you mean --help\? \(/);
    const [option] = options;
    const misspelt = `--${option.slice(0, -1)}${option.endsWith("x") ? "y" : "x"}`;
    expect((await run(command, [misspelt])).stderr).toMatch(new RegExp(`: unknown option ${misspelt}; did you mean --${option}\\? \\(`));
  });
});

describe("option values", () => {
  test.each([
    ["verify", ["--timeout", "soon"], 'verify: --timeout must be a number of seconds, not "soon"; e.g. --timeout 600\n'],
    ["verify", ["--interval", "0"], 'verify: --interval must be a positive number of seconds, not "0"; e.g. --interval 5\n'],
    // A longer pause than a Node timer keeps fires after 1 ms: verify would poll without pause.
    ["verify", ["--timeout", "1e7", "--interval", "2147484"], 'verify: --interval must be at most 2147483 seconds (about 24 days), not "2147484"; e.g. --interval 5\n'],
    ["verify", ["--outputs"], "verify: --outputs needs a value: --outputs FILE\n"],
    ["verify", ["--stack", "--pod", "x"], "verify: --stack needs a value: --stack DIR\n"],
    ["bench", ["--runs", "0"], 'bench: --runs must be a whole number from 1 to 9999, not "0"; e.g. --runs 5\n'],
    ["config", ["--json=yes"], 'config: --json takes no value (got "yes"); give --json alone\n'],
    ["config", ["extra"], 'config: unexpected argument "extra"; it takes no arguments, only options (npm run config -- --help)\n'],
    ["diagram", ["a.json", "b.json"], 'diagram: unexpected argument "b.json"; give at most one path\n'],
    ["policy", ["--sarif="], "policy: --sarif= needs a file name: --sarif=FILE, or --sarif alone\n"],
    ["plan-review", ["--max-size", "12", "plan.json"], 'plan-review: --max-size "12" is not a whole number of bytes from 4096 to 65536 (GitHub\'s limit for a comment)\n'],
    ["plan-review-comment", ["post"], "plan-review-comment: --pr N is needed: the pull request's number\n"],
    ["main", ["--x\u001b[2J"], "synth: unknown option --x\\u001b[2J; it takes no options (npm run synth -- --help)\n"],
  ])("%s %j: exit 2, one line, nothing done", async (name, argv, stderr) => {
    expect(await run(COMMANDS[name], argv)).toEqual({ code: EXIT.usage, stdout: "", stderr, work: [] });
  });
});

describe("exit codes", () => {
  test("every command lists 0, 1 and 2 with the shared meaning of 2, and numbers its own from 3", () => {
    for (const command of Object.values(COMMANDS)) {
      const codes = exitCodes(command.spec).map(([code]) => code);
      expect(codes.slice(0, 3)).toEqual([0, 1, 2]);
      expect(codes.every((code) => code <= 4)).toBe(true);
    }
  });

  test("README.md's tables are the commands' own", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const [code, meaning] of EXIT_TABLE) expect(readme).toContain(`\n| ${code} | ${meaning} |\n`);
    for (const command of Object.values(COMMANDS)) expect(readme).toContain(`\n| \`${command.spec.name}\` | ${exitCodeSummary(command.spec)} |\n`);
  });

  test("the workflow reads plan-review's exit 3 as risks and fails on any other", () => {
    const workflow = fs.readFileSync(path.join(ROOT, ".github", "workflows", "terraform.yml"), "utf8");
    expect(workflow).toContain('if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi');
    expect(exitCodes(COMMANDS["plan-review"].spec)).toContainEqual([3, "with --fail-on-risk: risks nobody accepted (the review is written)"]);
    expect(workflow).toContain("npm run --silent policy -- --sarif=policy.sarif || [ $? -eq 3 ]");
    expect(exitCodes(COMMANDS.policy.spec)[3]?.[0]).toBe(3);
  });
});

describe("the entry points (scripts/run.js NAME, as npm run and cdktf.json run them)", () => {
  test.each(NAMES)("%s --help: the command's help, exit 0, nothing written", (name) => {
    const cwd = dir();
    const result = childProcess.spawnSync(process.execPath, [RUN, name, "--help"], { cwd, env: cleanEnv(), encoding: "utf8" });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: helpText(COMMANDS[name].spec), stderr: "" });
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test.each([[[]], [["nosuch", "--help"]]])("run.js %j, without a known entry: exit 2 (usage), one line", (argv) => {
    const result = childProcess.spawnSync(process.execPath, [RUN, ...argv], { cwd: dir(), env: cleanEnv(), encoding: "utf8" });
    expect([result.status, result.stdout, result.stderr.split("\n").length]).toEqual([2, "", 2]);
    expect(result.stderr).toMatch(/^usage: node scripts\/run.js ENTRY \[ARGS...\]; ENTRY is one of main, /);
  });

  test.each(NAMES)("%s --bogus: exit 2, one line", (name) => {
    const result = childProcess.spawnSync(process.execPath, [RUN, name, "--bogus"], { cwd: dir(), env: cleanEnv(), encoding: "utf8" });
    expect([result.status, result.stdout, result.stderr.split("\n").length]).toEqual([2, "", 2]);
    expect(result.stderr).toMatch(/^[a-z-]+: unknown option --bogus; /);
  });
});

describe("synth's last line", () => {
  const synth = (cwd: string, env: Record<string, string> = {}) => {
    let stdout = "";
    let stderr = "";
    const code = synthCommand([], { env, cwd, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    return { code, stdout, stderr };
  };
  const resources = (file: string) => Object.values((JSON.parse(fs.readFileSync(file, "utf8")) as { resource: Record<string, object> }).resource).reduce((n, byName) => n + Object.keys(byName).length, 0);

  test("names the file, relative to the directory, its resources and the defaults", () => {
    const cwd = dir();
    expect(synth(cwd)).toEqual({ code: 0, stdout: "synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (14 resources) from the defaults\n", stderr: "" });
    expect(resources(path.join(cwd, STACK_FILE))).toBe(14);
  });

  test("names the configuration file and every environment variable that overrode it, in the schema's order", () => {
    const cwd = dir();
    fs.writeFileSync(path.join(cwd, "team.yaml"), "location: westeurope\nworkloads:\n  - namespace: apps\n    serviceAccount: api\n    identity: id-api\n  - namespace: apps\n    serviceAccount: web\n    identity: id-web\n");
    const result = synth(cwd, { AKS_WI_CONFIG: "team.yaml", SERVICE_ACCOUNT_NAME: "api-{suffix}", LOCATION: "eastus", RANDOM_ID: "c0ffee" });
    const count = resources(path.join(cwd, STACK_FILE));
    expect(result).toEqual({
      code: 0,
      stdout: `synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (${count} resources) from AKS_WI_CONFIG=team.yaml; environment overrides: LOCATION, RANDOM_ID, SERVICE_ACCOUNT_NAME\n`,
      stderr: "",
    });
  });

  test("names an output directory outside the working directory by its absolute path", () => {
    const [cwd, out] = [dir(), dir()];
    const result = synth(cwd, { CDKTF_OUTDIR: out });
    expect(result.stdout).toBe(`synth: wrote ${path.join(out, "stacks", "aks-workload-identity", "cdk.tf.json")} (14 resources) from the defaults\n`);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test("names the file relative to where npm run was typed, as it reads a relative AKS_WI_CONFIG: from a subdirectory, by its absolute path", () => {
    const cwd = dir();
    const sub = path.join(cwd, "help");
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, "team.yaml"), "location: westeurope\n");
    const result = synth(cwd, { INIT_CWD: sub, npm_package_json: path.join(cwd, "package.json"), AKS_WI_CONFIG: "team.yaml" });
    expect(result.stdout).toBe(`synth: wrote ${path.join(cwd, STACK_FILE)} (14 resources) from AKS_WI_CONFIG=team.yaml\n`);
    fs.rmSync(sub, { recursive: true });
  });

  test("shows a configuration file's name with a control character as an escape, on one line", () => {
    const cwd = dir();
    const name = "te\u001b[2Jam\u202e.yaml";
    fs.writeFileSync(path.join(cwd, name), "location: westeurope\n");
    expect(synth(cwd, { AKS_WI_CONFIG: name }).stdout).toBe(
      "synth: wrote cdktf.out/stacks/aks-workload-identity/cdk.tf.json (14 resources) from AKS_WI_CONFIG=te\\u001b[2Jam\\u202e.yaml\n",
    );
  });

  test("prints nothing on stdout when it writes nothing", () => {
    const cwd = dir();
    const result = synth(cwd, { KEYVAULT_NAME: "1kv" });
    expect([result.code, result.stdout]).toEqual([1, ""]);
    expect(result.stderr).toMatch(/^Invalid configuration \(1 problem\):\n/);
  });
});

describe("untrusted text in a usage error", () => {
  test("an argument with a terminal escape or a bidi override is shown as escapes, once", async () => {
    expect(await run(COMMANDS.config, ["a\u001b[2J\u202eb"])).toEqual({
      code: EXIT.usage,
      stdout: "",
      stderr: 'config: unexpected argument "a\\u001b[2J\\u202eb"; it takes no arguments, only options (npm run config -- --help)\n',
      work: [],
    });
  });
});
