import * as fs from "fs";
import * as path from "path";
import { renderConfigReference } from "../lib/config/reference";

// Run from the repository root (npm run docs); __dirname is meaningless when piped through esbuild.
fs.writeFileSync(path.join(process.cwd(), "help", "configuration.md"), renderConfigReference());
