import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSync } from "esbuild";
import { builtCommand } from "./app-process";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheFileOf } = require("../scripts/code-cache.js") as { cacheFileOf: (file: string) => string };
const LOADER = path.join(__dirname, "..", "scripts", "code-cache.js");

describe("loading the synthesis bundle with V8's code cache (scripts/code-cache.js)", () => {
  let dir = "";
  let file = "";
  let cache = "";
  /** Runs `file` through the loader in a new process. */
  const run = () => {
    const script = `require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(file)});`;
    const result = spawnSync(process.execPath, ["-e", script, "an-argument"], { cwd: os.tmpdir(), encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  /** The bundle stand-in: prints double(n); every n of two digits gives a file of the same length. */
  const source = (n: number) =>
    [
      'const double = require("./helper");', // resolved from the bundle's own directory
      `console.log(JSON.stringify({ value: double(${n}), dirname: __dirname, filename: __filename, isMain: require.main === module }));`,
      "process.exitCode = 4;",
    ].join("\n");
  const printed = (value: number) => `${JSON.stringify({ value, dirname: dir, filename: file, isMain: false })}\n`;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-code-cache-"));
    file = path.join(dir, "bundle.js");
    cache = cacheFileOf(file);
    fs.writeFileSync(path.join(dir, "helper.js"), "module.exports = (x) => x * 2;\n");
    fs.writeFileSync(file, source(21));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("runs the file as a module of its own directory, keeping its exit code, and writes the cache at exit", () => {
    expect(fs.existsSync(cache)).toBe(false);
    expect(run()).toEqual({ status: 4, stdout: printed(42), stderr: "" });
    expect(path.basename(cache)).toBe(".bundle.js.v8-cache");
    expect(fs.statSync(cache).size).toBeGreaterThan(32);
  });

  test("uses the cache on the next run and leaves it as it is", () => {
    const before = fs.readFileSync(cache);
    fs.utimesSync(cache, new Date(0), new Date(0));
    expect(run().stdout).toBe(printed(42));
    expect(fs.statSync(cache).mtimeMs).toBe(0);
    expect(fs.readFileSync(cache).equals(before)).toBe(true);
  });

  test("after the file changes, even to new code of the same length, the new code runs and the cache is written again", () => {
    // V8 alone would take the old cache here: it compares only the source's length.
    fs.utimesSync(cache, new Date(0), new Date(0));
    fs.writeFileSync(file, source(12));
    expect(fs.statSync(file).size).toBe(source(21).length);
    expect(run()).toEqual({ status: 4, stdout: printed(24), stderr: "" });
    expect(fs.statSync(cache).mtimeMs).toBeGreaterThan(0);
    expect(run().stdout).toBe(printed(24));
  });

  test("a cache that cannot be written costs nothing but time", () => {
    fs.rmSync(cache);
    fs.mkdirSync(cache); // a directory where the file would go: the write fails
    expect(run()).toEqual({ status: 4, stdout: printed(24), stderr: "" });
  });
});

describe("the loader that the build writes as dist/main.js (scripts/build-app.js)", () => {
  type BuildApp = { LOADER: (name: string) => string; BUILD_FILES: string[] };
  const ROOT = path.join(__dirname, "..");

  test("is the same whether the build runs from scripts/ or bundled into a command in dist/ (npm run bench)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fromScripts = require("../scripts/build-app.js") as BuildApp;
    fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
    const bundled = path.join(ROOT, "dist", `.build-app-test-${process.pid}.js`);
    try {
      buildSync({ entryPoints: [path.join(ROOT, "scripts", "build-app.js")], bundle: true, platform: "node", packages: "external", outfile: bundled, logLevel: "warning" });
      const fromDist = require(bundled) as BuildApp; // eslint-disable-line @typescript-eslint/no-require-imports
      expect(fromDist.LOADER("main")).toBe(fromScripts.LOADER("main"));
      expect(fromDist.BUILD_FILES).toEqual(fromScripts.BUILD_FILES);
    } finally {
      fs.rmSync(bundled, { force: true });
    }
    // And it names files that exist: the loader module, and every build file the stamp records.
    expect(fromScripts.LOADER("main")).toContain('require("../scripts/code-cache.js")');
    expect(fromScripts.BUILD_FILES.filter((f) => !fs.existsSync(f))).toEqual([]);
  });
});

describe("archiver, which cdktf loads at start-up only to zip assets in a child process (scripts/no-archiver.js)", () => {
  test("is left out of the synthesis bundle, and the stand-in is built in", () => {
    builtCommand("main");
    const stamp = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "dist", ".main.inputs.json"), "utf8")) as {
      inputs: [string, string][];
      packages: [string, string][];
    };
    // cdktn zips with fflate, so under it there is no archiver to leave out and no stand-in to build in.
    const coreLoadsArchiver = "archiver" in (JSON.parse(fs.readFileSync(require.resolve("cdktf/package.json"), "utf8")).dependencies ?? {});
    expect(stamp.inputs.map(([file]) => file).includes(path.join("scripts", "no-archiver.js"))).toBe(coreLoadsArchiver);
    expect(stamp.packages.map(([file]) => file).filter((file) => file.split(path.sep).includes("archiver"))).toEqual([]);
    expect(stamp.packages.length).toBeGreaterThan(100); // the packages are bundled: the check above saw them
  });

  test("is replaced by a function that says what to do if anything ever calls it", () => {
    // Under jest too (jest.config.js maps it): this is the module cdktf gets.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const archiver = require("archiver") as (format: string) => unknown;
    expect(() => archiver("zip")).toThrow(/cdktf zips ARCHIVE assets in a child process.*build `main` unbundled/);
  });
});
