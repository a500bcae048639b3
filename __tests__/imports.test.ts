import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const ROOT_IMPORT = /from\s+["']@cdktf\/provider-[a-z]+["']|require\(\s*["']@cdktf\/provider-[a-z]+["']\s*\)/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "dist", "cdktf.out", ".git"].includes(entry.name) ? [] : sources(full);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe("provider imports", () => {
  test("come from per-resource modules, never a provider package root (~9x slower synth)", () => {
    const files = sources(ROOT);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => ROOT_IMPORT.test(fs.readFileSync(file, "utf8"))).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  test("the guard recognises a root import", () => {
    const root = "@cdktf/" + "provider-azurerm"; // split so this file does not trip its own guard
    expect(ROOT_IMPORT.test(`import { KeyVault } from "${root}";`)).toBe(true);
    expect(ROOT_IMPORT.test('import { KeyVault } from "@cdktf/provider-azurerm/lib/key-vault";')).toBe(false);
  });
});
