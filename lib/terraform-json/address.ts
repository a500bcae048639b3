/**
 * Terraform resource instance addresses as plans write them (`module.team["a"].azurerm_x.y[0]`), the
 * instance keys that addresses and references share, and the order reviews list addresses in.
 */

/** A count index or a for_each key. */
export type InstanceKey = string | number;

export interface ModuleStep {
  readonly name: string;
  readonly key?: InstanceKey;
}

/** `module.team["a"].data.azurerm_client_config.this[0]`, parsed. */
export interface InstanceAddress {
  readonly modules: readonly ModuleStep[];
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly key?: InstanceKey;
}

/**
 * Parses a resource instance address. Keys are numbers or strings quoted as HCL quotes them (which
 * is how Terraform writes them: `["a\"b"]`). Returns undefined for anything else.
 */
export function parseAddress(address: string): InstanceAddress | undefined {
  const reader = new Reader(address);
  const modules: ModuleStep[] = [];
  for (;;) {
    const start = reader.at;
    if (reader.word() !== "module" || !reader.take(".")) {
      reader.at = start;
      break;
    }
    const name = reader.word();
    if (!name) return undefined;
    const key = reader.key();
    if (key === null || !reader.take(".")) return undefined;
    modules.push(key === undefined ? { name } : { name, key });
  }
  let mode: "managed" | "data" = "managed";
  const start = reader.at;
  if (reader.word() === "data" && reader.take(".")) mode = "data";
  else reader.at = start;
  const type = reader.word();
  if (!type || !reader.take(".")) return undefined;
  const name = reader.word();
  if (!name) return undefined;
  const key = reader.key();
  if (key === null || !reader.done()) return undefined;
  return { modules, mode, type, name, ...(key === undefined ? {} : { key }) };
}

/** A string that is equal for two addresses exactly when they name the same instance, however they were quoted. */
export function instanceId(address: InstanceAddress): string {
  return JSON.stringify([address.modules.map((m) => [m.name, m.key ?? null]), address.mode, address.type, address.name, address.key ?? null]);
}

/** An instance address written as Terraform writes it, for instances a plan does not list. */
export function formatAddress(address: InstanceAddress): string {
  const modules = address.modules.map((m) => `module.${m.name}${formatKey(m.key)}.`).join("");
  return `${modules}${address.mode === "data" ? "data." : ""}${address.type}.${address.name}${formatKey(address.key)}`;
}

function formatKey(key: InstanceKey | undefined): string {
  return key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/**
 * The index at `at` in `text`, `[3]` or `["key"]` (quoted as HCL quotes), and where it ends;
 * undefined when there is no `[` at `at`, null when what follows it is not a literal key.
 */
export function readIndex(text: string, at: number): { readonly key: InstanceKey; readonly end: number } | undefined | null {
  const reader = new Reader(text);
  reader.at = at;
  const key = reader.key();
  return key === undefined || key === null ? key : { key, end: reader.at };
}

/** The address of the resource (not the instance) within its module, as the configuration lists it: `data.azurerm_client_config.this`. */
export function configAddress(address: InstanceAddress): string {
  return `${address.mode === "data" ? "data." : ""}${address.type}.${address.name}`;
}

class Reader {
  public at = 0;
  constructor(private readonly text: string) {}

  /**
   * A name: Terraform allows letters, digits, `_` and `-`, but anything up to the next `.` or `[` is
   * taken, so that a plan with stranger names is still followed the same way (and shown as it is).
   */
  public word(): string {
    const match = /^[^.[]+/.exec(this.text.slice(this.at));
    if (!match) return "";
    this.at += match[0].length;
    return match[0];
  }

  public take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false;
    this.at += literal.length;
    return true;
  }

  public done(): boolean {
    return this.at === this.text.length;
  }

  /** `[3]` or `["key"]`; undefined when there is no key here, null when there is a broken one. */
  public key(): InstanceKey | undefined | null {
    if (!this.take("[")) return undefined;
    const number = /^\d+/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return this.take("]") ? Number(number[0]) : null;
    }
    if (!this.take('"')) return null;
    let key = "";
    while (this.at < this.text.length) {
      const c = this.text[this.at++];
      if (c === '"') return this.take("]") ? key : null;
      if (c === "$" && this.text.startsWith("${", this.at)) {
        // HCL writes a literal `${` as `$${`, and `%{` as `%%{`.
        key += "$";
        this.at += 1;
        continue;
      }
      if (c === "%" && this.text.startsWith("%{", this.at)) {
        key += "%";
        this.at += 1;
        continue;
      }
      if (c !== "\\") {
        key += c;
        continue;
      }
      const escaped = this.text[this.at++];
      const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
      if (escaped in simple) key += simple[escaped];
      else if (escaped === "u" || escaped === "U") {
        const digits = escaped === "u" ? 4 : 8;
        const hex = this.text.slice(this.at, this.at + digits);
        if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex) || Number.parseInt(hex, 16) > 0x10ffff) return null;
        key += String.fromCodePoint(Number.parseInt(hex, 16));
        this.at += digits;
      } else return null;
    }
    return null;
  }
}

/**
 * Natural order, the same on every machine: runs of digits compare as numbers (`rg[9]` before
 * `rg[10]`), everything else by UTF-16 code unit, never by locale; ties (`a01`, `a1`) fall back to
 * plain code unit order so that the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      let ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      // Compare without leading zeros: first by length, then digit by digit.
      let si = i;
      let sj = j;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      const lengths = ei - si - (ej - sj);
      if (lengths !== 0) return lengths;
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
