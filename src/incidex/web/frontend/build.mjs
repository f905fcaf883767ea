// Bundle the analyst UI into ../static/dist: app.js + app.css (Leaflet, markercluster, topojson-client and our
// sources), the Natural Earth boundaries (world-atlas) and Swagger UI for /docs, all from node_modules.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = { bundle: true, minify: true, sourcemap: true, target: ["es2020"], logLevel: "warning", legalComments: "linked" };
await build({ ...common, entryPoints: { app: join(here, "src", "main.js") }, outdir: out, format: "iife",
  loader: { ".png": "dataurl", ".svg": "dataurl" } });
await build({ ...common, entryPoints: { "app-style": join(here, "src", "app.css") }, outdir: out,
  loader: { ".png": "dataurl", ".svg": "dataurl" } });
await build({ ...common, entryPoints: { docs: join(here, "src", "docs.js") }, outdir: out, format: "iife" });

const nm = join(here, "node_modules");
for (const scale of ["110m", "50m"]) {
  cpSync(join(nm, "world-atlas", `countries-${scale}.json`), join(out, `countries-${scale}.json`));
}
cpSync(join(nm, "world-atlas", "LICENSE"), join(out, "world-atlas.LICENSE.txt"));
mkdirSync(join(out, "swagger"), { recursive: true });
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"]) {
  cpSync(join(nm, "swagger-ui-dist", f), join(out, "swagger", f));
}
writeFileSync(join(out, "BUILT"), new Date().toISOString() + "\n");
console.log(`built ${out}`);
