import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConfigError, formatProblem } from "../lib/config/errors";
import { loadConfig } from "../lib/config/load";
import { CONFIG_FILE_LIMITS, roughYamlDepth } from "../lib/config/read";
import { builtCommand, cleanEnv, scratchDir } from "./app-process";

/**
 * The configuration reader against files that are not configurations, or are built to hurt: each
 * ends in a ConfigError (one line per problem, nothing echoed beyond a short excerpt) within a few
 * seconds, or loads, never a crash. The app runs a sample of them as a process: exit 1, no stack
 * trace, no output directory.
 */

// Made here, not in beforeAll: jest starts concurrent tests before beforeAll hooks have run.
const dir = scratchDir("aks-wi-faults-config-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  fs.writeFileSync(path.join(dir, name), content);
  return name;
}

interface Outcome {
  /** Formatted problems, the scratch directory written as <dir>. */
  readonly problems: string[];
  /** The ConfigError's whole message, as synth prints it. */
  readonly message: string;
  readonly ms: number;
}

function load(name: string, env: Record<string, string> = {}): Outcome {
  const started = Date.now();
  try {
    loadConfig({ env: { AKS_WI_CONFIG: name, ...env }, cwd: dir });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const clean = (s: string) => s.split(dir).join("<dir>");
    return { problems: error.problems.map((p) => clean(formatProblem(p))), message: clean(error.message), ms: Date.now() - started };
  }
  throw new Error(`${name} was accepted`);
}

describe("YAML aliases", () => {
  test("150 workloads sharing one anchor load (the package's default budget of 100 refused them)", () => {
    const workload = (i: number) => `  - serviceAccount: app-${i}\n    identity: id-${Math.floor(i / 20)}\n    secrets: ${i === 0 ? '&s ["my-secret{suffix}"]' : "*s"}\n`;
    const text = `workloads:\n${Array.from({ length: 150 }, (_, i) => workload(i)).join("")}`;
    const { config } = loadConfig({ env: { AKS_WI_CONFIG: write("shared-anchor.yaml", text) }, cwd: dir });
    expect(config.workloads).toHaveLength(150);
    expect(config.workloads.every((w) => w.secrets?.[0] === "my-secret{suffix}")).toBe(true);
  });

  test("fails once, as a configuration error, on an alias bomb", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`);
    const bomb = ["l0: &l0 lol", ...levels, "location: *l9"].join("\n");
    const outcome = load(write("bomb.yaml", bomb));
    expect(outcome.problems).toEqual([
      `AKS_WI_CONFIG: uses YAML aliases that would expand past ${CONFIG_FILE_LIMITS.yamlAliases} references (an alias bomb?); a configuration needs far fewer (got "bomb.yaml", read as "<dir>/bomb.yaml"); write the repeated values out, or alias fewer of them`,
    ]);
    expect(outcome.ms).toBeLessThan(5000);
  });
});

describe("YAML size (found by an attack: files under 4 MiB took gigabytes or tens of seconds)", () => {
  test.each([
    ["1.4 million empty flow objects", () => `location: westeurope\nx: [${Array(1_390_000).fill("{}").join(",")}]\n`, /^AKS_WI_CONFIG: holds about 1390\d{3} YAML entries; /],
    ["40,000 uses of one scalar anchor", () => `a: &a x\n${Array.from({ length: 40_000 }, (_, i) => `k${i}: *a`).join("\n")}\n`, /^AKS_WI_CONFIG: uses about 40000 YAML aliases \(at most 10000 are read\)/],
  ])("%s: one problem, not the tens of seconds it took", (_, text, expected) => {
    const outcome = load(write("big.yaml", text()));
    expect(outcome.problems).toEqual([expect.stringMatching(expected)]);
    // A bound on a pathology, not a speed target (that is npm run bench's): the unbounded reader took
    // tens of seconds; the bounded one takes a fraction of a second alone, but CI machines are shared.
    expect(outcome.ms).toBeLessThan(8000);
  });

  test("a configuration of 5000 workloads with their keys set is well within both budgets", () => {
    const workload = (i: number) =>
      `  - namespace: team-${i % 50}\n    serviceAccount: app-${i}\n    identity: id-${Math.floor(i / 20)}\n    federatedCredential: fic-${i}\n    namespaceExists: true\n    tokenExpiration: 3600\n    secrets: *s\n`;
    const text = `keyVault:\n  secretName: my-secret\nworkloads:\n  - serviceAccount: first\n    identity: id-first\n    secrets: &s [my-secret]\n${Array.from({ length: 4999 }, (_, i) => workload(i)).join("")}`;
    const { config } = loadConfig({ env: { AKS_WI_CONFIG: write("many.yaml", text) }, cwd: dir });
    expect(config.workloads).toHaveLength(5000);
  });
});

describe("nesting", () => {
  const tooDeep = (line: number) =>
    `nests lists and objects more than ${CONFIG_FILE_LIMITS.depth} deep (at line ${line}); a configuration nests at most 4 deep`;

  test.each([
    ["1000 flow lists", `workloads: ${"[".repeat(1000)}${"]".repeat(1000)}\n`, 1],
    ["1000 compact block lists on one line", `location: eastus\nworkloads:\n  ${"- ".repeat(1000)}x\n`, 3],
    ["1000 indented block levels", `workloads:\n${Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}x\n`, 33],
    ["100,000 flow maps", `${"{a: ".repeat(100000)}1${"}".repeat(100000)}\n`, 1],
  ])("fails on YAML of %s, without overflowing the stack", (_, text, line) => {
    const outcome = load(write("deep.yaml", text));
    expect(outcome.problems).toEqual([`AKS_WI_CONFIG: ${tooDeep(line)} (got "deep.yaml", read as "<dir>/deep.yaml"); remove the extra nesting`]);
  });

  test("fails on JSON nested 4000 deep, with the position where it passes the limit", () => {
    const outcome = load(write("deep.json", `{"workloads": ${"[".repeat(4000)}${"]".repeat(4000)}}`));
    expect(outcome.problems).toEqual([
      `AKS_WI_CONFIG: nests lists and objects more than ${CONFIG_FILE_LIMITS.depth} deep (at line 1, column 46); a configuration nests at most 4 deep (got "deep.json", read as "<dir>/deep.json"); remove the extra nesting`,
    ]);
  });

  test("the rough YAML scan counts no brackets inside quotes, comments or block text", () => {
    const brackets = "[".repeat(40);
    const text = `a: "${brackets}"\nb: '${brackets}'\nc: x # ${brackets}\nd: |\n  ${brackets}\n  - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\ne: plain${brackets}\nf: "multi\n  ${brackets}"\n`;
    expect(roughYamlDepth(text).depth).toBeLessThanOrEqual(1);
    expect(loadConfig({ env: { AKS_WI_CONFIG: write("brackets.yaml", `location: eastus\n# ${brackets}\n`) }, cwd: dir }).config.location).toBe("eastus");
  });
});

describe("files that are not regular files, or too large", () => {
  test("refuses /dev/zero at once instead of reading without end", () => {
    const outcome = load("/dev/zero");
    expect(outcome.problems).toEqual(['AKS_WI_CONFIG: names a character device, not a regular file (got "/dev/zero"); copy the configuration into a regular file and name that']);
    expect(outcome.ms).toBeLessThan(5000);
  });

  test("refuses a FIFO with no writer instead of waiting for one", () => {
    execFileSync("mkfifo", [path.join(dir, "fifo.yaml")]);
    const outcome = load("fifo.yaml");
    expect(outcome.problems).toEqual(['AKS_WI_CONFIG: names a FIFO (named pipe), not a regular file (got "fifo.yaml", read as "<dir>/fifo.yaml"); copy the configuration into a regular file and name that']);
  });

  test("refuses a file over the size limit without reading it", () => {
    const file = path.join(dir, "huge.yaml");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, 64 * 1024 * 1024); // sparse: nothing written, nothing read
    const outcome = load("huge.yaml");
    expect(outcome.problems).toEqual([
      'AKS_WI_CONFIG: names a file of 64.0 MiB; a configuration file may be at most 4.0 MiB (5000 workloads with every key set take about 1.5 MiB) (got "huge.yaml", read as "<dir>/huge.yaml"); keep only the configuration in it, or split it across stacks',
    ]);
    expect(outcome.ms).toBeLessThan(5000);
  });

  test("the size limit leaves room for the largest configuration: 5000 workloads with every key set", () => {
    const workload = (i: number) =>
      `  - namespace: team-${i % 10}-namespace\n    namespaceExists: false\n    serviceAccount: service-account-${i}\n    identity: identity-${Math.floor(i / 20)}-{suffix}\n` +
      `    federatedCredential: federated-credential-${i}\n    secrets: ["my-secret{suffix}", "db-password"]\n    tenantId: 00000000-0000-0000-0000-000000000000\n    tokenExpiration: 3600\n`;
    const text = `suffix: be4c40\nworkloads:\n${Array.from({ length: 5000 }, (_, i) => workload(i)).join("")}`;
    expect(Buffer.byteLength(text) / (1024 * 1024)).toBeCloseTo(1.5, 0);
    expect(Buffer.byteLength(text)).toBeLessThan(CONFIG_FILE_LIMITS.bytes / 2);
  });
});

describe("keys and problems in bulk", () => {
  test("a 3 MB unknown key costs no edit distance over the whole key and prints a short line", () => {
    const key = `x${"y".repeat(3 * 1024 * 1024)}`;
    const outcome = load(write("long-key.json", JSON.stringify({ location: "eastus", [key]: 1 })));
    expect(outcome.ms).toBeLessThan(3000);
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems[0]).toMatch(/^xy{19}\.\.\. \(\d+ more characters\): is not a known key; remove it; known keys here: location, /);
    expect(outcome.message.length).toBeLessThan(1000);
  });

  test("lists 50 problems and counts the rest", () => {
    const raw = { location: "eastus", ...Object.fromEntries(Array.from({ length: 60000 }, (_, i) => [`u${i}`, i])) };
    const outcome = load(write("many-keys.json", JSON.stringify(raw)));
    expect(outcome.ms).toBeLessThan(5000);
    const lines = outcome.message.split("\n");
    expect(lines[0]).toBe("Invalid configuration (60000 problems):");
    expect(lines).toHaveLength(52);
    expect(lines[1]).toBe("  - u0: is not a known key; remove it; known keys here: " + lines[1].split("known keys here: ")[1]);
    expect(lines[51]).toBe("  ... and 59950 more problems; fix these and run again to see the rest");
  });

  test("a file with no configuration key at all is one problem that repeats none of it", () => {
    const settings = Array.from({ length: 30 }, (_, i) => `user${i}: salt${i}`).join("\n");
    const outcome = load(write("settings.yaml", settings));
    expect(outcome.problems).toEqual([
      'AKS_WI_CONFIG: holds 30 top-level keys and none is a configuration key (such as location, suffix or workloads); it is not a configuration file (got "settings.yaml", read as "<dir>/settings.yaml"); point it at your configuration (every key: help/configuration.md), or unset it for the defaults',
    ]);
    expect(outcome.message).not.toMatch(/user\d|salt/);
  });

  test("so is one that is not YAML either, instead of a syntax error for each of its lines", () => {
    const shadowLike = Array.from({ length: 30 }, (_, i) => `user${i}: $6$salt${i}$notarealhash${i}:20228:0:99999:7:::`).join("\n");
    const outcome = load(write("shadow", shadowLike));
    expect(outcome.problems).toEqual([
      "AKS_WI_CONFIG: is not a configuration file: it has none of the configuration's keys (such as location, suffix or workloads), and is not valid YAML (30 errors, the first at line 1, column 8: Nested mappings are not allowed in compact mappings) (got \"shadow\", read as \"<dir>/shadow\"); point it at your configuration (every key: help/configuration.md), or unset it for the defaults",
    ]);
    expect(outcome.message).not.toMatch(/user\d|salt|hash/);
  });

  test.each(["/etc/passwd", "/etc/shadow", "/etc/hosts"].filter((f) => fs.existsSync(f)))("%s is refused in one line that quotes none of it", (file) => {
    const outcome = load(file);
    expect(outcome.message.split("\n")).toHaveLength(2);
    const content = fs.readFileSync(file, "utf8");
    for (const line of content.split("\n").filter((l) => l.length > 12)) expect(outcome.message).not.toContain(line.slice(0, 12));
  });

  test("a typo in a file of one key is still a typo, with its suggestion", () => {
    expect(load(write("typo.yaml", "locaton: westeurope\n")).problems).toEqual(["locaton: is not a known key; did you mean `location`?"]);
  });

  test("a YAML file of 20,000 keys is checked for duplicates in one pass (comparing each with each took minutes at 60,000)", () => {
    const text = `location: eastus\n${Array.from({ length: 20000 }, (_, i) => `k${i}: 1`).join("\n")}\nk7: 2\n`;
    const outcome = load(write("many-keys.yaml", text));
    expect(outcome.ms).toBeLessThan(8000);
    expect(outcome.problems).toEqual([
      'AKS_WI_CONFIG: is not valid YAML at line 20002, column 1: Map keys must be unique ("k7" is given twice) (got "many-keys.yaml", read as "<dir>/many-keys.yaml"); give each key once',
    ]);
  });
});

describe("YAML syntax, tags and encodings", () => {
  test("lists every YAML error, not only the first", () => {
    const outcome = load(write("errors.yaml", "location: eastus\ncluster:\n\tname: x\nkeyVault: [a, b\nsuffix: \"abc\n"));
    expect(outcome.problems.length).toBeGreaterThanOrEqual(2);
    expect(outcome.problems[0]).toMatch(/^AKS_WI_CONFIG: is not valid YAML at line 3, column 1: .*tab/i);
    expect(outcome.problems.slice(1).every((p) => /^AKS_WI_CONFIG: is not valid YAML at line [4-6], column \d+: /.test(p))).toBe(true);
  });

  test("refuses an unknown tag with its position, instead of reading its plain value", () => {
    expect(load(write("tag.yaml", "location: eastus\ncluster:\n  name: !evil aks-x\n")).problems).toEqual([
      'AKS_WI_CONFIG: is not valid YAML at line 3, column 9: Unresolved tag: !evil (got "tag.yaml", read as "<dir>/tag.yaml"); remove the tag: a configuration holds plain strings, numbers, booleans, lists and objects',
    ]);
  });

  test("refuses bytes that are not UTF-8 with their line and column, instead of reading U+FFFD", () => {
    const bytes = Buffer.concat([Buffer.from("location: eastus\ncluster:\n  name: aks-"), Buffer.from([0xff, 0xfe]), Buffer.from("x\n")]);
    expect(load(write("latin.yaml", bytes)).problems).toEqual([
      'AKS_WI_CONFIG: is not UTF-8 text: byte 0xff at line 3, column 13 starts no UTF-8 character (got "latin.yaml", read as "<dir>/latin.yaml"); save the file as UTF-8',
    ]);
    expect(load(write("utf16.yaml", Buffer.from("\ufefflocation: eastus\n", "utf16le"))).problems[0]).toMatch(/^AKS_WI_CONFIG: names a UTF-16 file .*; save it as UTF-8$/);
  });

  test("a file's problems and the environment's are listed together", () => {
    const outcome = load(write("broken.yaml", "location: [\n"), { KEYVAULT_NAME: "x" });
    expect(outcome.problems).toHaveLength(2);
    expect(outcome.problems[0]).toMatch(/^AKS_WI_CONFIG: is not valid YAML at line \d+/);
    expect(outcome.problems[1]).toMatch(/^keyVault\.name \(from environment variable KEYVAULT_NAME\): is 1 characters? long/);
  });
});

describe("where a relative AKS_WI_CONFIG is read from", () => {
  test("under npm run, from the directory npm was run in, and the error shows the path it tried", () => {
    const project = path.join(dir, "project");
    const sub = path.join(project, "teams");
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, "team.yaml"), "location: westeurope\n");
    const npmEnv = { INIT_CWD: sub, npm_package_json: path.join(project, "package.json") };
    expect(loadConfig({ env: { AKS_WI_CONFIG: "team.yaml", ...npmEnv }, cwd: project }).config.location).toBe("westeurope");
    try {
      loadConfig({ env: { AKS_WI_CONFIG: "other.yaml", ...npmEnv }, cwd: project });
      throw new Error("accepted");
    } catch (error) {
      expect(formatProblem((error as ConfigError).problems[0])).toBe(
        `AKS_WI_CONFIG: names a file that does not exist (got "other.yaml", read as ${JSON.stringify(path.join(sub, "other.yaml"))}); point it at a JSON or YAML file, or unset it for the defaults`,
      );
    }
  });

  test("outside npm (INIT_CWD passed on by a parent elsewhere), from the working directory", () => {
    fs.writeFileSync(path.join(dir, "here.yaml"), "location: westus\n");
    const env = { AKS_WI_CONFIG: "here.yaml", INIT_CWD: "/", npm_package_json: "/elsewhere/package.json" };
    expect(loadConfig({ env, cwd: dir }).config.location).toBe("westus");
  });
});

describe("the app, as a process, on hostile files", () => {
  // Each run starts the synthesis bundle; they run side by side.
  jest.setTimeout(60000);
  const bomb = ["l0: &l0 lol", ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`)].join("\n");
  const cases: Array<[string, () => string]> = [
    ["/dev/zero", () => "/dev/zero"],
    [
      "a FIFO",
      () => {
        execFileSync("mkfifo", [path.join(dir, "fifo-app.yaml")]);
        return "fifo-app.yaml";
      },
    ],
    ["an alias bomb", () => write("bomb-app.yaml", bomb)],
    ["YAML nested 1000 deep", () => write("deep-app.yaml", `workloads: ${"[".repeat(1000)}${"]".repeat(1000)}\n`)],
    ["JSON nested 4000 deep", () => write("deep-app.json", `{"workloads": ${"[".repeat(4000)}${"]".repeat(4000)}}`)],
    ["a binary file", () => write("binary.yaml", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)))],
  ];
  test.concurrent.each(cases)("%s: exit 1, the configuration error, no stack trace, no output", async (_, file) => {
    const cwd = fs.mkdtempSync(path.join(dir, "app-"));
    const name = file();
    const config = path.isAbsolute(name) ? name : path.join(dir, name);
    const child = spawn(process.execPath, [builtCommand("main")], { cwd, env: { ...cleanEnv(), AKS_WI_CONFIG: config } });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^Invalid configuration \(1 problem\):\n {2}- AKS_WI_CONFIG: /);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});
