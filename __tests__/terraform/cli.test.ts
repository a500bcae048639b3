import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { cleanEnv, runApp, scratchDir, STACK_FILE } from "../app-process";

const ROOT = path.join(__dirname, "..", "..");
// The installed core's own CLI: cdktf-cli, or cdktn-cli once the project runs on CDK Terrain (help/cdk-terrain.md).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CLI = (require("cdktf/package.json") as { name: string }).name === "cdktf" ? "cdktf" : "cdktn";

describe(`npx ${CLI} synth`, () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test("writes the same bytes as npm run synth", () => {
    const out = scratchDir("aks-wi-cli-");
    const appDir = scratchDir("aks-wi-app-");
    dirs.push(out, appDir);
    const cli = spawnSync(process.execPath, [require.resolve(`${CLI}-cli/bundle/bin/${CLI}`), "synth", "--output", out], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...cleanEnv(), CHECKPOINT_DISABLE: "1", CI: "1" },
    });
    expect(cli.status).toBe(0);
    // The app's line reaches the user as it is, not as one of the CLI's errors (it logs the app's stderr so).
    expect(cli.stdout).toContain(`synth: wrote ${path.join(out, "stacks", "aks-workload-identity", "cdk.tf.json")} (14 resources) from the defaults\n`);
    expect(cli.stdout + cli.stderr).not.toContain("[ERROR]");
    expect(runApp(appDir).status).toBe(0);
    const viaCli = fs.readFileSync(path.join(out, "stacks", "aks-workload-identity", "cdk.tf.json"));
    expect(viaCli.equals(fs.readFileSync(path.join(appDir, STACK_FILE)))).toBe(true);
  });
});
