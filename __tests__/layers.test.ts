import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

// The layers of lib/ (layers.config.cjs) hold in two places: eslint's no-restricted-imports, which
// stops a new upward import in an editor and in `npm run lint`, and this test, which reads the whole
// import graph (every specifier TypeScript sees, `export … from` and `import()` included) and checks it
// against the same table, and for cycles.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LAYERS, layerOf } = require("../layers.config.cjs") as {
  LAYERS: ReadonlyArray<{ name: string; folders: string[]; may: string[] }>;
  layerOf(file: string): string | undefined;
};

const ROOT = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** Each file's imports of other project files, as paths relative to the repository. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => resolve(file, spec));
    graph.set(file, targets);
  }
  return graph;
}

function resolve(from: string, spec: string): string {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, `${base}.js`, `${base}.cjs`]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  throw new Error(`${from} imports ${spec}, which resolves to no file`);
}

/** Strongly connected components with more than one member (Tarjan), i.e. import cycles. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const LIB = sourceFiles("lib");
const GRAPH = importGraph([...LIB, "main.ts", ...sourceFiles("scripts").filter((f) => f.endsWith(".ts"))]);

describe("the layers of lib/", () => {
  test("every file of lib/ belongs to a layer", () => {
    expect(LIB.filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  test("every import goes to the file's own layer or one it may use", () => {
    const may = new Map(LAYERS.map((l) => [l.name, new Set([l.name, ...l.may])]));
    const upward = [...GRAPH]
      .filter(([file]) => file.startsWith("lib/"))
      .flatMap(([file, targets]) =>
        targets
          // The bench (a command) builds the other commands with scripts/build-app.js before timing them.
          .filter((t) => !(layerOf(file) === "commands" && /^scripts\/[^/]+\.js$/.test(t)))
          .filter((t) => !may.get(layerOf(file)!)!.has(layerOf(t) ?? "outside lib"))
          .map((t) => `${file} (${layerOf(file)}) imports ${t} (${layerOf(t) ?? "outside lib"})`),
      );
    expect(upward).toEqual([]);
  });

  test("the graph between layers, and between files, has no cycle", () => {
    const between = new Map<string, string[]>();
    for (const [file, targets] of GRAPH) {
      const from = layerOf(file);
      if (from === undefined) continue;
      const to = targets.map(layerOf).filter((l): l is string => l !== undefined && l !== from);
      between.set(from, [...new Set([...(between.get(from) ?? []), ...to])]);
    }
    expect(cycles(between)).toEqual([]);
    expect(cycles(GRAPH)).toEqual([]);
  });

  test("the cycle finder finds a cycle (so that the test above can fail)", () => {
    expect(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["a", "b", "c"]]);
    expect(cycles(new Map([["a", ["a"]]]))).toEqual([["a"]]);
    expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
  });

  test("the table's `may` lists name only lower layers, so the layers have one order", () => {
    const order = LAYERS.map((l) => l.name);
    for (const layer of LAYERS) {
      for (const lower of layer.may) expect(order.indexOf(lower)).toBeLessThan(order.indexOf(layer.name));
    }
  });

  test("main.ts and scripts/*.ts only start commands: they import nothing from lib/ but lib/commands and lib/private", () => {
    const reaches = [...GRAPH]
      .filter(([file]) => !file.startsWith("lib/"))
      .flatMap(([file, targets]) => targets.filter((t) => t.startsWith("lib/") && !/^lib\/(commands|private)\//.test(t)).map((t) => `${file} -> ${t}`));
    expect(reaches).toEqual([]);
  });
});

test("README.md's Layout section names every folder of lib/ and every layer", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Layout\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const folders = fs.readdirSync(path.join(ROOT, "lib"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `\`lib/${e.name}/\``);
  expect(folders.filter((f) => !section.includes(f))).toEqual([]);
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| layer") && !line.startsWith("| ---"));
  const named = rows.flatMap((row) => row.split("|")[1].split(",").map((name) => name.trim()));
  expect(named).toEqual(LAYERS.map((l) => l.name));
});

describe("lint holds the layers", () => {
  // One probe per layer and per layer it must not reach, linted as if it were a file in that layer's
  // folder (ESLint's lintText with a filePath: nothing is written into lib/).
  const FOLDER_OF: Record<string, string> = { constructs: "", package: "" };
  for (const l of LAYERS) if (l.folders.length > 0 && !(l.name in FOLDER_OF)) FOLDER_OF[l.name] = l.folders.find((f) => f !== "") ?? "";
  const fileIn = (layer: string) => (layer === "package" ? "lib/index.ts" : `lib/${FOLDER_OF[layer] ? `${FOLDER_OF[layer]}/` : ""}layer-probe.ts`);
  // From lib/<folder>/ a sibling folder is "../<folder>"; from lib/ itself it is "./<folder>".
  const up = (layer: string) => (FOLDER_OF[layer] ? "../" : "./");
  const specifier = (fromLayer: string, toFolder: string) => `${up(fromLayer)}${toFolder}/x`;

  const probes = LAYERS.flatMap((from) =>
    LAYERS.filter((to) => to.folders.some((f) => f !== "")).map((to) => ({
      from: from.name,
      to: to.name,
      file: fileIn(from.name),
      code: `import { x } from "${specifier(from.name, to.folders.find((f) => f !== "")!)}";\nexport const y = x;\n`,
      allowed: to.name === from.name || from.may.includes(to.name),
    })),
  );
  probes.push(
    ...LAYERS.filter((l) => l.name !== "package").map((from) => ({
      from: from.name,
      to: "package",
      file: fileIn(from.name),
      code: `import { x } from "${up(from.name)}index";\nexport const y = x;\n`,
      allowed: false,
    })),
  );

  let results: Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  beforeAll(() => {
    // ESLint's configuration is an ES module, which jest's CommonJS runtime cannot load: lint in a child.
    const script = `
      import { ESLint } from "eslint";
      const probes = JSON.parse(process.argv[1]);
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const p of probes) out.push(...(await eslint.lintText(p.code, { filePath: p.file })));
      process.stdout.write(JSON.stringify(out.map((r) => ({ messages: r.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })) }))));
    `;
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(probes)], { cwd: ROOT, encoding: "utf8" });
    results = JSON.parse(stdout);
  }, 60000);

  test("an import from a layer above fails lint with the rule's message; an allowed one does not", () => {
    const verdicts = probes.map((p, i) => {
      const layered = results[i].messages.filter((m) => m.ruleId === "no-restricted-imports" && m.message.includes("lib/ is layered"));
      return `${p.from} -> ${p.to}: ${layered.length > 0 ? "refused" : "allowed"}`;
    });
    expect(verdicts).toEqual(probes.map((p) => `${p.from} -> ${p.to}: ${p.allowed ? "allowed" : "refused"}`));
    // At least one of each, or the comparison above proves nothing.
    expect(verdicts.some((v) => v.endsWith("refused"))).toBe(true);
    expect(verdicts.some((v) => v.endsWith("allowed"))).toBe(true);
  });

  test("the message names the layer, what it may import, and the fix", () => {
    const i = probes.findIndex((p) => p.from === "config" && p.to === "app");
    const message = results[i].messages.find((m) => m.ruleId === "no-restricted-imports")!.message;
    expect(message).toContain("the config layer imports only from config, constructs, terraform-json, policy; this one reaches review or verify or app or commands");
    expect(message).toContain("Move the code it needs down a layer");
  });

  test("the provider-root rule still applies inside every layer", () => {
    // Each layer's block replaces the rule's options; the provider paths must be in every one.
    const script = `
      import { ESLint } from "eslint";
      const eslint = new ESLint({ cwd: process.cwd() });
      const files = JSON.parse(process.argv[1]);
      const out = [];
      for (const f of files) {
        const [r] = await eslint.lintText('import { AzurermProvider } from "' + process.argv[2] + '";\\nexport const p = AzurermProvider;\\n', { filePath: f });
        out.push(r.messages.some((m) => m.ruleId === "no-restricted-imports" && m.message.includes("not from the package root")));
      }
      process.stdout.write(JSON.stringify(out));
    `;
    const files = [...new Set(probes.map((p) => p.file)), "main.ts", "__tests__/probe.test.ts"];
    // The package's name is put together here so that imports.test.ts's scan does not take this file for a root import.
    const root = ["@cdktf", "provider-azurerm"].join("/");
    const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(files), root], { cwd: ROOT, encoding: "utf8" }));
    expect(Object.fromEntries(files.map((f, i) => [f, out[i]]))).toEqual(Object.fromEntries(files.map((f) => [f, true])));
  }, 60000);
});
