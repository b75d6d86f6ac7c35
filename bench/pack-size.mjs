// Prints what `npm pack` would publish: tarball size, unpacked size, file count (and any *.map files).
// Usage: npm run build && node bench/pack-size.mjs
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [p] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
const kB = (n) => `${(n / 1024).toFixed(1)} kB`;
const maps = p.files.filter((f) => f.path.endsWith('.map')).length;
console.log(`${p.filename}: tarball ${kB(p.size)}, unpacked ${kB(p.unpackedSize)}, ${p.entryCount} files, ${maps} source maps`);
