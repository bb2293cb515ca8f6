// Mocha's spec reporter plus one closing line that CI reads in any language: "tests: N passed, N failed, N skipped".
// Skipped tests are listed with their reason: test.skipReason, or that of a suite a before hook skipped
// (test/unit/helpers.ts skipBecause sets them).
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CvprdReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => {
      let reason;
      for (let runnable = test; runnable && !reason; runnable = runnable.parent) reason = runnable.skipReason;
      skipped.push(`${test.fullTitle()}${reason ? ` (${reason})` : ''}`);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      for (const line of skipped) console.log(`SKIPPED: ${line}`);
      console.log(`tests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped`);
    });
  }
}
module.exports = CvprdReporter;
