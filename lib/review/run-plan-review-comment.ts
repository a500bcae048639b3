import * as fs from "fs";
import { visible } from "../private/visible-text";
import { GitHubApi, GitHubError, markOutdated, postReview, risksAcceptedBy } from "./pr-comment";

export const PLAN_REVIEW_COMMENT_USAGE = [
  "usage: plan-review-comment post --pr N --body FILE [--commit SHA] [--run-url URL]",
  "       plan-review-comment outdated --pr N [--commit SHA] [--run-url URL]",
  "       plan-review-comment risks-accepted-by --label NAME",
  "(GH_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL for post and outdated; GITHUB_EVENT_PATH for risks-accepted-by)",
].join("\n");

export interface CommentIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** A problem with what the user gave, or with GitHub's answer: one line, no stack trace. */
class UsageError extends Error {}

/**
 * `post`: puts the review in FILE on pull request N as this workflow's comment (updated in place;
 * on failure the old review is marked outdated, and the exit is 1). `outdated`: marks the old
 * review outdated (for a run that failed before it had a review). `risks-accepted-by`: prints the
 * login of the reviewer whose adding the label started this run, or nothing.
 * Failures are written as GitHub Actions `::error` annotations.
 */
export async function runPlanReviewComment(argv: readonly string[], io: CommentIo, env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "--help" || command === "-h") {
      io.stdout.write(`${PLAN_REVIEW_COMMENT_USAGE}\n`);
      return 0;
    }
    const options = parseOptions(rest);
    switch (command) {
      case "post": {
        const pr = prNumber(options);
        const body = readBody(options.get("--body"));
        const result = await postReview(api(env), pr, body, context(options));
        io.stdout.write(`plan-review-comment: ${result.action} comment ${result.id} on pull request ${pr}\n`);
        return 0;
      }
      case "outdated": {
        const pr = prNumber(options);
        const id = await markOutdated(api(env), pr, context(options));
        io.stdout.write(id === undefined ? `plan-review-comment: no review on pull request ${pr} to mark outdated\n` : `plan-review-comment: marked comment ${id} outdated\n`);
        return 0;
      }
      case "risks-accepted-by": {
        const label = options.get("--label");
        if (!label) throw new UsageError("risks-accepted-by needs --label NAME");
        const file = env.GITHUB_EVENT_PATH;
        if (!file) throw new UsageError("GITHUB_EVENT_PATH is not set: risks-accepted-by reads the event that started the run");
        let event: unknown;
        try {
          event = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (error) {
          throw new UsageError(`cannot read the event ${file}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
        }
        const login = risksAcceptedBy(event, label);
        if (login !== undefined) io.stdout.write(`${login}\n`);
        return 0;
      }
      default:
        throw new UsageError(command === undefined ? "no command given" : `unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`plan-review-comment: ${visible(error.message)}\n${PLAN_REVIEW_COMMENT_USAGE}\n`);
      return 1;
    }
    if (error instanceof GitHubError) {
      io.stdout.write(`::error title=Plan review not posted::${visible(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

function parseOptions(argv: readonly string[]): Map<string, string> {
  const known = ["--pr", "--body", "--commit", "--run-url", "--label"];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!known.includes(name)) throw new UsageError(`unknown option ${name}`);
    const value = argv[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value`);
    options.set(name, value);
  }
  return options;
}

function prNumber(options: Map<string, string>): number {
  const pr = options.get("--pr");
  if (pr === undefined || !/^[1-9]\d{0,9}$/.test(pr)) throw new UsageError(`--pr ${JSON.stringify(pr ?? "")} is not a pull request number`);
  return Number(pr);
}

function readBody(file: string | undefined): string {
  if (!file) throw new UsageError("post needs --body FILE");
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message.split("\n")[0]}`);
  }
}

function context(options: Map<string, string>): { commit?: string; runUrl?: string } {
  const commit = options.get("--commit");
  const runUrl = options.get("--run-url");
  return { ...(commit !== undefined ? { commit } : {}), ...(runUrl !== undefined ? { runUrl } : {}) };
}

function api(env: NodeJS.ProcessEnv): GitHubApi {
  const token = env.GH_TOKEN ?? env.GITHUB_TOKEN ?? "";
  const repository = env.GITHUB_REPOSITORY ?? "";
  const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
  try {
    new URL(apiUrl);
  } catch {
    throw new GitHubError(`GITHUB_API_URL ${JSON.stringify(apiUrl)} is not a URL`);
  }
  return { apiUrl, token, repository };
}
