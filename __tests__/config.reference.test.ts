import * as fs from "fs";
import * as path from "path";
import { renderConfigReference } from "../lib/config/reference";
import { ENV_OVERRIDES, ObjectField, SCHEMA } from "../lib/config/schema";

describe("help/configuration.md", () => {
  const page = fs.readFileSync(path.join(__dirname, "..", "help", "configuration.md"), "utf8");

  test("is what the schema renders (run `npm run docs` after changing the schema)", () => {
    expect(page).toBe(renderConfigReference());
  });

  test("documents every key and every environment variable", () => {
    const keys: string[] = [];
    const walk = (fields: ObjectField["fields"], prefix: string) => {
      for (const [key, field] of Object.entries(fields)) {
        const p = prefix + key;
        if (field.kind === "object") walk(field.fields, `${p}.`);
        else if (field.kind === "list") {
          keys.push(p);
          if (field.item.kind === "object") walk(field.item.fields, `${p}[].`);
          else keys.push(`${p}[]`);
        } else keys.push(p);
      }
    };
    walk(SCHEMA.fields, "");
    expect(keys.length).toBeGreaterThan(15);
    for (const key of keys) expect(page).toContain(`| \`${key}\` |`);
    for (const { variable } of ENV_OVERRIDES) expect(page).toContain(`| \`${variable}\` |`);
  });
});
