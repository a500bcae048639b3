import * as fs from "fs";
import * as path from "path";
import { PlanJson, PlanResourceChange, reviewPlan } from "../lib/review/plan-review";
import { renderPlanReview, RenderOptions } from "../lib/review/render-plan-review";

// The fixtures are real plans of this app, and of kinds/*.tf, made with Terraform and the offline
// stand-in providers, stripped to what the review reads: fixtures/plans/README.md says how, generate.js does it.
export const FIXTURES = path.join(__dirname, "fixtures", "plans");

export type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyChange = Mutable<PlanResourceChange> & { change: { before: any; after: any; after_unknown: any; before_sensitive: any; after_sensitive: any; importing?: any } };

export function fixture(name: string): Mutable<PlanJson> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8"));
}

export function markdown(plan: unknown, options?: RenderOptions): string {
  return renderPlanReview(reviewPlan(plan), options);
}

/** The non-empty lines of the `### <heading> (n)` section, without the heading. */
export function section(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line === `### ${heading}` || line.startsWith(`### ${heading} (`));
  if (start < 0) throw new Error(`no section ${heading} in:\n${text}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("### "));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line !== "");
}

/** The `### ` headings, in order. */
export function headings(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("#"));
}

/** The header: the lines before the first section, without the marker, the title and blank lines. */
export function header(text: string): string[] {
  const lines = text.split("\n");
  const end = lines.findIndex((line) => line.startsWith("### "));
  return lines.slice(0, end).filter((line) => line !== "" && !line.startsWith("<!--") && !line.startsWith("## "));
}

export function resource(plan: Mutable<PlanJson>, address: string): AnyChange {
  const found = plan.resource_changes?.find((rc) => rc.address === address);
  if (!found) throw new Error(`no ${address} in the fixture`);
  return found as AnyChange;
}
