import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** The commands of help/cdk-terrain.md's steps: the shell block after its `steps` marker. */
function documentedSteps(markdown: string): string[] {
  const marker = markdown.indexOf("<!-- steps: scripts/cdktn-check.sh -->");
  if (marker === -1) throw new Error("help/cdk-terrain.md has no steps marker");
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(marker));
  if (!block) throw new Error("help/cdk-terrain.md has no shell block after its steps marker");
  return block[1].split("\n").filter((line) => line.trim() !== "");
}

/** The lines scripts/cdktn-check.sh runs between its step markers, without jest's --json output options. */
function checkedSteps(script: string): string[] {
  const block = /# --- the steps of help\/cdk-terrain\.md ---\n([\s\S]*?)# --- end of the steps ---/.exec(script);
  if (!block) throw new Error("scripts/cdktn-check.sh has no step markers");
  return block[1]
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
    .map((line) => line.replace(/( --)? --json --outputFile="[^"]*"$/, ""));
}

describe("help/cdk-terrain.md", () => {
  test("gives the steps that scripts/cdktn-check.sh runs in CI, the same commands in the same order", () => {
    const documented = documentedSteps(read("help/cdk-terrain.md"));
    expect(documented.length).toBeGreaterThanOrEqual(8);
    expect(documented).toContain("npx cdktn synth");
    expect(checkedSteps(read("scripts/cdktn-check.sh"))).toEqual(documented);
  });

  test("names the cdktn version the steps install, and the Node that CI gives cdktn-cli is 22.19 or later", () => {
    const doc = read("help/cdk-terrain.md");
    const [, cdktn] = /npm:cdktn@(\d+\.\d+\.\d+)/.exec(doc) ?? [];
    expect(doc).toContain(`cdktn-cli=${cdktn}`);
    expect(doc).toContain(`(cdktn ${cdktn})`);
    const [, major, minor] = /^NODE_VERSION=(\d+)\.(\d+)\.\d+$/m.exec(read("scripts/cdktn-check.sh")) ?? [];
    expect(Number(major) * 100 + Number(minor)).toBeGreaterThanOrEqual(2219);
  });
});
