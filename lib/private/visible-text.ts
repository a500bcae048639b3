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
 * By Unicode category, so that no list of code points goes stale: controls (Cc: C0, C1, DEL), format
 * characters (Cf: bidi marks, embeddings, overrides and isolates, zero-width joiners, tag characters,
 * interlinear annotations, the soft hyphen), line and paragraph separators (Zl, Zp), lone surrogates
 * (Cs) and private-use characters (Co); and every default-ignorable code point, which renders as
 * nothing (Hangul fillers, variation selectors, the combining grapheme joiner), and the blank braille
 * pattern U+2800, which renders as a space but is not one.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/**
 * `text` with every control, bidi and invisible character written as an escape: `\n`, `\u001b`,
 * `\u202e`. The escapes are JSON's, so JSON text stays valid JSON with the same meaning.
 */
export function visible(text: string): string {
  return text.replace(HIDDEN, (c) => NAMED[c] ?? jsonEscape(c));
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

/** `\uXXXX` for each UTF-16 unit: a character beyond U+FFFF becomes its surrogate pair, as JSON writes it. */
function jsonEscape(c: string): string {
  let out = "";
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}
