/**
 * Markdown for text the review did not write. A plan's names, ids and values come from whoever
 * opened the pull request, and GitHub renders the review as a comment: a newline there starts a
 * block (`<!--` hides the rest of the comment, `~~~` turns it into code), a backtick ends a code
 * span early, and `@user` or `#12` in plain text notifies or links. Every helper here returns
 * inline Markdown, on one line, that shows its input literally and starts nothing that outlives it,
 * so the review's structure is the same whatever the plan holds.
 *
 * Two outputs must not touch each other or a backtick: adjacent backtick runs merge into one fence.
 */
import { visible } from "../private/visible-text";

/** Shown instead of an empty value: a code span cannot be empty, and nothing at all reads as a missing value. */
const EMPTY = "(empty)";

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;" };

/** Longer values are cut to this many characters (code points) and say how long they were. */
export const CODE_LIMIT = 512;

/**
 * A code span showing `value` as it is, with hidden characters written as escapes. Inside a code
 * span nothing is Markdown, HTML, a mention, a reference or a link, so untrusted text goes here.
 * A value longer than `limit` characters shows its first `limit` and then its length, so one value
 * cannot fill a size-limited review.
 */
export function code(value: string, limit = CODE_LIMIT): string {
  const characters = value.length > limit ? Array.from(value) : undefined;
  if (characters && characters.length > limit) return `${code(`${characters.slice(0, limit).join("")}…`, limit + 1)} (cut, ${characters.length} characters)`;
  const shown = visible(value);
  if (shown === "") return EMPTY;
  // A code span ends at the first backtick run as long as its opening one, so the fence is longer than every run inside.
  let longest = 0;
  for (const run of shown.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  // A backtick at either end would join the fence, and a parser strips one space from each end when
  // both ends are spaces (unless nothing else is there): in those cases a space on each side is what it strips.
  const pad = shown.startsWith("`") || shown.endsWith("`") || (shown.startsWith(" ") && shown.endsWith(" ") && !/^ +$/.test(shown)) ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * `value` as plain inline text that reads as written: no emphasis, link, heading, list, HTML or
 * entity, and no mention or issue reference. Prefer `code`: plain text cannot show where an
 * untrusted value ends, and GitHub still links words with no punctuation (commit hashes).
 */
export function text(value: string): string {
  const shown = visible(value);
  if (shown === "") return EMPTY;
  // Runs of `@` and `#` first, then any other ASCII punctuation.
  return shown.replace(/[@#]+|[!-/:-@[-`{-~]/g, (match) => {
    // GitHub looks for mentions and references in the rendered text, where a backslash or an
    // entity is already gone; only a code span keeps `@` and `#` away from the word after them.
    if (match[0] === "@" || match[0] === "#") return `\`${match}\``;
    // A backslash-escaped backtick would stand right next to the fence of such a code span; an entity cannot.
    const entity = ENTITIES[match];
    if (entity) return entity;
    // CommonMark lets a backslash make any ASCII punctuation literal; escaping all of it also stops `www.` and `http:` links.
    return `\\${match}`;
  });
}

/** A plan value: strings in a code span, numbers and booleans as they are, anything else as JSON in a code span. */
export function scalar(value: unknown): string {
  if (typeof value === "string") return code(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return code(JSON.stringify(value) ?? String(value));
}

/**
 * Inline Markdown made fit for a GFM table cell. A row is cut into cells at every `|` before its
 * inlines are parsed, code spans included; `\|` stays in the cell and reads as `|`, in code spans too.
 */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|").replace(/\r\n|\r|\n/g, " ");
}
