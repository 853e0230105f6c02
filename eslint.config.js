// ESLint 9 flat config: @eslint/js recommended rules over the shipped JS (www/, src/web/*.js), the
// demo (demo/), the benchmark pages and runners (bench/) and the test JS (tests/).
// Run: node_modules/.bin/eslint .   (part of scripts/test.sh; installed by npm ci)
// CommonJS: the dev package.json has no "type", and Node 20 reads .js as CommonJS.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

// Classic scripts (loaded by a plain <script src>): no import/export, top-level names are globals.
const CLASSIC_SCRIPTS = [
  "www/cti-bridge.js",
  "demo/stand-ins/*.js",
  "bench/pages/echo.js",
  "bench/pages/host.js",
  "bench/pages/penpal-child.js",
  "tests/e2e/host/*.js",
];

module.exports = [
  {
    // Built, installed or generated: not ours to lint.
    ignores: ["node_modules/", "target/", "dist/", "fuzz/", "www/pkg/", "demo/samples/", "**/pkg/"],
  },
  js.configs.recommended,
  {
    // `const { secret, ...rest } = obj` drops `secret` on purpose.
    rules: { "no-unused-vars": ["error", { ignoreRestSiblings: true }] },
  },
  {
    // Browser code: the widget page, the drop-in and element, the demo, bench and test pages.
    files: ["www/**/*.js", "www/**/*.mjs", "demo/**/*.js", "bench/pages/**/*.js", "tests/e2e/*/**/*.js", "src/web/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
  },
  {
    files: CLASSIC_SCRIPTS,
    languageOptions: { sourceType: "script" },
  },
  {
    // Node: test suites, runners and helpers. Their page.evaluate() callbacks run in the
    // browser, so browser globals are known too.
    files: ["**/*.mjs"],
    ignores: ["www/**"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
];
