import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSync } from "esbuild";
import { builtCommand } from "./app-process";

const ROOT = path.join(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mapStack } = require("../scripts/source-mapped-stacks.js") as { mapStack: (stack: string, file: string) => string };

describe("a bug in a built command (scripts/source-mapped-stacks.js)", () => {
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-source-map-"));
    // The bug: path.resolve throws for one output directory. The frames below it are the app's.
    fs.writeFileSync(
      path.join(dir, "bug.js"),
      'const path = require("path"); const resolve = path.resolve;\n' +
        'path.resolve = function (...args) { if (args.includes("/injected-bug")) throw new Error("injected bug"); return resolve.apply(this, args); };\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("reports the line of the TypeScript source in its stack, and still exits 1", () => {
    const main = builtCommand("main");
    const result = spawnSync(process.execPath, ["-r", path.join(dir, "bug.js"), main], {
      cwd: dir,
      env: { ...process.env, CDKTF_OUTDIR: "/injected-bug" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Error: injected bug");
    // The frame that called path.resolve: a line of lib/ that does call it.
    const frame = /\n {4}at .*?\(?(\/[^()\s]+\/lib\/[^()\s]+\.ts):(\d+):(\d+)\)?\n/.exec(result.stderr);
    expect(frame).not.toBeNull();
    const [, source, line] = frame!;
    expect(source.startsWith(path.join(ROOT, "lib") + path.sep)).toBe(true);
    expect(fs.readFileSync(source, "utf8").split("\n")[Number(line) - 1]).toContain("path.resolve(");
    expect(result.stderr).not.toContain(`${main}:`.replace(/\.js:$/, ".js:1"));
  });

  test("leaves a stack as it is when the file has no map beside it", () => {
    const file = path.join(dir, "no-map.js");
    const stack = `Error: x\n    at f (${file}:10:5)\n    at ${file}:2:1`;
    expect(mapStack(stack, file)).toBe(stack);
  });

  test("maps only the frames of its own file, each to its source line and column", () => {
    // A two-line "bundle" of lib/a.ts (line 1 -> a.ts line 3) and lib/b.ts (line 2 -> b.ts line 7).
    const file = path.join(dir, "two.js");
    fs.writeFileSync(`${file}.map`, JSON.stringify({ version: 3, sources: ["lib/a.ts", "lib/b.ts"], names: [], mappings: "AAEA;ACII" }));
    const other = path.join(dir, "other.js");
    const stack = `Error: x\n    at f (${file}:1:1)\n    at g (${file}:2:1)\n    at h (${other}:1:1)`;
    expect(mapStack(stack, file)).toBe(
      `Error: x\n    at f (${path.join(dir, "lib", "a.ts")}:3:1)\n    at g (${path.join(dir, "lib", "b.ts")}:7:5)\n    at h (${other}:1:1)`,
    );
  });
});

describe("the build (scripts/build-app.js)", () => {
  type BuildApp = { BUILD_FILES: string[] };

  test("records the same build files whether it runs from scripts/ or bundled into a command in dist/ (npm run bench)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fromScripts = require("../scripts/build-app.js") as BuildApp;
    fs.mkdirSync(path.join(ROOT, "dist"), { recursive: true });
    const bundled = path.join(ROOT, "dist", `.build-app-test-${process.pid}.js`);
    try {
      buildSync({ entryPoints: [path.join(ROOT, "scripts", "build-app.js")], bundle: true, platform: "node", packages: "external", outfile: bundled, logLevel: "warning" });
      const fromDist = require(bundled) as BuildApp; // eslint-disable-line @typescript-eslint/no-require-imports
      expect(fromDist.BUILD_FILES).toEqual(fromScripts.BUILD_FILES);
    } finally {
      fs.rmSync(bundled, { force: true });
    }
    expect(fromScripts.BUILD_FILES.filter((f) => !fs.existsSync(f))).toEqual([]);
  });

  test("writes the synthesis bundle as dist/main.js itself, with its source map beside it, and rebuilds when the map is gone", () => {
    const main = builtCommand("main");
    expect(main).toBe(path.join(ROOT, "dist", "main.js"));
    expect(fs.readFileSync(main, "utf8").endsWith("//# sourceMappingURL=main.js.map\n")).toBe(true);
    const map = JSON.parse(fs.readFileSync(`${main}.map`, "utf8")) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources).toContain("../lib/app/aks-workload-identity-stack.ts");
    expect(map.sourcesContent).toBeUndefined();
    const stamp = JSON.parse(fs.readFileSync(path.join(ROOT, "dist", ".main.inputs.json"), "utf8")) as { packages: [string, string][] };
    expect(stamp.packages.length).toBeGreaterThan(100); // the packages are bundled
    fs.rmSync(`${main}.map`);
    expect(builtCommand("main")).toBe(main);
    expect(fs.existsSync(`${main}.map`)).toBe(true);
  });
});
