/**
 * The pull-request workflow's own review comment: found by the marker on its first line and by its
 * author, updated in place on every run, never another workflow's comment; and, when a run cannot
 * post its review, the old one marked outdated so that nobody reads it as the review of the new
 * commit. Also who accepted a plan's risks, from the event that started the run.
 */
import { REVIEW_MARKER, COMMENT_LIMIT } from "./render-plan-review";

/** The second line of a review marked outdated; the notice under it runs to the first blank line. */
export const OUTDATED_MARKER = "<!-- aks-wi-plan-review:outdated -->";

/** Who posts with a workflow's `GITHUB_TOKEN`; every workflow of the repository posts as it. */
export const DEFAULT_AUTHOR = "github-actions[bot]";

export interface GitHubApi {
  /** e.g. `https://api.github.com`; http only on this machine (tests). */
  readonly apiUrl: string;
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  /**
   * @default - globalThis.fetch
   */
  readonly fetch?: typeof fetch;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly user?: { readonly login?: string; readonly type?: string } | null;
}

/** A request to GitHub that failed: its method, path, status and GitHub's message. */
export class GitHubError extends Error {}

const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export function checkApi(api: GitHubApi): void {
  const url = new URL(api.apiUrl);
  const local = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) throw new GitHubError(`GITHUB_API_URL ${JSON.stringify(api.apiUrl)} is not https: the token would travel in clear`);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(api.repository)) throw new GitHubError(`GITHUB_REPOSITORY ${JSON.stringify(api.repository)} is not owner/name`);
  if (api.token === "") throw new GitHubError("no token: set GH_TOKEN (or GITHUB_TOKEN) to the job's github.token");
}

async function request(api: GitHubApi, method: string, url: string, body?: unknown): Promise<{ json: unknown; next?: string }> {
  const doFetch = api.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method,
      headers: {
        Accept: "application/vnd.github+json",
        Authorization: `Bearer ${api.token}`,
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "aks-workload-identity-plan-review",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30000),
    });
  } catch (error) {
    throw new GitHubError(`${method} ${new URL(url).pathname}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 200);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // Not JSON: the start of the text says enough.
    }
    throw new GitHubError(`${method} ${new URL(url).pathname}: HTTP ${response.status}: ${message}`);
  }
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get("link") ?? "")?.[1];
  return { json: text === "" ? undefined : JSON.parse(text), ...(next ? { next } : {}) };
}

/** Every comment of the pull request, following GitHub's pages, and never a page on another host (the token goes with each request). */
async function comments(api: GitHubApi, pr: number): Promise<IssueComment[]> {
  const origin = new URL(api.apiUrl).origin;
  const all: IssueComment[] = [];
  let url: string | undefined = `${api.apiUrl.replace(/\/$/, "")}/repos/${api.repository}/issues/${pr}/comments?per_page=100`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= 100) throw new GitHubError(`more than 100 pages of comments on pull request ${pr}`);
    if (new URL(url).origin !== origin) throw new GitHubError(`GitHub's next page is on another host (${new URL(url).origin}), not ${origin}`);
    const { json, next }: { json: unknown; next?: string } = await request(api, "GET", url);
    if (!Array.isArray(json)) throw new GitHubError(`GET comments of pull request ${pr}: not a list`);
    all.push(...(json as IssueComment[]));
    url = next;
  }
  return all;
}

/** The review comment this workflow posted before: by `author`, starting with the marker; the newest when there are several. */
export function ownComment(all: readonly IssueComment[], author = DEFAULT_AUTHOR): IssueComment | undefined {
  const own = all.filter((c) => c.user?.login === author && typeof c.body === "string" && (c.body === REVIEW_MARKER || c.body.startsWith(`${REVIEW_MARKER}\n`)));
  return own.sort((a, b) => b.id - a.id)[0];
}

export interface PostResult {
  readonly action: "created" | "updated";
  readonly id: number;
}

/**
 * Posts `body` as the review comment of pull request `pr`: updates this workflow's comment when
 * there is one, else creates it. When that fails and an old review exists, marks it outdated
 * (naming `commit` and `runUrl`), then throws.
 */
export async function postReview(api: GitHubApi, pr: number, body: string, context: { commit?: string; runUrl?: string; author?: string } = {}): Promise<PostResult> {
  checkApi(api);
  const base = `${api.apiUrl.replace(/\/$/, "")}/repos/${api.repository}/issues`;
  const old = ownComment(await comments(api, pr), context.author);
  try {
    if (!body.startsWith(`${REVIEW_MARKER}\n`)) throw new GitHubError(`the review does not start with ${REVIEW_MARKER}: the next run could not find it`);
    const characters = Array.from(body).length;
    if (characters > COMMENT_LIMIT) throw new GitHubError(`the review has ${characters} characters, over GitHub's ${COMMENT_LIMIT} for a comment`);
    if (old) {
      await request(api, "PATCH", `${base}/comments/${old.id}`, { body });
      return { action: "updated", id: old.id };
    }
    const { json } = await request(api, "POST", `${base}/${pr}/comments`, { body });
    return { action: "created", id: Number((json as { id?: unknown } | undefined)?.id) };
  } catch (error) {
    if (old) {
      try {
        await markOutdatedComment(api, old, context);
      } catch (marking) {
        throw new GitHubError(`${(error as Error).message}; marking the old review outdated failed too: ${(marking as Error).message}`);
      }
      throw new GitHubError(`${(error as Error).message}; the old review is marked outdated`);
    }
    throw error;
  }
}

/** Marks this workflow's review of pull request `pr` outdated, if it has one; returns its id. */
export async function markOutdated(api: GitHubApi, pr: number, context: { commit?: string; runUrl?: string; author?: string } = {}): Promise<number | undefined> {
  checkApi(api);
  const old = ownComment(await comments(api, pr), context.author);
  if (!old) return undefined;
  await markOutdatedComment(api, old, context);
  return old.id;
}

async function markOutdatedComment(api: GitHubApi, comment: IssueComment, context: { commit?: string; runUrl?: string }): Promise<void> {
  const body = outdatedBody(comment.body ?? REVIEW_MARKER, context);
  await request(api, "PATCH", `${api.apiUrl.replace(/\/$/, "")}/repos/${api.repository}/issues/comments/${comment.id}`, { body });
}

/**
 * The old review with a notice under its marker (replacing an earlier notice): it is not the review
 * of `commit`, whose run is `runUrl`. Cut at a line when the notice would take it over the limit.
 */
export function outdatedBody(old: string, context: { commit?: string; runUrl?: string }): string {
  const lines = old.split("\n");
  let rest = lines.slice(lines[0] === REVIEW_MARKER ? 1 : 0);
  if (rest[0] === OUTDATED_MARKER) {
    const end = rest.indexOf("");
    rest = end < 0 ? [] : rest.slice(end + 1);
  }
  const commit = context.commit !== undefined && /^[0-9a-f]{7,64}$/i.test(context.commit) ? ` of commit \`${context.commit}\`` : "";
  const run = context.runUrl !== undefined && /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/.test(context.runUrl) ? ` ([workflow run](${context.runUrl}))` : "";
  const notice = [REVIEW_MARKER, OUTDATED_MARKER, `**Outdated.** The review${commit} could not be posted${run}: what follows is the review of an earlier commit. Do not rely on it.`, ""];
  const cutNote = ["", "(The rest of this outdated review was cut to make room for the notice above.)"];
  const length = (parts: readonly string[]) => Array.from(parts.join("\n")).length;
  if (length([...notice, ...rest]) <= COMMENT_LIMIT) return [...notice, ...rest].join("\n");
  let keep = rest.length;
  while (keep > 0 && length([...notice, ...rest.slice(0, keep), ...cutNote]) > COMMENT_LIMIT) keep = Math.max(0, keep - Math.max(1, Math.floor(keep / 10)));
  return [...notice, ...rest.slice(0, keep), ...cutNote].join("\n");
}

/**
 * Who accepted the plan's risks: the login of whoever added `label` to the pull request, when that
 * is the event that started this run and that person is not its author. A label added earlier,
 * seen in a later run (a new push), accepts nothing: acceptance is for the commit the labeller saw.
 */
export function risksAcceptedBy(event: unknown, label: string): string | undefined {
  const e = event as {
    action?: unknown;
    label?: { name?: unknown };
    sender?: { login?: unknown; type?: unknown };
    pull_request?: { user?: { login?: unknown } };
  } | null;
  if (!e || typeof e !== "object" || e.action !== "labeled" || e.label?.name !== label) return undefined;
  const sender = e.sender?.login;
  const author = e.pull_request?.user?.login;
  if (typeof sender !== "string" || !GITHUB_LOGIN.test(sender) || e.sender?.type !== "User") return undefined;
  if (typeof author !== "string" || sender.toLowerCase() === author.toLowerCase()) return undefined;
  return sender;
}
