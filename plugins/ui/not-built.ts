/**
 * The page `/ui/` shows when the package holds no built UI (a git checkout where `npm run build`
 * has not run yet). Static text: nothing from the request goes into it.
 */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>ccproxy: the web UI is not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{font-family:ui-monospace,monospace}</style>
</head><body>
<h1>The web UI is not built</h1>
<p>This ccproxy runs from sources whose web UI has not been built. The proxy and the admin API
under <code>/api/</code> work; only the pages are missing.</p>
<p>Build them in ccproxy's folder, then restart the server:</p>
<pre><code>npm run build:ui</code></pre>
<p>A package installed from npm ships the UI built; if you see this page there, the package is
damaged: reinstall it.</p>
</body></html>
`;
