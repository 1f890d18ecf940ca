// After `vite build`: a gzip copy beside each text asset of dist/ (FILE.gz), which `alma serve` sends to
// browsers that accept gzip (alma.api.webui), so the server compresses nothing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "../dist");
const TEXT = /\.(js|css|html|svg|json|txt)$/;

function walk(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let count = 0;
for (const path of walk(dist).filter((p) => TEXT.test(p))) {
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }));
  count += 1;
}
console.log(`compressed ${count} assets in dist/`);
