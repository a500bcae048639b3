import * as fs from "fs";
import * as path from "path";
import { runApp, scratchDir, STACK_FILE } from "../app-process";
import { terraform, uiMessages } from "./terraform";

/**
 * A state made by release b0cba75, whose construct ids came from names as written, under today's
 * synthesis: the plan changes nothing and moves each renamed address (the stack's `moved` blocks).
 * The old configurations are that release's own output (fixtures/release-b0cba75/README.md).
 */
const LEGACY = path.join(__dirname, "fixtures", "release-b0cba75");
const SECRET_ENV = {
  TF_VAR_keyvault_secret_value: "migration-test-value",
  TF_VAR_keyvault_additional_secret_values: '{"db-password{suffix}"="a","api-key"="b"}',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

test.each([
  ["the default configuration", "default", undefined],
  ["names written out, a shared identity, namespaces, further secrets and secret-scoped grants", "teams", "teams.yaml"],
])("%s, applied by release b0cba75, plans no change under today's addresses: only moves", (_label, name, config) => {
  const project = scratchDir("aks-wi-migrate-");
  dirs.push(project);
  const stack = path.dirname(path.join(project, STACK_FILE));
  fs.mkdirSync(stack, { recursive: true });
  fs.copyFileSync(path.join(LEGACY, `${name}.cdk.tf.json`), path.join(stack, "cdk.tf.json"));
  terraform(stack, ["init", "-input=false"]);
  terraform(stack, ["apply", "-input=false", "-auto-approve"], SECRET_ENV);

  const env: Record<string, string> = {};
  if (config !== undefined) {
    fs.copyFileSync(path.join(LEGACY, config), path.join(project, "config.yaml"));
    env.AKS_WI_CONFIG = "config.yaml";
  }
  const run = runApp(project, env);
  if (run.status !== 0) throw new Error(run.stderr);
  const moved = (JSON.parse(fs.readFileSync(path.join(stack, "cdk.tf.json"), "utf8")).moved as Array<{ from: string; to: string }>) ?? [];

  // Without the secrets: a reviewer's plan of the upgrade.
  const messages = uiMessages(terraform(stack, ["plan", "-json", "-input=false"]));
  const summary = messages.find((m) => m.type === "change_summary")?.changes;
  expect(summary).toMatchObject({ add: 0, change: 0, remove: 0, import: 0 });
  const planned = messages.filter((m) => m.type === "planned_change").map((m) => m.change);
  expect(planned.map((c) => c.action)).toEqual(planned.map(() => "move"));
  expect(planned.map((c) => ({ from: c.previous_resource.addr, to: c.resource.addr })).sort((a, b) => a.to.localeCompare(b.to))).toEqual(
    [...moved].sort((a, b) => a.to.localeCompare(b.to)),
  );
  expect(moved.length).toBeGreaterThanOrEqual(4);
});
