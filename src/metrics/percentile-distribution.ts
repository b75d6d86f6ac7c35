// HdrHistogram's percentile distribution text (.hgrm), written the way hdr-histogram-js writes it, byte for
// byte (test/metrics/percentile-distribution.test.ts compares the two), but without its cost: the library's
// percentile iterator visits each of the ~23,000 counts of a one-hour µs histogram through method calls and
// object writes (about 23 ms a file here, warm), and its number formatting starts ICU (Intl.NumberFormat:
// about 120 ms the first time in a process). A run writes four files per variant. This is the same state
// machine over the counts array, and a formatter that rounds as Intl.NumberFormat does (below).
import { JsHistogram, type Histogram } from 'hdr-histogram-js';

const pad = (s: string, size: number) => (s.length < size ? ' '.repeat(size - s.length) + s : s);
const fixed = (v: number, size: number, digits: number) => pad(decimal(v, digits), size);

/**
 * `v` with exactly `digits` decimals, as `new Intl.NumberFormat('en-US', { minimumFractionDigits: digits,
 * maximumFractionDigits: digits, useGrouping: false })` writes it: the shortest decimal that reads back as
 * `v` (what String(v) gives), rounded half away from zero. (toFixed rounds the binary value instead, and
 * writes 0.4125 as 0.412 where Intl writes 0.413.) For the finite, non-negative numbers of a histogram.
 */
export function decimal(v: number, digits: number): string {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(v));
  if (m === null) return String(v); // not a finite non-negative number: not written by a histogram
  const [, whole = '', frac = '', exp = '0'] = m;
  let all = whole + frac;
  let point = whole.length + Number(exp); // digits of `all` before the decimal point
  if (point < 0) {
    all = '0'.repeat(-point) + all;
    point = 0;
  }
  const keep = point + digits;
  let kept = all.slice(0, keep).padEnd(keep, '0');
  if ((all[keep] ?? '0') >= '5') kept = increment(kept);
  const intLength = kept.length - digits;
  const intPart = kept.slice(0, intLength).replace(/^0+(?=\d)/, '') || '0';
  return digits === 0 ? intPart : `${intPart}.${kept.slice(intLength)}`;
}

/** A string of decimal digits plus one (a carry may lengthen it). */
function increment(digits: string): string {
  const d = digits.split('');
  for (let i = d.length - 1; i >= 0; i--) {
    if (d[i] === '9') d[i] = '0';
    else {
      d[i] = String(Number(d[i]) + 1);
      return d.join('');
    }
  }
  return `1${d.join('')}`;
}

/** The text of `h.outputPercentileDistribution(ticksPerHalf, scale)`. */
export function percentileDistribution(h: Histogram, ticksPerHalf: number, scale: number): string {
  // Another implementation (the WebAssembly one, never built here) is left to the library.
  if (!(h instanceof JsHistogram)) return h.outputPercentileDistribution(ticksPerHalf, scale);
  const digits = h.numberOfSignificantValueDigits;
  const total = h.totalCount;
  const length = h.countsArrayLength;
  let out = '       Value     Percentile TotalCount 1/(1-Percentile)\n\n';

  // The library's PercentileIterator, state for state (JsHistogramIterator + PercentileIterator).
  let index = 0;
  let fresh = true;
  let countToIndex = 0;
  let level = 0;
  let reachedLast = false;
  const hasNext = (): boolean => {
    if (countToIndex < total) return true;
    if (!reachedLast && total > 0) {
      level = 100;
      reachedLast = true;
      return true;
    }
    return false;
  };
  while (hasNext()) {
    for (;;) {
      if (index >= length) throw new Error('percentile distribution: ran past the last count');
      const count = h.getCountAtIndex(index);
      if (fresh) {
        countToIndex += count;
        fresh = false;
      }
      if (count !== 0 && (100 * countToIndex) / total >= level) break;
      fresh = true;
      index++;
    }
    const value = h.highestEquivalentValue(h.valueFromIndex(index));
    const head = `${fixed(value / scale, 12, digits)} ${fixed(level / 100, 2, 12)} ${pad(String(countToIndex), 10)}`;
    out += level < 100 ? `${head} ${fixed(1 / (1 - level / 100), 14, 2)}\n` : `${head}\n`;
    const ticks = ticksPerHalf * Math.pow(2, Math.floor(Math.log2(100 / (100 - level))) + 1);
    level += 100 / ticks;
  }

  const mean = total === 0 ? 0 : meanOf(h);
  const std = total === 0 ? 0 : stdDeviationOf(h, mean);
  const f = (v: number) => fixed(v / scale, 12, digits);
  const i = (v: number) => pad(String(v), 12);
  out += `#[Mean    = ${f(mean)}, StdDeviation   = ${f(std)}]
#[Max     = ${f(h.maxValue)}, Total count    = ${i(total)}]
#[Buckets = ${i(h.bucketCount)}, SubBuckets     = ${i(h.subBucketCount)}]
`;
  return out;
}

/** JsHistogram's `mean`: bucket midpoints weighted by their counts, summed in index order. */
function meanOf(h: JsHistogram): number {
  let sum = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c !== 0) sum += h.medianEquivalentValue(h.highestEquivalentValue(h.valueFromIndex(i))) * c;
  }
  return sum / h.totalCount;
}

/** JsHistogram's `getStdDeviation(mean)`, in the same order. */
function stdDeviationOf(h: JsHistogram, mean: number): number {
  let sum = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    const d = h.medianEquivalentValue(h.highestEquivalentValue(h.valueFromIndex(i))) - mean;
    sum += d * d * c;
  }
  return Math.sqrt(sum / h.totalCount);
}
