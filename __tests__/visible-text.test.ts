import { hasHiddenCharacters, visible } from "../lib/private/visible-text";

describe("visible", () => {
  test.each([
    ["line\nbreak", "line\\nbreak"],
    ["carriage\rreturn", "carriage\\rreturn"],
    ["tab\there", "tab\\there"],
    ["\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"],
    ["bell\x07", "bell\\x07"],
    ["nul\x00", "nul\\x00"],
    ["del\x7f", "del\\x7f"],
    ["c1\x9b2J", "c1\\x9b2J"],
    ["admin\u202eresu", "admin\\u202eresu"],
    ["a\u2066b\u2069", "a\\u2066b\\u2069"],
    ["zero\u200bwidth", "zero\\u200bwidth"],
    ["bom\ufeff", "bom\\ufeff"],
    ["sep\u2028", "sep\\u2028"],
    ["soft\u00adhyphen", "soft\\xadhyphen"],
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
