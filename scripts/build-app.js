// Compiles main.ts and the command scripts, with lib/, into dist/ without type-checking (that is
// `npm run typecheck`'s job): esbuild takes milliseconds where tsc takes seconds on every synth.
//
// `main` (synthesis) is bundled with cdktf and the provider classes it imports: Node loads one file
// instead of several hundred modules (`npm run bench` measures synthesis). Provider classes are still
// imported one resource module at a time, so the bundle holds only the resources the stack uses.
// The other commands keep their packages external (verify loads an ES-module client on demand).
// Each output has a source map beside it (NAME.js.map, without the sources' text), which
// source-mapped-stacks.js reads only when the process dies of an uncaught error: the stack then
// names lines of lib/**/*.ts. `node --enable-source-maps` reads it too, at a cost to every run.
//
// A build records a hash of each project file it read (with this script, tsconfig.json,
// package.json and package-lock.json), and the size and time of each package file and of its output
// (not a hash of the bundle, which would cost every synth; each build renames a new output in).
// `ensureBuilt` skips the build when all still match. A file saved while a build runs leaves no
// record, so the next run builds again. Outputs are written to a temporary name and renamed, so a
// concurrent run never loads half a file.
//
// Bundling note: cdktf zips an ARCHIVE TerraformAsset by running its own module file as a script,
// which cannot work from a bundle. This stack uses no assets; one that does must leave `main` unbundled.
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

// The repository: this file is scripts/build-app.js, or bundled into dist/bench.js; both sit one level down.
const root = path.join(__dirname, "..");
const SCRIPTS = path.join(root, "scripts");
const { BANNER } = require("./source-mapped-stacks.js");
const DIST = path.join(root, "dist");
const APP = path.join(DIST, "main.js");
const ENTRIES = {
  main: "main.ts",
  config: "scripts/config.ts",
  bench: "scripts/bench.ts",
  diagram: "scripts/diagram.ts",
  "plan-review": "scripts/plan-review.ts",
  "plan-review-comment": "scripts/plan-review-comment.ts",
  verify: "scripts/verify.ts",
  policy: "scripts/policy.ts",
  deploy: "scripts/deploy.ts",
  docs: "scripts/docs.ts",
  "api-docs": "scripts/api-docs.ts",
};
const BUNDLED = new Set(["main"]);

const output = (name) => path.join(DIST, `${name}.js`);
const stampFile = (name) => path.join(DIST, `.${name}.inputs.json`);
const sha256 = (file) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

function checkNames(names) {
  const unknown = names.filter((name) => !(name in ENTRIES));
  if (unknown.length > 0) throw new Error(`build-app: unknown entry ${unknown.join(", ")}; known: ${Object.keys(ENTRIES).join(", ")}`);
}

const BUILD_FILES = [path.join(SCRIPTS, "build-app.js"), path.join(SCRIPTS, "source-mapped-stacks.js"), "tsconfig.json", "package.json", "package-lock.json"].map((f) => path.resolve(root, f));
const isPackageFile = (file) => file.split(path.sep).includes("node_modules");
/** Size and time of a file: enough to see a package reinstalled, or an output replaced (each build renames a new one in). */
const fileMark = (file) => {
  const { size, mtimeMs } = fs.statSync(file);
  return `${size}:${mtimeMs}`;
};

/**
 * What a build of `name` depends on, or undefined when a file changed after `startedMs` (it may have
 * changed after esbuild read it: record nothing, so the next run builds again).
 */
function stamp(inputFiles, outputFile, esbuildVersion, startedMs) {
  const files = [...new Set([...inputFiles, ...BUILD_FILES])].filter((f) => fs.existsSync(f)).sort();
  if (files.some((f) => fs.statSync(f).mtimeMs >= startedMs)) return undefined;
  return {
    esbuild: esbuildVersion,
    output: fileMark(outputFile),
    inputs: files.filter((f) => !isPackageFile(f)).map((f) => [path.relative(root, f), sha256(f)]),
    packages: files.filter(isPackageFile).map((f) => [path.relative(root, f), fileMark(f)]),
  };
}

/** Builds the named entries (all when none are named). */
function buildApp(names = Object.keys(ENTRIES)) {
  checkNames(names);
  const esbuild = require("esbuild");
  for (const name of names) {
    const entry = path.join(root, ENTRIES[name]);
    if (!fs.existsSync(entry)) continue;
    const startedMs = Date.now();
    const result = esbuild.buildSync({
      entryPoints: [entry],
      outfile: output(name),
      bundle: true,
      platform: "node",
      target: "node20",
      packages: BUNDLED.has(name) ? "bundle" : "external",
      sourcemap: "linked",
      // The map stays small (it is read only when a run fails); the sources are in the checkout.
      sourcesContent: false,
      banner: { js: BANNER },
      logLevel: "warning",
      metafile: true,
      write: false,
      absWorkingDir: root,
    });
    fs.mkdirSync(DIST, { recursive: true });
    const js = result.outputFiles.find((file) => file.path.endsWith(".js"));
    const map = result.outputFiles.find((file) => file.path.endsWith(".js.map"));
    fs.rmSync(stampFile(name), { force: true });
    writeAtomically(map.path, map.contents);
    writeAtomically(js.path, js.contents);
    const inputs = Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f));
    const record = stamp(inputs, js.path, esbuild.version, startedMs);
    if (record) writeAtomically(stampFile(name), JSON.stringify(record));
  }
  return APP;
}

/** Builds `name` unless its output is current: every file it was built from is unchanged. */
function ensureBuilt(name) {
  checkNames([name]);
  try {
    const recorded = JSON.parse(fs.readFileSync(stampFile(name), "utf8"));
    const at = (file) => path.join(root, file);
    const current =
      recorded.output === fileMark(output(name)) &&
      fs.existsSync(`${output(name)}.map`) &&
      recorded.inputs.every(([file, hash]) => fs.existsSync(at(file)) && sha256(at(file)) === hash) &&
      recorded.packages.every(([file, mark]) => fs.existsSync(at(file)) && fileMark(at(file)) === mark) &&
      recorded.esbuild === require("esbuild/package.json").version;
    if (current) return output(name);
  } catch {
    // no record, or an unreadable one: build
  }
  buildApp([name]);
  return output(name);
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

module.exports = { buildApp, ensureBuilt, APP, ENTRIES, BUILD_FILES };

if (require.main === module) buildApp(process.argv.length > 2 ? process.argv.slice(2) : undefined);
