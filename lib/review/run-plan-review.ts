import * as fs from "fs";
import { planFingerprint } from "./plan-fingerprint";
import { PlanFormatError, reviewPlan } from "./plan-review";
import { COMMENT_LIMIT, MIN_LIMIT, renderPlanReview, SUMMARY_LIMIT } from "./render-plan-review";

export const PLAN_REVIEW_USAGE =
  "usage: plan-review [--fail-on-risk [--risks-accepted-by LOGIN]] [--commit SHA] [--run-url URL] [--max-size BYTES] [--out FILE] [--summary-out FILE] [--full-out FILE] plan.json | plan-review --fingerprint [--out FILE] plan.json   (plan.json from `terraform show -json <planfile>`; - reads stdin)";

/** Exit codes: a CI step can tell "risky plan" from "could not review" and "the plan failed". */
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
  readonly acceptedBy?: string;
  readonly commit?: string;
  readonly runUrl?: string;
  readonly maxSize: number;
  readonly out?: string;
  readonly summaryOut?: string;
  readonly fullOut?: string;
  readonly plan: string;
}

/** A problem with what the user gave; printed without a stack trace, one line each. */
class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
}

/**
 * `plan-review [options] plan.json`: writes the Markdown review of the plan, within `--max-size`
 * bytes (65,536, GitHub's limit for a comment), to stdout or `--out FILE`; `--summary-out FILE`
 * writes it within 1 MiB (a job summary's limit) and `--full-out FILE` whole. With
 * `--fingerprint`, writes the plan's fingerprint (see plan-fingerprint.ts) instead, one line, for a
 * deploy job to compare with the one of the reviewed plan. Every output is written only once the
 * plan has been read and every review made.
 * @returns 0; 2 with `--fail-on-risk` when the plan has risks nobody accepted; 1 when the arguments
 * or the file are wrong, or when the plan is one that failed (`errored: true`, after writing its review)
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
    const write = (file: string | undefined, text: string) => {
      if (file === undefined) {
        io.stdout.write(text);
        return;
      }
      try {
        writeFile(file, text);
      } catch (error) {
        throw new UsageError([`cannot write ${file}: ${reason(error)}`]);
      }
    };
    if (options.fingerprint) {
      write(options.out, `${readPlan(options.plan, readFile, planFingerprint)}\n`);
      return EXIT_OK;
    }
    const review = readPlan(options.plan, readFile, reviewPlan);
    const common = {
      ...(options.commit !== undefined ? { commit: options.commit } : {}),
      ...(options.runUrl !== undefined ? { runUrl: options.runUrl } : {}),
      riskGate: { failOnRisk: options.failOnRisk, ...(options.acceptedBy !== undefined ? { acceptedBy: options.acceptedBy } : {}) },
    };
    const artifact = options.runUrl !== undefined ? `the \`plan-review\` artifact of the [workflow run](${options.runUrl})` : undefined;
    const outputs: [string | undefined, string][] = [];
    const toStdout = options.out === undefined && options.summaryOut === undefined && options.fullOut === undefined;
    if (options.out !== undefined || toStdout) {
      const fullReview = artifact ? `the job summary and ${artifact}` : undefined;
      outputs.push([options.out, renderPlanReview(review, { ...common, maxBytes: options.maxSize, ...(fullReview ? { fullReview } : {}) })]);
    }
    if (options.summaryOut !== undefined) outputs.push([options.summaryOut, renderPlanReview(review, { ...common, maxBytes: SUMMARY_LIMIT, ...(artifact ? { fullReview: artifact } : {}) })]);
    if (options.fullOut !== undefined) outputs.push([options.fullOut, renderPlanReview(review, common)]);
    for (const [file, text] of outputs) write(file, text);
    if (review.errored) {
      io.stderr.write(`plan-review: ${options.plan} is a plan that failed (errored: true): the review says so, and nothing in it can be applied; the errors are in the output of terraform plan\n`);
      return EXIT_ERROR;
    }
    if (options.failOnRisk && review.risks.length > 0 && options.acceptedBy === undefined) {
      io.stderr.write(`plan-review: ${review.risks.length} risk${review.risks.length === 1 ? "" : "s"} in ${options.plan} (--fail-on-risk)\n`);
      return EXIT_RISK;
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    for (const problem of error.problems) io.stderr.write(`plan-review: ${problem}\n`);
    return EXIT_ERROR;
  }
}

function parseArguments(argv: readonly string[]): Options {
  const problems: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const files: string[] = [];
  const valued = ["--out", "--summary-out", "--full-out", "--commit", "--run-url", "--max-size", "--risks-accepted-by"];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const equals = valued.find((name) => arg.startsWith(`${name}=`));
    if (arg === "--fail-on-risk" || arg === "--fingerprint") flags.add(arg);
    else if (equals) values.set(equals, arg.slice(equals.length + 1));
    else if (valued.includes(arg)) {
      const value = argv[++i];
      if (value === undefined || value === "") problems.push(`${arg} needs ${arg.endsWith("out") ? "a file name" : "a value"}`);
      else values.set(arg, value);
    } else if (arg.startsWith("-") && arg !== "-") problems.push(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length !== 1) problems.push(files.length === 0 ? "no plan file given" : `one plan file, not ${files.length}`);
  const failOnRisk = flags.has("--fail-on-risk");
  const fingerprint = flags.has("--fingerprint");
  // A fingerprint has no risks to fail on: a job that asked for both would believe it had checked them.
  if (failOnRisk && fingerprint) problems.push("--fail-on-risk and --fingerprint do not go together");
  if (fingerprint) {
    for (const name of valued.filter((n) => n !== "--out" && values.has(n))) problems.push(`${name} does not go with --fingerprint`);
  }
  const commit = values.get("--commit");
  if (commit !== undefined && !/^[0-9a-f]{7,64}$/i.test(commit)) problems.push(`--commit ${JSON.stringify(commit)} is not a commit SHA: give 7 to 64 hexadecimal digits, e.g. $GITHUB_SHA`);
  const runUrl = values.get("--run-url");
  if (runUrl !== undefined && !/^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/.test(runUrl)) {
    problems.push(`--run-url ${JSON.stringify(runUrl)} is not a plain https URL (letters, digits and . _ ~ % / - only): give the run's URL, $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`);
  }
  const acceptedBy = values.get("--risks-accepted-by");
  if (acceptedBy !== undefined && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(acceptedBy)) problems.push(`--risks-accepted-by ${JSON.stringify(acceptedBy)} is not a GitHub login (1-39 letters, digits and -)`);
  const size = values.get("--max-size");
  const maxSize = size === undefined ? COMMENT_LIMIT : Number(size);
  if (size !== undefined && !(/^\d+$/.test(size) && maxSize >= MIN_LIMIT && maxSize <= COMMENT_LIMIT)) {
    problems.push(`--max-size ${JSON.stringify(size)} is not a whole number of bytes from ${MIN_LIMIT} to ${COMMENT_LIMIT} (GitHub's limit for a comment)`);
  }
  const outputs = ["--out", "--summary-out", "--full-out"].map((name) => values.get(name)).filter((file): file is string => file !== undefined);
  if (new Set(outputs).size !== outputs.length) problems.push("--out, --summary-out and --full-out must name different files");
  if (problems.length > 0) throw new UsageError(problems.map((p, i) => (i === problems.length - 1 ? `${p}; ${PLAN_REVIEW_USAGE}` : p)));
  return {
    failOnRisk,
    fingerprint,
    maxSize,
    plan: files[0],
    ...(acceptedBy !== undefined ? { acceptedBy } : {}),
    ...(commit !== undefined ? { commit } : {}),
    ...(runUrl !== undefined ? { runUrl } : {}),
    ...(values.has("--out") ? { out: values.get("--out") } : {}),
    ...(values.has("--summary-out") ? { summaryOut: values.get("--summary-out") } : {}),
    ...(values.has("--full-out") ? { fullOut: values.get("--full-out") } : {}),
  };
}

function readPlan<T>(file: string, readFile: (file: string) => string, read: (plan: unknown) => T): T {
  const name = file === "-" ? "standard input" : file;
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new UsageError([`cannot read ${name}: ${reason(error)}`]);
  }
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new UsageError([`${name} is not JSON (${reason(error)}); give it the output of \`terraform show -json <planfile>\``]);
  }
  try {
    return read(plan);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new UsageError([`${name} is ${error.message}`]);
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
