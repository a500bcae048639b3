import { App } from "cdktf";
import { AksWorkloadIdentityStack, DEFAULT_STACK_NAME } from "./lib/aks-workload-identity-stack";
import { ConfigError } from "./lib/config/errors";
import { loadConfig } from "./lib/config/load";

try {
  const { config } = loadConfig();
  const app = new App();
  new AksWorkloadIdentityStack(app, DEFAULT_STACK_NAME, { config });
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
