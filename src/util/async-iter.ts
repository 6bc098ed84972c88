/** Async iteration helpers for pipelines that must keep their order and bound their memory. */

/**
 * `fn` over `source` with up to `concurrency` calls running ahead, results in source order.
 * `fn` may answer at once (a value) or later (a promise). A failure, thrown or rejected, surfaces
 * when its turn comes; leaving early stops pulling from the source.
 */
export async function* mapOrdered<T, U>(source: AsyncIterable<T>, fn: (item: T) => U | Promise<U>, concurrency: number): AsyncGenerator<U> {
  const iterator = source[Symbol.asyncIterator]();
  const pending: Array<U | Promise<U>> = [];
  let done = false;
  const pull = async (): Promise<void> => {
    const next = await iterator.next();
    if (next.done) done = true;
    else {
      let result: U | Promise<U>;
      try {
        result = fn(next.value);
      } catch (error) {
        result = Promise.reject(error);
      }
      if (result instanceof Promise) result.catch(() => undefined); // surfaced in order
      pending.push(result);
    }
  };
  try {
    while (!done && pending.length < concurrency) await pull();
    while (pending.length) {
      const result = await pending.shift()!;
      if (!done) await pull();
      yield result;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/**
 * Pull from `source` eagerly, keeping up to `max` items ready (so a walk can run ahead of the
 * writing, and its totals be known early); `onDone` is told when the source is exhausted.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, max: number, onDone?: () => void): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  let stopped = false;
  const filler = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= max) {
          await new Promise<void>((resolve) => (room = resolve));
          continue;
        }
        const next = await iterator.next();
        if (next.done) break;
        buffer.push(next.value);
        wake?.();
      }
    } catch (error) {
      failure = { error };
    } finally {
      finished = true;
      if (!failure && !stopped) onDone?.();
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (buffer.length) {
        const item = buffer.shift()!;
        room?.();
        room = undefined;
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stopped = true;
    room?.();
    await filler;
    await iterator.return?.();
  }
}
