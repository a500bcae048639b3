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

/** `text` with every control, bidi and invisible character written as an escape: `\n`, `\x1b`, `\u202e`. */
export function visible(text: string): string {
  return text.replace(HIDDEN, (c) => NAMED[c] ?? escape(c));
}

/** Whether `text` holds a character that `visible` would escape. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
