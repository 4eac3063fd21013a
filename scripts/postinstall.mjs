// After npm install: apply patches/ to node_modules (patch-package; ADR 017),
// then generate the Prisma client for DATABASE_URL's engine (SQLite by
// default). Prisma's own generate works offline with engineType "client".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
if (!fs.existsSync(tsx)) process.exit(0); // a partial install; npm will run us again
// --error-on-fail: a patch that no longer applies (a dependency upgraded) fails the install.
execFileSync(path.join(root, "node_modules", ".bin", "patch-package"), ["--error-on-fail"], { cwd: root, stdio: "inherit" });
execFileSync(tsx, ["scripts/db.ts", "generate"], { cwd: root, stdio: "inherit" });
