/**
 * Docs that run: every shell block of README.md and help/*.md, executed as written on the offline
 * stand-in providers, in a scratch clone of the working tree.
 *
 * What is a shell block. A fence tagged `sh`, `bash` or `shell` is a script: it runs with
 * `bash -euo pipefail` and must exit 0. A fence tagged `console` is a terminal session: each `$ `
 * line is a command (a trailing `\` continues it), the lines up to the next `$ ` are what it is shown
 * printing, and each of those lines must appear in what it prints (standard output and error
 * together), in that order; a command shown printing nothing must exit 0, one shown with output may
 * fail (a console block may show an error). Other languages (`text`, `yaml`, `ts`, `mermaid`, ...: the
 * list is in __tests__/docs-blocks.ts) are never run; a fence with no language, or one the list does
 * not know, is a problem that fails this test (and the unit test __tests__/docs-blocks.test.ts), so a
 * new shell block cannot slip by unrun: it is run unless it is marked.
 *
 * Markers: an HTML comment on its own line directly above the opening fence (other one-line comments
 * may stand between), invisible on GitHub:
 *   <!-- docs-test: skip (REASON) -->   not run; this test lists the block's file, line and REASON.
 *                                        For what needs Azure, a cluster, GitHub or the network.
 *   <!-- docs-test: input TEXT -->      standard input is TEXT and a newline, as typed at the block's
 *                                        prompt (`read -rs TF_VAR_...`); without it, end of file.
 * Any other docs-test comment, a skip without a reason, or a marker that no fence follows is a problem.
 *
 * How blocks run. The working tree (`git ls-files` with untracked files that are not ignored) is
 * copied once into a scratch directory as `main`, with `../shared` beside it (a link to this
 * checkout's), and built once (`npm run build`). Each page with a block to run gets its own copy of
 * that clone; its blocks run in page order, each in a new bash at the clone's root, so files carry
 * over from block to block (a page's synth, then its plan), variables and `cd` do not (a block chosen
 * alone with `jest -t` runs the blocks above it on its page first). As always with
 * `bash -e`, a command that fails before `&&` does not stop the block by itself (the commands after it
 * that need its work do), and the block's status is its last command's. Each block has
 * BLOCK_SECONDS, then its process group is killed. DOCS_TEST_KEEP=1 keeps the clones and prints where.
 *
 * node_modules is this checkout's, linked package by package rather than installed again (an
 * install takes 40 s; a link to the whole folder would let `npm ci` empty the checkout's). So `npm`
 * is a wrapper, first on PATH, that stands in for the commands that would reinstall or change it, or
 * run the suites this test belongs to, and says so in the block's output:
 * - `npm ci`: checks instead that the clone's package.json and package-lock.json are the checkout's, and
 *   that the checkout's node_modules was installed from that lock file (INSTALLED_CHECK); CI's own
 *   `npm ci` has just installed it. A block that changed either file first is refused.
 * - `npm test`, `npm run test:terraform`, `test:docs`, `test:package`: not run; .ci/run runs every suite.
 * - `npm install` and the other commands that change node_modules: refused (exit 1): mark the block.
 * Run outside the clone (a block that makes an app of its own elsewhere), npm is npm. Everything else
 * (`npm run synth`, `npm run --silent plan-review`, `terraform`, ...) is the real thing.
 * Terraform talks to shared stand-in providers (TF_REATTACH_PROVIDERS, __tests__/terraform/providers.setup.ts,
 * which jest.docs.config.js runs as the Terraform suite does).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cleanEnv, scratchDir } from "../app-process";
import { allDocBlocks, DocBlock, missingLine } from "../docs-blocks";

const ROOT = path.join(__dirname, "..", "..");
const BLOCK_SECONDS = 180;
const { pages, problems } = allDocBlocks(ROOT);

/** The wrapper put first on PATH as `npm` (the header says what it stands in for). */
const NPM_WRAPPER = `#!/usr/bin/env bash
# The docs test's npm (__tests__/docs-run/docs-run.test.ts): the real npm, except for the commands
# that would reinstall or change the node_modules this clone shares with the checkout, or run the
# suites the docs test belongs to, when run in the clone (DOCS_TEST_CLONE) or below it.
set -euo pipefail
case "$(pwd -P)/" in "$DOCS_TEST_CLONE"/*) ;; *) exec "$DOCS_TEST_NPM" "$@" ;; esac
# The command is the first word npm knows as one (npm 11's commands and aliases): a word before it is
# an option's value (npm --loglevel silent install, npm --prefix DIR install).
command="" script=""
for arg in "$@"; do
  case "$arg" in -*) continue ;; esac
  if [ -z "$command" ]; then
    case "$arg" in
      access|add|add-user|adduser|approve-scripts|audit|author|bugs|c|cache|ci|cit|clean-install|clean-install-test|completion|config|create|ddp|dedupe|deny-scripts|deprecate|diff|dist-tag|dist-tags|docs|doctor|edit|exec|explain|explore|find|find-dupes|fund|get|help|help-search|hlep|home|i|ic|in|info|init|innit|ins|inst|insta|instal|install|install-ci-test|install-clean|install-scripts|install-test|isnt|isnta|isntal|isntall|isntall-clean|issues|it|la|link|list|ll|ln|login|logout|ls|ogr|org|outdated|owner|pack|ping|pkg|prefix|profile|prune|publish|query|r|rb|rebuild|remove|repo|restart|rm|root|rum|run|run-script|s|sbom|se|search|set|show|shrinkwrap|sit|stage|star|stars|start|stop|t|team|test|token|trust|tst|u|udpate|un|undeprecate|uninstall|unlink|unpublish|unstar|up|update|upgrade|urn|v|verison|version|view|whoami|why|x) command=$arg ;;
    esac
  elif [ "$command" = run ] || [ "$command" = run-script ] || [ "$command" = rum ] || [ "$command" = urn ]; then script=$arg; break
  else break; fi
done
note() { printf 'docs-test: %s\\n' "$*" >&2; }
# A refusal is also written where the test reads it: bash -e does not stop at a failure before \`&&\`.
refuse() { note "$*"; printf '%s\\n' "$*" >>"$DOCS_TEST_DIR/refused"; exit 1; }
case "$command:$script" in
  ci:* | clean-install:* | ic:* | install-clean:* | isntall-clean:*)
    for file in package.json package-lock.json; do
      if ! cmp -s "$DOCS_TEST_CLONE/$file" "$DOCS_TEST_CHECKOUT/$file"; then
        refuse "npm $* refused: $file differs from the checkout's, so npm ci would install what the checkout's node_modules does not hold; mark the block <!-- docs-test: skip (REASON) -->"
      fi
    done
    differences=$(node -e "$DOCS_TEST_INSTALLED" "$DOCS_TEST_CHECKOUT") ||
      refuse "npm $* refused: the checkout's node_modules was not installed from its package-lock.json ($differences): run npm ci in the checkout"
    note "npm $* stood in for: node_modules is the checkout's (linked), installed from this package-lock.json"
    exit 0 ;;
  test:* | t:* | tst:* | run:test | run-script:test | rum:test | urn:test | run:test:terraform | run-script:test:terraform | rum:test:terraform | urn:test:terraform | run:test:docs | run-script:test:docs | rum:test:docs | urn:test:docs | run:test:package | run-script:test:package | rum:test:package | urn:test:package)
    note "npm $* not run: .ci/run runs the test suites itself, and this test is part of one"
    exit 0 ;;
  install:* | i:* | in:* | ins:* | inst:* | insta:* | instal:* | isnt:* | isnta:* | isntal:* | isntall:* | add:* | \\
  install-test:* | it:* | install-ci-test:* | cit:* | clean-install-test:* | sit:* | \\
  uninstall:* | remove:* | rm:* | r:* | un:* | unlink:* | update:* | up:* | upgrade:* | udpate:* | dedupe:* | ddp:* | prune:* | rebuild:* | rb:* | link:* | ln:*)
    refuse "npm $* refused: it would change the node_modules this clone shares with the checkout; mark the block <!-- docs-test: skip (REASON) -->" ;;
esac
exec "$DOCS_TEST_NPM" "$@"
`;

/**
 * Run by the wrapper for \`npm ci\`: whether the checkout's node_modules holds what its package-lock.json
 * locks, read from npm's own record of the installed tree (node_modules/.package-lock.json, written by
 * every install): the same packages at the same versions and integrity, none missing but the optional
 * ones (other platforms' builds). Prints the first differences and exits 1 when not.
 */
const INSTALLED_CHECK = `
const path = require("path");
const read = (file) => { try { return require(file).packages ?? {}; } catch { return undefined; } };
const locked = read(path.join(process.argv[1], "package-lock.json"));
const installed = read(path.join(process.argv[1], "node_modules", ".package-lock.json"));
if (!locked || !installed) { process.stdout.write("no package-lock.json or node_modules/.package-lock.json"); process.exit(1); }
const differences = [];
for (const [key, entry] of Object.entries(installed)) {
  const lock = locked[key];
  if (!lock) differences.push(key + " is not in the lock file");
  else if (lock.version !== entry.version || (lock.integrity && entry.integrity && lock.integrity !== entry.integrity)) differences.push(key + " is " + entry.version + ", locked " + lock.version);
}
for (const [key, entry] of Object.entries(locked)) if (key !== "" && !installed[key] && !entry.optional) differences.push(key + " is missing");
if (differences.length > 0) { process.stdout.write(differences.slice(0, 5).join("; ") + (differences.length > 5 ? "; ..." : "")); process.exit(1); }
`;

let scratch: string;
let pristine: string;
let blockEnv: NodeJS.ProcessEnv;
const notes: string[] = [];
const skipped = pages.flatMap((p) => p.blocks).filter((b) => b.kind === "skip");

beforeAll(() => {
  scratch = scratchDir("aks-wi-docs-");
  const realNpm = spawnSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
  if (realNpm === "") throw new Error("npm is not on PATH");
  const bin = path.join(scratch, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "npm"), NPM_WRAPPER, { mode: 0o755 });

  const env = cleanEnv();
  for (const key of Object.keys(env)) if (key.startsWith("TF_VAR_") || key.startsWith("JEST_") || key === "NODE_ENV") delete env[key];
  blockEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ""}`, DOCS_TEST_NPM: realNpm, DOCS_TEST_DIR: scratch, DOCS_TEST_CHECKOUT: ROOT, DOCS_TEST_INSTALLED: INSTALLED_CHECK, CHECKPOINT_DISABLE: "1" };

  pristine = path.join(scratch, "pristine", "main");
  copyWorkingTree(pristine);
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: pristine, env: { ...blockEnv, DOCS_TEST_CLONE: fs.realpathSync(pristine) }, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed in the scratch clone:\n${build.stdout}${build.stderr}`);
});

afterAll(() => {
  const lines = [
    ...skipped.map((b) => `docs-test: skipped ${b.file}:${b.line}: ${b.reason}`),
    ...[...new Set(notes)],
  ];
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  if (!scratch) return;
  if (process.env.DOCS_TEST_KEEP === "1") process.stdout.write(`docs-test: the scratch clones are kept in ${scratch}\n`);
  else fs.rmSync(scratch, { recursive: true, force: true });
});

test("every fence of README.md and help/*.md has a language, and every docs-test marker is understood", () => {
  expect(problems).toEqual([]);
});

test("blocks run: markers have not turned them all off (the README's set-up, its plan and apply, plan review's recipe)", () => {
  const run = pages.flatMap((p) => p.blocks).filter((b) => b.kind !== "skip");
  expect(run.length).toBeGreaterThanOrEqual(5);
  expect(run.filter((b) => b.file === "README.md").length).toBeGreaterThanOrEqual(3);
  expect(run.filter((b) => b.file === "help/plan-review.md").length).toBe(1);
});

for (const page of pages) {
  if (page.blocks.length === 0) continue;
  describe(page.file, () => {
    let clone: string | undefined;
    const toRun = page.blocks.filter((b) => b.kind !== "skip");
    let next = 0; // the page's blocks run in order: one chosen alone (jest -t) runs those above it first
    const runInOrder = async (block: DocBlock): Promise<void> => {
      clone ??= pageClone(page.file);
      for (; toRun[next] !== block; next++) await runBlock(toRun[next], clone);
      next++;
      await runBlock(block, clone);
    };
    for (const block of page.blocks) {
      const name = `${block.file}:${block.line} (${block.language})`;
      if (block.kind === "skip") {
        test.skip(`${name} is skipped: ${block.reason}`, () => undefined);
      } else {
        const seconds = (BLOCK_SECONDS + 30) * toRun.reduce((n, b) => n + Math.max(1, b.commands.length), 0);
        test(`${name} runs as written`, () => runInOrder(block), seconds * 1000);
      }
    }
  });
}

describe("the docs test's npm, in a clone", () => {
  let clone: string | undefined;
  const run = (code: string): Promise<BashRun> => bash(code, (clone ??= pageClone("npm wrapper")), undefined);

  test("stands in for npm ci, and says so", async () => {
    const { status, output } = await run("npm ci");
    expect({ status, output }).toEqual({ status: 0, output: "docs-test: npm ci stood in for: node_modules is the checkout's (linked), installed from this package-lock.json\n" });
  });

  test("refuses npm install, even before && where bash -e goes on, and the checkout's node_modules is untouched", async () => {
    const { status, output, why } = await run("npm install left-pad && true\necho went on");
    expect(status).toBe(1);
    expect(output).toContain("went on");
    expect(why).toBe(
      "exited 0, and the test's npm refused: npm install left-pad refused: it would change the node_modules this clone shares with the checkout; mark the block <!-- docs-test: skip (REASON) -->",
    );
    expect(fs.existsSync(path.join(clone!, "node_modules", "left-pad"))).toBe(false);
    expect(fs.existsSync(path.join(ROOT, "node_modules", "cdktf", "package.json"))).toBe(true);
  });

  test("refuses what would change node_modules however npm is told it: after an option's value, by npm's aliases and typos", async () => {
    // --offline: were one to reach the real npm, it fails without the network instead of installing.
    for (const command of ["--offline --loglevel silent install left-pad", "--offline --prefix . install left-pad", "--offline it", "--offline cit", "--offline isntall left-pad", "--offline rb"]) {
      const { status, why } = await run(`npm ${command}`);
      expect({ command, status, why }).toEqual({ command, status: 1, why: expect.stringContaining(`npm ${command} refused: it would change the node_modules`) });
    }
    expect(fs.existsSync(path.join(clone!, "node_modules", "left-pad"))).toBe(false);
  });

  test("refuses npm ci once the block changed package.json", async () => {
    const { status, why } = await run("npm pkg set description=changed\nnpm ci");
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(clone!, "package.json"));
    expect(status).toBe(1);
    expect(why).toContain("npm ci refused: package.json differs from the checkout's");
  });

  test("does not run the test suites", async () => {
    const { status, output } = await run("npm test && npm run test:terraform -- -t x");
    expect(status).toBe(0);
    expect(output).toBe(
      "docs-test: npm test not run: .ci/run runs the test suites itself, and this test is part of one\n" +
        "docs-test: npm run test:terraform -- -t x not run: .ci/run runs the test suites itself, and this test is part of one\n",
    );
  });

  test("is the real npm outside the clone", async () => {
    // Beside the clone there is no package.json: the real npm says so.
    const { status, output } = await run('cd .. && { npm test || echo "npm exited $?"; }');
    expect(status).toBe(0);
    expect(output).toMatch(/npm error.*package\.json[\s\S]*npm exited 254\n$/);
    expect(output).not.toContain("docs-test:");
  });
});

/** Runs a script block, or each command of a console block, and fails with what it printed. */
async function runBlock(block: DocBlock, cwd: string): Promise<void> {
  const where = `${block.file}:${block.line}`;
  const runBash = async (code: string, dir: string, input: string | undefined, errexit = true): Promise<BashRun> => {
    const run = await bash(code, dir, input, errexit);
    for (const line of run.output.split("\n")) if (line.startsWith("docs-test: ")) notes.push(line);
    return run;
  };
  if (block.kind === "script") {
    const run = await runBash(block.code, cwd, block.input);
    if (run.status !== 0) throw new Error(`${where} ${run.why}:\n${block.code}\n--- what it printed (last 80 lines) ---\n${tail(run.output)}`);
    return;
  }
  for (const { command, output } of block.commands) {
    const run = await runBash(command, cwd, block.input, false);
    if (output.length === 0 && run.status !== 0) {
      throw new Error(`${where}: \`$ ${command}\` is shown printing nothing, and it ${run.why}:\n${tail(run.output)}`);
    }
    if (run.status === null) throw new Error(`${where}: \`$ ${command}\` ${run.why}`);
    const missing = missingLine(output, run.output);
    if (missing !== undefined) {
      throw new Error(`${where}: \`$ ${command}\` is shown printing\n  ${missing}\nbut it printed (exit ${run.status}):\n${tail(run.output)}`);
    }
  }
}

interface BashRun {
  readonly status: number | null;
  readonly output: string;
  readonly why: string;
}

/** `bash -euo pipefail -c code` (or `-uo pipefail` when `errexit` is false) in its own process group, killed after BLOCK_SECONDS. */
function bash(code: string, cwd: string, input: string | undefined, errexit = true): Promise<BashRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn("bash", [errexit ? "-euo" : "-uo", "pipefail", "-c", code], {
      cwd,
      env: { ...blockEnv, DOCS_TEST_CLONE: fs.realpathSync(cwd) },
      detached: true,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin!.end(input);
    let output = "";
    // Standard output and error in the order they come, without colours (Terraform's are on).
    const add = (chunk: Buffer): void => void (output += chunk.toString("utf8").replace(COLOUR, ""));
    child.stdout!.on("data", add);
    child.stderr!.on("data", add);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, BLOCK_SECONDS * 1000);
    child.on("error", reject);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      killGroup(child); // anything the block left running in the background
      const refusedFile = path.join(scratch, "refused");
      const refused = fs.existsSync(refusedFile) ? fs.readFileSync(refusedFile, "utf8").trim() : undefined;
      fs.rmSync(refusedFile, { force: true });
      const why = timedOut
        ? `did not finish within ${BLOCK_SECONDS} s`
        : signal
          ? `was killed by ${signal}`
          : refused !== undefined
            ? `exited ${status}, and the test's npm refused: ${refused}`
            : `exited ${status}`;
      resolve({ status: timedOut ? null : refused !== undefined ? 1 : status, output, why });
    });
  });
}

// eslint-disable-next-line no-control-regex -- the escape that starts a terminal colour
const COLOUR = /\x1b\[[0-9;]*m/g;

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // the group has no process left
  }
}

function tail(output: string): string {
  return output.split("\n").slice(-80).join("\n");
}

/**
 * Copies the working tree (tracked files, and untracked ones that are not ignored, as they are on
 * disk) to `dest`, with node_modules linked package by package to this checkout's.
 */
function copyWorkingTree(dest: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of new Set(listed.stdout.split("\0").filter((f) => f !== ""))) {
    const from = path.join(ROOT, file);
    if (!fs.existsSync(from) || file.split("/")[0] === "node_modules") continue; // deleted in the working tree; linked below
    fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
    fs.cpSync(from, path.join(dest, file), { verbatimSymlinks: true, preserveTimestamps: true });
  }
  linkModules(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"));
  linkShared(dest);
}

/**
 * node_modules as a real folder whose entries link to the checkout's packages (scopes as folders of
 * links, `.bin` as copies of its relative links): removing it removes the links, never the packages.
 */
function linkModules(from: string, to: string): void {
  fs.mkdirSync(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.name === ".cache") continue;
    if (entry.name === ".bin") {
      fs.mkdirSync(target);
      for (const bin of fs.readdirSync(source)) {
        const file = path.join(source, bin);
        fs.symlinkSync(fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : file, path.join(target, bin));
      }
    } else if (entry.name.startsWith("@") && entry.isDirectory()) {
      fs.mkdirSync(target);
      for (const pkg of fs.readdirSync(source)) fs.symlinkSync(path.join(source, pkg), path.join(target, pkg));
    } else if (entry.isFile()) {
      fs.copyFileSync(source, target);
    } else {
      fs.symlinkSync(source, target);
    }
  }
}

/** A copy of the built clone for `name` (a page), with `../shared` beside it. */
function pageClone(name: string): string {
  const clone = path.join(scratch, name.replace(/[^A-Za-z0-9]+/g, "-"), "main");
  fs.cpSync(pristine, clone, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  linkShared(clone);
  return clone;
}

/** `../shared` beside a clone: a link to the checkout's, when it has one. */
function linkShared(clone: string): void {
  const shared = path.resolve(ROOT, "..", "shared");
  const link = path.join(path.dirname(clone), "shared");
  if (fs.existsSync(shared) && !fs.existsSync(link)) fs.symlinkSync(shared, link);
}
