// ESLint for the book's own scripts (iranaz/book/static/*.js) and the browser tests' page
// measurements (tests/**/*.js): plain browser scripts, no modules, no build step. Run by
// `make lint` (part of `make test`).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["iranaz/book/static/**/*.js", "tests/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {...globals.browser},
    },
    rules: {
      "eqeqeq": "error",
      "no-var": "off",
      "strict": ["error", "function"],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", {args: "after-used"}],
    },
  },
];
