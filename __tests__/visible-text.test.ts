import { hasHiddenCharacters, terminalSafe, visible, visibleLines } from "../lib/private/visible-text";

describe("visible", () => {
  test.each([
    ["line\nbreak", "line\\nbreak"],
    ["carriage\rreturn", "carriage\\rreturn"],
    ["tab\there", "tab\\there"],
    ["\x1b[31mred\x1b[0m", "\\u001b[31mred\\u001b[0m"],
    ["bell\x07", "bell\\u0007"],
    ["nul\x00", "nul\\u0000"],
    ["del\x7f", "del\\u007f"],
    ["c1\x9b2J", "c1\\u009b2J"],
    ["admin\u202eresu", "admin\\u202eresu"],
    ["a\u2066b\u2069", "a\\u2066b\\u2069"],
    ["zero\u200bwidth", "zero\\u200bwidth"],
    ["bom\ufeff", "bom\\ufeff"],
    ["sep\u2028", "sep\\u2028"],
    ["soft\u00adhyphen", "soft\\u00adhyphen"],
    // Found by an attack on the first version, which listed code points instead of categories:
    ["Reader\u3164", "Reader\\u3164"],
    ["tag\u{e0020}\u{e0061}", "tag\\udb40\\udc20\\udb40\\udc61"],
    ["ann\ufff9x\ufffby", "ann\\ufff9x\\ufffby"],
    ["inh\u206aibit", "inh\\u206aibit"],
    ["cgj\u034f", "cgj\\u034f"],
    ["filler\u115f\u1160\uffa0", "filler\\u115f\\u1160\\uffa0"],
    ["vs\ufe0f\u{e0100}", "vs\\ufe0f\\udb40\\udd00"],
    ["arabic\u0600number", "arabic\\u0600number"],
    ["braille\u2800blank", "braille\\u2800blank"],
    ["private\ue000use", "private\\ue000use"],
    ["lone\ud800surrogate", "lone\\ud800surrogate"],
  ])("writes %j as %j", (input, expected) => {
    expect(visible(input)).toBe(expected);
    expect(hasHiddenCharacters(input)).toBe(true);
  });

  test("leaves printable text, including non-Latin letters and emoji, as it is", () => {
    const text = "kv-workload-id abc123 Größe 東京 ✓ 🚀 C:\\path `tick` <b>";
    expect(visible(text)).toBe(text);
    expect(hasHiddenCharacters(text)).toBe(false);
  });

  test("leaves no control, format, separator, surrogate, private-use or default-ignorable character, in all of Unicode", () => {
    let all = "";
    for (let c = 0; c <= 0x10ffff; c++) all += String.fromCodePoint(c);
    const shown = visible(all);
    expect(shown).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Default_Ignorable_Code_Point}]/u);
    // Letters, marks, digits, punctuation, symbols and ordinary spaces are left alone.
    expect(visible("Aé\u0301٣\u00a0→ 🚀 東")).toBe("Aé\u0301٣\u00a0→ 🚀 東");
  });
});

describe("visibleLines and terminalSafe", () => {
  test("keep the program's own line breaks and escape everything else", () => {
    expect(visibleLines("one\x1b]0;title\x07\ntwo\r\n")).toBe("one\\u001b]0;title\\u0007\ntwo\\r\n");
    const written: string[] = [];
    terminalSafe({ write: (text: string) => written.push(text) }).write("key \u202eevil\u202c: value\n");
    expect(written).toEqual(["key \\u202eevil\\u202c: value\n"]);
  });

  test("leave JSON valid and meaning the same", () => {
    const value = { key: "a\u202eb\u0085c\u007fd\u200be", list: ["\u2066x\u2069"] };
    const shown = visibleLines(JSON.stringify(value, null, 2));
    expect(hasHiddenCharacters(shown.replace(/\n/g, ""))).toBe(false);
    expect(JSON.parse(shown)).toEqual(value);
  });
});
