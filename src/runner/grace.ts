// Ctrl-C handling for any load model: once the signal fires, in-flight requests get `graceMs` to
// finish; after that the run stops waiting for them (they are reported as abandoned).
export async function untilDoneOrGrace<T>(work: Promise<T>, signal: AbortSignal | undefined, graceMs: number): Promise<{ value: T } | { cutShort: true }> {
  if (!signal) return { value: await work };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const grace = new Promise<{ cutShort: true }>((resolve) => {
    const start = () => {
      timer = setTimeout(() => resolve({ cutShort: true }), graceMs);
    };
    if (signal.aborted) start();
    else signal.addEventListener('abort', (onAbort = start), { once: true });
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), grace]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
