/**
 * What verify must never print: the secret (the sample logs it in plain text, and a log or an API
 * error may carry it escaped or encoded) and credentials in URLs (a kubeconfig's server may be
 * `https://user:password@host` or carry `?token=`).
 */

/** Keys whose values are secrets wherever a log writes `key=value`, `key: value` or `"key": "value"`. */
const SECRET_KEYS = "secret|secret[_-]?value|client[_-]?secret|password|passwd|pwd|token|access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key";

/** `key = value`, `key: value`, `"key": "value"`, `'key'='value'`, the value quoted or bare. */
const KEY_VALUE = new RegExp(
  `(?<![\\w-])(["']?)(${SECRET_KEYS})\\1(\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|[^\\s,;}\\]]+)`,
  "gi",
);

/** Text a pod or a server wrote: `known` secret values masked in every form, and every value of a secret-named key. */
export function maskSecretText(text: string, known: readonly string[] = []): string {
  return maskKnownSecrets(text, known).replace(KEY_VALUE, (_, quote: string, key: string, separator: string, value: string) => {
    const q = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : "";
    return `${quote}${key}${quote}${separator}${q}****${q}`;
  });
}

/** `text` with `known` secret values masked in every form a log or message may hold them: as they are, JSON- or Go-escaped, percent-encoded, base64. */
export function maskKnownSecrets(text: string, known: readonly string[]): string {
  let masked = text;
  const forms = [...new Set(known.filter((v) => v !== "").flatMap(encodings))].sort((a, b) => b.length - a.length);
  for (const form of forms) masked = masked.split(form).join("****");
  return masked;
}

function encodings(value: string): string[] {
  const base64 = Buffer.from(value, "utf8").toString("base64");
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    // Go's %q, as klog writes a quoted value: like JSON, but non-ASCII stays and \x escapes bytes.
    value.replace(/[\\"]/g, (c) => `\\${c}`),
    encodeURIComponent(value),
    base64,
    base64.replace(/=+$/, ""),
    Buffer.from(value, "utf8").toString("base64url"),
  ].filter((form) => form.length > 0);
}

/** `text` with the user information and query values of every URL in it replaced by ****. */
export function redactUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*@)?([^\s?#"'<>]*)(\?[^\s#"'<>]*)?/gi, (_, scheme: string, userinfo: string | undefined, rest: string, query: string | undefined) => {
    const safeQuery = query === undefined ? "" : `?${query.slice(1).split("&").map((pair) => (pair.includes("=") ? `${pair.split("=")[0]}=****` : pair)).join("&")}`;
    return `${scheme}${userinfo ? "****@" : ""}${rest}${safeQuery}`;
  });
}
