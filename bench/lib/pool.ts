/** Runs `count` jobs with at most `concurrency` in flight; rejects on the first failure. */
export async function runBounded(count: number, concurrency: number, job: (index: number) => Promise<void>): Promise<void> {
  let nextIndex = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && nextIndex < count) {
      const index = nextIndex;
      nextIndex += 1;
      try {
        await job(index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  if (failed !== undefined) throw failed;
}
