import MarkdownIt from "markdown-it";
import { visible } from "../lib/private/visible-text";
import { cell, code, scalar, text } from "../lib/terraform-json/markdown";

/** CommonMark with GFM tables and strikethrough, raw HTML on and bare URLs linked. */
const md = new MarkdownIt({ html: true, linkify: true });
type Token = ReturnType<typeof md.parse>[number];

/** The inline tokens of the first paragraph or cell of `markdown`. */
function inline(markdown: string): Token[] {
  return md.parse(markdown, {}).find((t) => t.type === "inline")?.children ?? [];
}

/** What a reader sees of a line of Markdown: its text and code, without markup. */
function reads(markdown: string): string {
  return inline(markdown)
    .map((t) => (t.type === "text" || t.type === "code_inline" ? t.content : ""))
    .join("");
}

/** Everything but text and code spans that the parser made of `markdown`, block and inline. */
function markup(markdown: string): string[] {
  return md.parse(markdown, {}).flatMap((t) => [t, ...(t.children ?? [])].map((c) => c.type).filter((type) => !["text", "code_inline", "inline"].includes(type)));
}

describe("code", () => {
  test.each([
    ["plain", "`plain`"],
    ["one ` inside", "``one ` inside``"],
    ["two `` inside", "```two `` inside```"],
    ["three ``` inside", "````three ``` inside````"],
    ["runs ` of `` each ``` length", "````runs ` of `` each ``` length````"],
    ["`leading", "`` `leading ``"],
    ["trailing`", "`` trailing` ``"],
    ["`", "`` ` ``"],
    ["``", "``` `` ```"],
    ["`both`", "`` `both` ``"],
    [" leading and trailing space ", "`  leading and trailing space  `"],
    [" leading space", "` leading space`"],
    ["trailing space ", "`trailing space `"],
    [" ", "` `"],
    ["  ", "`  `"],
    ["   ", "`   `"],
    ["` then space ", "`` ` then space  ``"],
  ])("%j as %s", (value, expected) => {
    expect(code(value)).toBe(expected);
  });

  test.each([
    ["Reader\n<!--", "`Reader\\n<!--`"],
    ["Reader\n~~~", "`Reader\\n~~~`"],
    ["a\r\nb", "`a\\r\\nb`"],
    ["tab\there", "`tab\\there`"],
    ["admin\u202eresu", "`admin\\u202eresu`"],
    ["\u202aembedded\u202c", "`\\u202aembedded\\u202c`"],
    ["\u2066isolated\u2069", "`\\u2066isolated\\u2069`"],
    ["zero\u200bwidth\u200djoiner\ufeff", "`zero\\u200bwidth\\u200djoiner\\ufeff`"],
    ["line\u2028separator", "`line\\u2028separator`"],
  ])("writes the hidden characters of %j as escapes: %s", (value, expected) => {
    expect(code(value)).toBe(expected);
  });

  test.each([
    ["<!--", "`<!--`"],
    ["-->", "`-->`"],
    ["~~~", "`~~~`"],
    ["```", "```` ``` ````"],
    ["<details>", "`<details>`"],
    ["<img src=x>", "`<img src=x>`"],
    ["@user", "`@user`"],
    ["#1", "`#1`"],
    ["[link](x)", "`[link](x)`"],
    ["http://e.invalid", "`http://e.invalid`"],
    ["a|b", "`a|b`"],
    ["*not emphasis*", "`*not emphasis*`"],
    ["&amp;", "`&amp;`"],
  ])("keeps %j literal: %s", (value, expected) => {
    expect(code(value)).toBe(expected);
  });

  test.each(["\x1b[2Jclear", "nul\x00", "bell\x07", "del\x7f", "c1\x85\x9b"])("writes the other controls in %j as visible() does", (value) => {
    // visible() owns the form of the escape (`\x1b` or `\u001b`); here it matters that one is used.
    expect(code(value)).toBe(`\`${visible(value)}\``);
    expect(visible(value)).toMatch(/^[\x20-\x7e]+$/);
  });

  test("an empty value is said to be empty: a code span cannot be", () => {
    expect(code("")).toBe("(empty)");
  });

  test.each([
    "plain",
    "a`b",
    "a``b",
    "a```b",
    "`",
    "``",
    "`a`",
    "` a `",
    " a ",
    " a",
    "a ",
    " ",
    "  ",
    "x `` y ``` z ` w",
    "a\\",
    "\\`",
    "Owner\n<!-- hidden",
    "x``<img src=x>``y",
    "``@someone``",
    "<details><summary>s</summary>",
    "[x](http://e.invalid) @user #12 www.e.invalid",
  ])("%j parses as one code span showing it", (value) => {
    const tokens = inline(`- grant ${code(value)} here`);
    expect(tokens.map((t) => t.type)).toEqual(["text", "code_inline", "text"]);
    expect(tokens[1].content).toBe(visible(value));
  });
});

describe("text", () => {
  test.each([
    ["Key Vault Secrets User", "Key Vault Secrets User"],
    ["<!--", "&lt;\\!\\-\\-"],
    ["-->", "\\-\\-&gt;"],
    ["~~~", "\\~\\~\\~"],
    ["```", "&#96;&#96;&#96;"],
    ["<details>", "&lt;details&gt;"],
    ["a & b", "a &amp; b"],
    ["&amp;", "&amp;amp\\;"],
    ["@user", "`@`user"],
    ["#1", "`#`1"],
    ["org/repo#12", "org\\/repo`#`12"],
    ["a@@#b", "a`@@#`b"],
    ["[link](x)", "\\[link\\]\\(x\\)"],
    ["![image](x)", "\\!\\[image\\]\\(x\\)"],
    ["http://e.com", "http\\:\\/\\/e\\.com"],
    ["www.e.com", "www\\.e\\.com"],
    ["*a* _b_ **c**", "\\*a\\* \\_b\\_ \\*\\*c\\*\\*"],
    ["a|b", "a\\|b"],
    ["1. item", "1\\. item"],
    ["- item", "\\- item"],
    ["> quote", "&gt; quote"],
    ["back\\slash", "back\\\\slash"],
    ["Reader\n~~~", "Reader\\\\n\\~\\~\\~"],
    ["admin\u202eresu", "admin\\\\u202eresu"],
    ["", "(empty)"],
  ])("%j as %s", (value, expected) => {
    expect(text(value)).toBe(expected);
  });

  test.each([
    "Key Vault Secrets User",
    "Reader\n<!-- hidden -->",
    "Reader\n~~~",
    "<details><summary>folded</summary>",
    "<img src=x onerror=alert(1)>",
    "@someone and @org/team",
    "#1 and org/repo#12",
    "[link](http://e.invalid) ![image](x) <http://e.invalid>",
    "http://e.invalid www.e.invalid e.com a@e.com",
    "*em* _em_ **strong** ~~strike~~",
    "`code` ``code``",
    "&amp; &#64; &lt;",
    "a|b",
    "\\`@user\\`",
    "1. one - two > three # four",
  ])("%j reads as written, as text and code spans only", (value) => {
    const line = `- grant ${text(value)} here`;
    expect(markup(line)).toEqual(["bullet_list_open", "list_item_open", "paragraph_open", "paragraph_close", "list_item_close", "bullet_list_close"]);
    expect(reads(line)).toBe(`grant ${value.replace(/\n/g, "\\n")} here`);
    // GitHub finds mentions and references in text, never in code: every `@` and `#` is in code.
    for (const t of inline(line).filter((t) => t.type === "text")) expect(t.content).not.toMatch(/[@#]/);
  });

  test("starting a line, its punctuation starts no block", () => {
    for (const value of ["# heading", "> quote", "- item", "+ item", "1. item", "1) item", "---", "===", "~~~", "```", "<!--", "<div>", "| a |"]) {
      expect({ value, markup: markup(text(value)) }).toEqual({ value, markup: ["paragraph_open", "paragraph_close"] });
    }
  });
});

describe("cell", () => {
  test.each([
    ["`a|b`", "`a\\|b`"],
    ["a\\|b", "a\\\\|b"],
    ["one\ntwo\r\nthree\rfour", "one two three four"],
  ])("%j as %s", (markdown, expected) => {
    expect(cell(markdown)).toBe(expected);
  });

  test.each(["a|b", "||", "a\\|b", "`|`", "x\\"])("a value with %j stays in its cell, in a code span or as text", (value) => {
    const table = ["| A | B | C |", "| --- | --- | --- |", `| ${cell(code(value))} | ${cell(text(value))} | end |`].join("\n");
    const tokens = md.parse(table, {});
    expect(tokens.filter((t) => t.type === "td_open")).toHaveLength(3);
    const cells = tokens.filter((t) => t.type === "inline").slice(3);
    expect(cells.map((t) => (t.children ?? []).map((c) => c.content).join(""))).toEqual([value, value, "end"]);
    expect(cells[0].children?.map((c) => c.type)).toEqual(["code_inline"]);
  });
});

describe("scalar", () => {
  test.each([
    ["a string", "`a string`"],
    [1, "1"],
    [false, "false"],
    [null, "`null`"],
    [{ a: "`" }, '``{"a":"`"}``'],
    [["x\ny"], '`["x\\ny"]`'],
  ])("%j as %s", (value, expected) => {
    expect(scalar(value)).toBe(expected);
  });
});

describe("code of a long value", () => {
  test("shows the first 512 characters and says how long it was, so one value cannot fill a review", () => {
    const value = `${"a".repeat(600)}\n<!--`;
    expect(code(value)).toBe(`\`${"a".repeat(512)}…\` (cut, 605 characters)`);
    expect(markup(code(value))).toEqual(["paragraph_open", "paragraph_close"]);
  });

  test("counts characters, not UTF-16 units, and never cuts one in half", () => {
    const value = "😀".repeat(600);
    expect(code(value)).toBe(`\`${"😀".repeat(512)}…\` (cut, 600 characters)`);
    expect(code("😀".repeat(512))).toBe(`\`${"😀".repeat(512)}\``);
  });

  test("cuts before writing hidden characters as escapes, and takes a smaller limit", () => {
    expect(code("\u202e".repeat(10), 4)).toBe("`\\u202e\\u202e\\u202e\\u202e…` (cut, 10 characters)");
    expect(code("1.11.4", 64)).toBe("`1.11.4`");
  });
});
