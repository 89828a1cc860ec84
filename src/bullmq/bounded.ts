/**
 * `work`, or a rejection saying it took longer than `ms`: how every wait on Redis here is bounded
 * (a client that reconnects holds its commands rather than failing them).
 */
export function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
