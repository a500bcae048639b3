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
  ])("writes %j as %j", (input, expected) => {
    expect(visible(input)).toBe(expected);
    expect(hasHiddenCharacters(input)).toBe(true);
  });

  test("leaves printable text, including non-Latin letters and emoji, as it is", () => {
    const text = "kv-workload-id abc123 Größe 東京 ✓ 🚀 C:\\path `tick` <b>";
    expect(visible(text)).toBe(text);
    expect(hasHiddenCharacters(text)).toBe(false);
  });

  test("leaves no character a terminal or Markdown acts on, for every code point up to U+FFFF", () => {
    let all = "";
    for (let c = 0; c <= 0xffff; c++) if (c < 0xd800 || c > 0xdfff) all += String.fromCharCode(c);
    // eslint-disable-next-line no-control-regex
    expect(visible(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/);
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
