import * as fs from "fs";
import { planFingerprint } from "./plan-fingerprint";
import { PlanFormatError, renderPlanReview, reviewPlan } from "./plan-review";

export const PLAN_REVIEW_USAGE =
  "usage: plan-review [--fail-on-risk | --fingerprint] [--out FILE] plan.json   (plan.json from `terraform show -json <planfile>`; - reads stdin)";

/** Exit codes: a CI step can tell "risky plan" from "could not review". */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_RISK = 2;

export interface PlanReviewIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /**
   * Reads a file as UTF-8; `-` is standard input.
   * @default - fs.readFileSync
   */
  readonly readFile?: (file: string) => string;
  /**
   * Writes a file as UTF-8.
   * @default - fs.writeFileSync
   */
  readonly writeFile?: (file: string, text: string) => void;
}

interface Options {
  readonly failOnRisk: boolean;
  readonly fingerprint: boolean;
  readonly out?: string;
  readonly plan: string;
}

/** A problem with what the user gave; printed as one line, without a stack trace. */
class UsageError extends Error {}

/**
 * `plan-review [--fail-on-risk] [--out FILE] plan.json`: writes the Markdown review of the plan
 * to stdout or FILE. With `--fingerprint`, writes the plan's fingerprint (see plan-fingerprint.ts)
 * instead, one line, for a deploy job to compare with the one of the reviewed plan.
 * @returns 0; 2 with `--fail-on-risk` when the plan has risks; 1 when the arguments or the file are wrong
 */
export function runPlanReview(argv: readonly string[], io: PlanReviewIo): number {
  const readFile = io.readFile ?? ((file: string) => fs.readFileSync(file === "-" ? 0 : file, "utf8"));
  const writeFile = io.writeFile ?? ((file: string, text: string) => fs.writeFileSync(file, text));
  try {
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout.write(`${PLAN_REVIEW_USAGE}\n`);
      return EXIT_OK;
    }
    const options = parseArguments(argv);
    const write = (text: string) => {
      if (options.out === undefined) {
        io.stdout.write(text);
        return;
      }
      try {
        writeFile(options.out, text);
      } catch (error) {
        throw new UsageError(`cannot write ${options.out}: ${reason(error)}`);
      }
    };
    if (options.fingerprint) {
      write(`${readPlan(options.plan, readFile, planFingerprint)}\n`);
      return EXIT_OK;
    }
    const review = readPlan(options.plan, readFile, reviewPlan);
    write(renderPlanReview(review));
    if (options.failOnRisk && review.risks.length > 0) {
      io.stderr.write(`plan-review: ${review.risks.length} risk${review.risks.length === 1 ? "" : "s"} in ${options.plan} (--fail-on-risk)\n`);
      return EXIT_RISK;
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`plan-review: ${error.message}\n`);
    return EXIT_ERROR;
  }
}

function parseArguments(argv: readonly string[]): Options {
  let failOnRisk = false;
  let fingerprint = false;
  let out: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--fail-on-risk") failOnRisk = true;
    else if (arg === "--fingerprint") fingerprint = true;
    else if (arg === "--out") {
      out = argv[++i];
      if (out === undefined || out === "") throw new UsageError(`--out needs a file name; ${PLAN_REVIEW_USAGE}`);
    } else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}; ${PLAN_REVIEW_USAGE}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new UsageError(`${files.length === 0 ? "no plan file given" : `one plan file, not ${files.length}`}; ${PLAN_REVIEW_USAGE}`);
  // A fingerprint has no risks to fail on: a job that asked for both would believe it had checked them.
  if (failOnRisk && fingerprint) throw new UsageError(`--fail-on-risk and --fingerprint do not go together; ${PLAN_REVIEW_USAGE}`);
  return { failOnRisk, fingerprint, out, plan: files[0] };
}

function readPlan<T>(file: string, readFile: (file: string) => string, read: (plan: unknown) => T): T {
  const name = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${name}: ${reason(error)}`);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${name} is not JSON (${reason(error)}); give it the output of \`terraform show -json <planfile>\``);
  }
  try {
    return read(plan);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new UsageError(`${name} is ${error.message}`);
    throw error;
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
