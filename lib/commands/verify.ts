import * as path from "path";
import { DEFAULT_POD, DEFAULT_STACK_DIR, verifyDeployment, VerifyIo, VerifyOutcome } from "../verify/run";
import { defineCommand, EXIT, runMain, UsageError } from "./cli";

/** verify's exit codes: 0 and 1 as every command's, then its own. */
export const VERIFY_EXIT: Readonly<Record<VerifyOutcome, number>> = { pass: EXIT.ok, fail: EXIT.failed, setup: 3, timeout: 4 };

/**
 * The longest pause a Node timer keeps (2^31-1 ms, about 24 days): a longer one fires after 1 ms, so
 * an --interval beyond it (with a --timeout as long) would poll the API server without pause.
 */
const MAX_INTERVAL_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A number of seconds: --timeout may be 0 (one poll), --interval must be more, and at most MAX_INTERVAL_SECONDS. */
function seconds(flag: "timeout" | "interval", given: string | undefined, fallback: number): number {
  if (given === undefined) return fallback;
  const value = Number(given);
  if (given.trim() === "" || !Number.isFinite(value) || value < 0 || (flag === "interval" && value === 0)) {
    throw new UsageError(`--${flag} must be a ${flag === "interval" ? "positive " : ""}number of seconds, not ${JSON.stringify(given)}; e.g. --${flag} ${flag === "interval" ? 5 : 600}`);
  }
  if (flag === "interval" && value > MAX_INTERVAL_SECONDS) {
    throw new UsageError(`--interval must be at most ${MAX_INTERVAL_SECONDS} seconds (about 24 days), not ${JSON.stringify(given)}; e.g. --interval 5`);
  }
  return value;
}

/**
 * `npm run verify`: waits for the verification pod to read its secret through workload identity,
 * through the documented propagation window, and explains a failure by its known cause.
 */
export const verifyCommand = defineCommand(
  {
    name: "verify",
    usage: ["npm run verify -- [--timeout SECONDS] [--interval SECONDS] [--outputs FILE] [--stack DIR] [--pod NAME]"],
    about: `After deploy: waits for the verification pod to read its secret from Key Vault through workload
identity, retrying through the propagation window, and names the cause and fix when it cannot.

It connects with your kubeconfig (KUBECONFIG, or ~/.kube/config): az aks get-credentials
--resource-group <group> --name <cluster> writes it. The secret's value is masked in everything it
prints.`,
    options: {
      timeout: { type: "string", value: "SECONDS", help: "give up after this long (600); each request to the API server gets at most 30 seconds of what is left (1 second once it ran out)" },
      interval: { type: "string", value: "SECONDS", help: "time between polls (5)" },
      outputs: {
        type: "string",
        value: "FILE",
        help: "the stack's outputs: the JSON of terraform output -json, or the file npx cdktf deploy --outputs-file FILE writes (default: run terraform output -json in --stack)",
      },
      stack: { type: "string", value: "DIR", help: `the synthesized stack (${DEFAULT_STACK_DIR})` },
      pod: { type: "string", value: "NAME", help: `the verification pod (${DEFAULT_POD})` },
    },
    exits: [
      [VERIFY_EXIT.pass, "the pod read the secret through workload identity"],
      [VERIFY_EXIT.fail, "it cannot, as deployed: the cause and its fix are printed"],
      [VERIFY_EXIT.setup, "verify could not start or talk to the cluster: no outputs (not deployed), no kubeconfig, API\n     server unreachable or refusing the credentials"],
      [VERIFY_EXIT.timeout, "it did not within --timeout: still propagating, or the API server did not answer"],
    ],
  },
  async ({ values }, io: VerifyIo) => {
    const timeoutSeconds = seconds("timeout", values.timeout, 600);
    const intervalSeconds = seconds("interval", values.interval, 5);
    const outcome = await verifyDeployment(
      {
        stackDir: path.resolve(io.cwd, values.stack ?? DEFAULT_STACK_DIR),
        outputsFile: values.outputs === undefined ? undefined : path.resolve(io.cwd, values.outputs),
        timeoutSeconds,
        intervalSeconds,
        podName: values.pod ?? DEFAULT_POD,
      },
      io,
    );
    return VERIFY_EXIT[outcome];
  },
);

/** The command as the tests call it. */
export const runVerify = verifyCommand;

/**
 * scripts/verify.ts: requests are aborted at their time limit, but a credential plugin the kubeconfig
 * runs (kubelogin) may still be waiting for a login: once the verdict is given, it may not keep verify
 * running.
 */
export function verifyMain(): void {
  runMain(verifyCommand, { exitAfterMs: 2000 });
}
