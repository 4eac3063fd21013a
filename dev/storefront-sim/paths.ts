import { fileURLToPath } from "node:url";

// Absolute locations shared by the simulator, its build script, tests and the asset benchmark.
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXTENSION_DIR = fileURLToPath(new URL("../../extensions/retain-loyalty/", import.meta.url));
export const WIDGET_SOURCE = fileURLToPath(new URL("./widget/retain-loyalty.js", import.meta.url));
export const WIDGET_ASSET = fileURLToPath(new URL("../../extensions/retain-loyalty/assets/retain-loyalty.js", import.meta.url));
