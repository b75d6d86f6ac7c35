// A long text in pieces for writers that escape it as they go: escaping a 50 MB output whole made a copy
// per replace() on top of the record that held it, and one piece per write keeps each copy small.

/** Texts longer than this are escaped and written piece by piece. */
export const PIECE_CHARS = 64 * 1024;

/** `s` in pieces of about `size` characters, never cutting a surrogate pair (each piece is encoded alone). */
export function* textSlices(s: string, size = PIECE_CHARS): Generator<string> {
  for (let start = 0; start < s.length; ) {
    let end = Math.min(s.length, start + size);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate stays with its low half
    yield s.slice(start, end);
    start = end;
  }
}
