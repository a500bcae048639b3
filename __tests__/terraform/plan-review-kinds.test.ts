import * as fs from "fs";
import * as path from "path";
import { reviewPlan } from "../../lib/review/plan-review";
import { renderPlanReview } from "../../lib/review/render-plan-review";
import { scratchDir } from "../app-process";
import { OFFLINE, terraformResult } from "./terraform";

/**
 * Real plans of every kind Terraform 1.11 writes (imports, moves, forgets, both replace orders with
 * their reasons, a for_each module with role assignments by id, a data read, a failed plan), made now
 * with the stand-ins, reviewed, and compared with the committed fixtures that the unit tests
 * (__tests__/plan-review.kinds.test.ts) assert section by section: if Terraform or the stand-ins
 * start writing these plans differently, this fails and says to regenerate them.
 * Offline only: the imports read their objects from the stand-ins' import fixtures.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planKinds } = require("../fixtures/plans/kinds.js") as { planKinds(dir: string, run: (cwd: string, args: string[], env: Record<string, string>) => unknown): { kinds: unknown; errored: unknown } };

const FIXTURES = path.join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
const review = (plan: unknown) => renderPlanReview(reviewPlan(plan));

let dir: string;
afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

(OFFLINE ? test : test.skip)("real plans of every kind review exactly as the committed fixtures do", () => {
  dir = scratchDir("aks-wi-plan-kinds-");
  // The suite's shared providers, but for the plan that imports: its variable must reach providers Terraform starts for it.
  const { kinds, errored } = planKinds(dir, (cwd, args, env) => terraformResult(cwd, args, Object.keys(env).length > 0 ? { ...env, TF_REATTACH_PROVIDERS: "" } : env));
  const regenerate = "the plans Terraform writes changed: regenerate the fixtures (__tests__/fixtures/plans/README.md) and review the expected lines";
  expect({ kinds: review(kinds), regenerate }).toEqual({ kinds: review(fixture("kinds")), regenerate });
  expect({ errored: review(errored), regenerate }).toEqual({ errored: review(fixture("errored")), regenerate });
  // And what they say, in brief: every kind is there.
  const text = review(kinds);
  expect(text).toContain("Plan: 7 to create, 2 to update, 5 to replace, 2 to destroy, 2 to import, 2 to forget (removed from the state, left in Azure), 1 moved, 1 data source read during apply.");
  expect(text).toContain('- create: managed identity `id-beta` (`ServicePrincipal`) → `Key Vault Secrets User` → resource group `rg-kinds` — `module.team["beta"].azurerm_role_assignment.this["secrets"]`');
  expect(text).toContain("- **Role assignment left unmanaged.**");
  expect(review(errored)).toContain("**The plan failed.**");
});
