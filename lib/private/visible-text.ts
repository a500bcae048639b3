/**
 * Untrusted text (a config key, an environment variable, a plan value, a pod log) is shown to
 * people through terminals and Markdown renderers, both of which act on certain characters: ESC
 * starts a terminal control sequence, CR rewrites the line, a newline starts a Markdown block,
 * bidi controls reorder what is read (Trojan Source), zero-width characters hide differences.
 * `visible` replaces each such character with a printable escape, so the text reaches the reader
 * as literal text on one line.
 */

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * C0 and C1 controls and DEL; bidi marks, embeddings, overrides and isolates (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069); zero-width and invisible formatting characters (U+00AD,
 * U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF); line and paragraph separators (U+2028, U+2029).
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `text` with every control, bidi and invisible character written as an escape: `\n`, `\u001b`,
 * `\u202e`. The escapes are JSON's, so JSON text stays valid JSON with the same meaning.
 */
export function visible(text: string): string {
  return text.replace(HIDDEN, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `text` as `visible` writes it, but keeping its line breaks: for output that is lines of the program's own making. */
export function visibleLines(text: string): string {
  return text.split("\n").map(visible).join("\n");
}

/**
 * A stream for a terminal: what is written keeps its line breaks, and every other control, bidi or
 * invisible character is shown as an escape, whatever file, environment variable, plan or pod log it
 * came from. Commands write through it; untrusted text that must stay on one line is passed through
 * `visible` where it is interpolated.
 */
export function terminalSafe(stream: { write(text: string): unknown }): { write(text: string): unknown } {
  return { write: (text: string) => stream.write(visibleLines(text)) };
}

/** Whether `text` holds a character that `visible` would escape. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}
