// Every test file gets a judge cache of its own (vitest setupFiles): no test reads answers another
// file's judge gave, and nothing is written to the user's ~/.cache. Spawned CLIs inherit it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.FLOWBENCH_CACHE_DIR = mkdtempSync(join(tmpdir(), 'flowbench-cache-'));
