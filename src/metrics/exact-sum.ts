// A sum of floats that does not depend on the order they were added in: the same numbers added in one
// place or split across threads and merged give the same, correctly rounded total (Shewchuk's exact
// partials, as Python's math.fsum). A plain `+=` differs in the last bits when the order changes.

export class ExactSum {
  /** Non-overlapping partial sums, smallest magnitude first; their exact sum is the total. */
  private partials: number[] = [];
  /** Infinities and NaN stay out of the partials (they would poison them) and win the total. */
  private special = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.special += x;
      return;
    }
    const p = this.partials;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    p.push(x);
  }

  /** The state to ship to another thread: adding it with merge() is adding every number it holds. */
  take(): number[] {
    const out = this.special === 0 ? this.partials : [...this.partials, this.special];
    this.partials = [];
    this.special = 0;
    return out;
  }

  merge(parts: number[]): void {
    for (const x of parts) this.add(x);
  }

  /** The exact sum rounded once to the nearest double (ties to even). */
  value(): number {
    if (this.special !== 0) return this.special;
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-way case: the rest below `lo` pushes the rounding the same way lo points.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}
