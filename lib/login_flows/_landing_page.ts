/**
 * The page the browser shows when Globus sends it back to the local
 * server: one self-contained HTML document (no scripts, no external
 * resources, a CSP that forbids both), saying whether the login worked.
 *
 * @module
 */

/** The page, with `{{TITLE}}` and `{{MESSAGE}}` to fill (already HTML-escaped). */
const TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Globus login: {{TITLE}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em; color: #1a1a1a; }
h1 { font-size: 1.5em; }
</style>
</head>
<body>
<h1 id="login-result">{{TITLE}}</h1>
<p id="login-message">{{MESSAGE}}</p>
</body>
</html>
`;

/** Escapes text for an HTML element or attribute. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/**
 * The landing page for `title` and `message` (plain text: escaped here).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { landingPage } from "./_landing_page.ts";
 * const page = landingPage("Login failed", "<b>no</b>");
 * assert.match(page, /<h1 id="login-result">Login failed<\/h1>/);
 * assert.match(page, /&lt;b&gt;no&lt;\/b&gt;/);
 * ```
 */
export function landingPage(title: string, message: string): string {
  return TEMPLATE.replaceAll("{{TITLE}}", () => escapeHtml(title))
    .replace("{{MESSAGE}}", () => escapeHtml(message));
}

/** Headers of every answer of the local server: no caching, no sniffing, no referrer. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};
