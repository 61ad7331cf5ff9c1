// harness.mjs: a tiny sequential test harness.
//
// Tests run one after another, in the order they were added (the counter
// checks measure deltas, so nothing may run beside them). Each prints
// "ok" or "not ok" with its time; the run ends with the line
// "N passed, N failed" that CTest and CI read.

export class Harness {
  constructor({ filter = null, log = console.log } = {}) {
    this.filter = filter;
    this.log = log;
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
    this.failures = [];
  }

  // Run fn as the test `name` (unless a filter leaves it out; "setup:" tests
  // always run, the others need them). A thrown error fails it; the error's message
  // (and its `details`, a list of lines, when present) is printed.
  async test(name, fn) {
    if (this.filter && !this.filter.test(name) && !name.startsWith('setup:')) {
      this.skipped++;
      return undefined;
    }
    const t0 = Date.now();
    try {
      const value = await fn();
      this.passed++;
      this.log(`ok      ${name}  (${Date.now() - t0} ms)`);
      return value;
    } catch (err) {
      this.failed++;
      this.failures.push(name);
      this.log(`not ok  ${name}  (${Date.now() - t0} ms)`);
      for (const line of describe(err)) this.log(`        ${line}`);
      return undefined;
    }
  }

  summary() {
    if (this.failures.length) {
      this.log('');
      this.log('failed:');
      for (const f of this.failures) this.log(`  ${f}`);
    }
    this.log('');
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    this.log(`${this.passed} passed, ${this.failed} failed${skipped}`);
  }
}

// A failure with a list of findings, printed one per line (capped).
export class CheckError extends Error {
  constructor(message, details = []) {
    super(message);
    this.details = details;
  }
}

function describe(err) {
  if (!(err instanceof Error)) return [String(err)];
  const lines = [err.message];
  if (Array.isArray(err.details)) {
    const max = 40;
    for (const d of err.details.slice(0, max)) lines.push(`- ${d}`);
    if (err.details.length > max) lines.push(`- ... and ${err.details.length - max} more`);
  } else if (!(err instanceof CheckError) && err.stack) {
    lines.push(...err.stack.split('\n').slice(1, 4).map((s) => s.trim()));
  }
  return lines;
}

// Throw a CheckError listing `problems` when there are any.
export function expectNone(problems, what) {
  if (problems.length) throw new CheckError(`${problems.length} ${what}`, problems);
}

export function assert(cond, message) {
  if (!cond) throw new CheckError(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new CheckError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
