import { RuleId } from "./rules";

/**
 * The kinds of key a configuration schema is made of, and the TypeScript type a schema describes.
 * schema.ts writes the configuration with these kinds (`as const`, so that literals such as a
 * `oneOf` list or `required: true` stay visible to the type system); `Infer` reads the resolved
 * type off it. The schema is then the only declaration of the configuration's shape: a key added,
 * made optional or given a default there changes the type everywhere.
 */

export interface DeriveContext {
  /** The fixed suffix, or undefined when it is random. */
  readonly suffix?: string;
  /** The object's other values, already resolved. */
  readonly siblings: Readonly<Record<string, unknown>>;
}

interface FieldBase {
  /** One or two sentences for help/configuration.md. */
  readonly doc: string;
}

export interface StringField extends FieldBase {
  readonly kind: "string";
  /** Value used when the key is absent. */
  readonly default?: string;
  /** Computes the value from the `needs` siblings when the key is absent; `derivedFrom` documents it. */
  readonly derive?: (ctx: DeriveContext) => string;
  readonly needs?: readonly string[];
  readonly derivedFrom?: string;
  /** Absent without a default or derivation: error when `required`, otherwise left undefined. */
  readonly required?: boolean;
  /**
   * The value is a name template: it may contain `{suffix}`, the rule is checked on the expanded
   * value, and templates.ts expands it. The one declaration of which keys are templates.
   */
  readonly template?: boolean;
  readonly rule?: RuleId;
  readonly oneOf?: readonly string[];
  /** Applied before validation, e.g. "East US" to "eastus". */
  readonly normalise?: (value: string) => string;
}

export interface IntegerField extends FieldBase {
  readonly kind: "integer";
  /** Value used when the key is absent; without one the value stays undefined. */
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

export interface BooleanField extends FieldBase {
  readonly kind: "boolean";
  readonly default: boolean;
  /** The only accepted value, with the reason, for switches Azure cannot turn back. */
  readonly mustBe?: { readonly value: boolean; readonly reason: string; readonly fix: string };
}

/**
 * An object that takes one of several shapes, chosen by the value of its `tag` key (a string key
 * with `oneOf`). A tag value may have a section of settings: the object key of the same name, which
 * is then `required` or `optional` with that tag and refused with any other. The file format is the
 * plain object; the resolved type is a discriminated union on the tag.
 */
export interface Variants {
  readonly tag: string;
  readonly sections: Readonly<Record<string, "required" | "optional">>;
}

export interface ObjectField extends FieldBase {
  readonly kind: "object";
  readonly fields: Readonly<Record<string, Field>>;
  /** When absent, stays undefined instead of taking its fields' defaults (and requiring its required ones). */
  readonly optional?: boolean;
  readonly variants?: Variants;
}

export interface ListField extends FieldBase {
  readonly kind: "list";
  readonly item: ObjectField | StringField;
  /** Value used when the key is absent; `undefined` leaves the list undefined. */
  readonly default?: ReadonlyArray<Readonly<Record<string, unknown>> | string>;
  /** How help/configuration.md describes a default too long to print. */
  readonly defaultDoc?: string;
  readonly minItems: number;
  readonly maxItems: number;
}

export type Field = StringField | IntegerField | BooleanField | ObjectField | ListField;

// ---- The type a schema describes ----

/** Flattens intersections, so that an inferred type reads as one object in editors and errors. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Whether a valid configuration always has a value for the field. */
type AlwaysSet<F> = F extends { readonly kind: "string" }
  ? F extends { readonly default: string } | { readonly required: true } | { readonly derive: unknown }
    ? true
    : false
  : F extends { readonly kind: "integer" }
    ? F extends { readonly default: number }
      ? true
      : false
    : F extends { readonly kind: "boolean" }
      ? true
      : F extends { readonly kind: "object" }
        ? F extends { readonly optional: true }
          ? false
          : true
        : F extends { readonly kind: "list"; readonly default: ReadonlyArray<unknown> }
          ? true
          : false;

/** The resolved value of a field. */
export type Infer<F> = F extends { readonly kind: "string" }
  ? F extends { readonly oneOf: readonly (infer V)[] }
    ? V
    : string
  : F extends { readonly kind: "integer" }
    ? number
    : F extends { readonly kind: "boolean" }
      ? F extends { readonly mustBe: { readonly value: infer V } }
        ? V
        : boolean
      : F extends { readonly kind: "list"; readonly item: infer I }
        ? readonly Infer<I>[]
        : F extends { readonly kind: "object"; readonly fields: infer Fs }
          ? F extends { readonly variants: { readonly tag: infer T extends keyof Fs; readonly sections: infer S } }
            ? VariantUnion<Fs, T, S>
            : Simplify<Keys<Fs>>
          : never;

type SetKeys<Fs> = { [K in keyof Fs]: AlwaysSet<Fs[K]> extends true ? K : never }[keyof Fs];

/** Keys always set are required properties, the others optional. */
type Keys<Fs> = { readonly [K in SetKeys<Fs>]: Infer<Fs[K]> } & { readonly [K in Exclude<keyof Fs, SetKeys<Fs>>]?: Infer<Fs[K]> };

/** One member per tag value: the tag as a literal, the keys common to all, and that value's section if it has one. */
type VariantUnion<Fs, T extends keyof Fs, S> =
  TagValue<Fs[T]> extends infer V ? (V extends string ? Simplify<{ readonly [K in T]: V } & Keys<Omit<Fs, T | keyof S>> & Section<Fs, V, S>> : never) : never;

type TagValue<F> = F extends { readonly oneOf: readonly (infer V)[] } ? V : never;

type Section<Fs, V extends string, S> = V extends keyof S & keyof Fs
  ? S[V] extends "required"
    ? { readonly [K in V]: Infer<Fs[K]> }
    : { readonly [K in V]?: Infer<Fs[K]> }
  : unknown;

/** The path of every string key of a schema, as a tuple: `["workloads", 0, "namespace"]`. */
export type StringPath<F> = F extends { readonly kind: "string" }
  ? readonly []
  : F extends { readonly kind: "object"; readonly fields: infer Fs }
    ? { [K in keyof Fs & string]: readonly [K, ...StringPath<Fs[K]>] }[keyof Fs & string]
    : F extends { readonly kind: "list"; readonly item: infer I }
      ? readonly [number, ...StringPath<I>]
      : never;

/**
 * What cross-field checks see: the resolved shape, except that any value may be missing, because
 * a value that broke its own rule was reported and left out.
 */
export type Unchecked<T> = T extends string | number | boolean
  ? T
  : T extends ReadonlyArray<infer I>
    ? readonly (Unchecked<I> | undefined)[]
    : { readonly [K in keyof T]?: Unchecked<T[K]> };
