/**
 * One push at a time in this process: cluster pushes and exam pushes share it, so a push never
 * applies data rendered before another push's change (the exam hub would get an older state).
 * A cluster push refuses when it is taken (PushBusyError); an exam push waits its turn, since
 * supervisors in several rooms may re-issue passwords at the same moment.
 */
const g = globalThis as unknown as { __e2xPushRunning?: boolean; __e2xPushWaiters?: (() => void)[] };

export function pushRunning(): boolean {
  return !!g.__e2xPushRunning;
}

/** Takes the lock if it is free. */
export function tryAcquirePush(): boolean {
  if (g.__e2xPushRunning) return false;
  g.__e2xPushRunning = true;
  return true;
}

/** Waits up to `timeoutMs` for the lock; false when it stayed taken. */
export function acquirePush(timeoutMs: number): Promise<boolean> {
  if (tryAcquirePush()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const waiters = (g.__e2xPushWaiters ??= []);
    const wake = () => {
      if (!tryAcquirePush()) return waiters.push(wake);
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      const i = waiters.indexOf(wake);
      if (i !== -1) waiters.splice(i, 1);
      resolve(false);
    }, timeoutMs);
    waiters.push(wake);
  });
}

export function releasePush(): void {
  g.__e2xPushRunning = false;
  g.__e2xPushWaiters?.shift()?.();
}
