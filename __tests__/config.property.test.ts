import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { stringify } from "yaml";
import { synthCommand } from "../lib/commands/synth";
import { invalidConfig } from "./arbitraries";
import { SEED } from "./property-valid";

/** Seeded: a failure prints the seed and the shrunk counterexample. 500 more valid cases run in config.property.valid-*.test.ts. */
const RUNS = 500;

describe("invalid configurations (property)", () => {
  test(`${RUNS} generated bad configurations each exit 1, name every bad path, and write nothing`, () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-invalid-"));
    let cases = 0;
    try {
      fc.assert(
        fc.property(invalidConfig(), fc.boolean(), ({ raw, env, mutations }, asYaml) => {
          const cwd = fs.mkdtempSync(path.join(root, "case-"));
          const file = asYaml ? "config.yaml" : "config.json";
          fs.writeFileSync(path.join(cwd, file), asYaml ? stringify(raw) : JSON.stringify(raw));
          let stderr = "";
          const code = synthCommand([], { env: { ...env, AKS_WI_CONFIG: file }, cwd, stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
          expect(code).toBe(1);
          const reported = stderr.split("\n").filter((l) => l.startsWith("  - "));
          for (const m of mutations) {
            const named = m.variable ? `  - ${m.path} (from environment variable ${m.variable}): ` : `  - ${m.path}: `;
            expect({ path: m.path, named: reported.some((l) => l.startsWith(named)) }).toEqual({ path: m.path, named: true });
          }
          expect(fs.readdirSync(cwd)).toEqual([file]);
          fs.rmSync(cwd, { recursive: true });
          cases++;
        }),
        { seed: SEED, numRuns: RUNS },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(cases).toBe(RUNS);
  });
});
