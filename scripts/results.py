#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the test VM's serial console into per-test results.

The guest's console carries, in one ordered stream, the kernel's messages
(KUnit's KTAP among them) and what scripts/vm/guest-init.sh writes through
/dev/kmsg: "vsvm-harness:" markers and each suite's output as
"vsvm-out[SUITE]:". This module parses that stream:

  * KUnit: KTAP, nested; one result per test case ("kunit:SUITE.CASE").
  * hmm: upstream's kselftest TAP from hmm-tests ("hmm:FIXTURE.VARIANT.TEST").
  * igt: result markers written by scripts/vm/igt-run.sh ("igt:BIN@SUBTEST").
  * Kernel reports (KASAN, lockdep, BUG, WARN, Oops, kmemleak, ...): each one
    fails the test during which it appeared, or a pseudo-test ("boot",
    "SUITE:after-tests") when it appeared outside any test.

Used live ("stream": copy stdin to a log file and print one line per test as
it completes) and afterwards ("summary": write the summary file whose last
line is "N passed, N failed").
"""

import argparse
import json
import re
import sys

TS_RE = re.compile(r'^\[\s*\d+\.\d+\]\s?')
# Reports of the kernel's checkers; matched at the start of a message.
REPORT_RE = re.compile(
    r'^(BUG: |WARNING: |kernel BUG at |Oops: |Oops\b|general protection fault'
    r'|Kernel panic|UBSAN: |unreferenced object 0x|INFO: task .* blocked'
    r'|rcu: INFO: .*detected stall|list_(add|del) corruption|watchdog: BUG'
    r'|kmemleak: \d+ new suspected|DMA-API: .*pending DMA allocations)')
HARNESS = 'vsvm-harness: '
OUT_RE = re.compile(r'^vsvm-out\[([\w-]+)\]: ?(.*)$')
TAP_RE = re.compile(r'^(not ok|ok) (\d+) (\S+)(.*)$')
KS_RUN_RE = re.compile(r'^#\s+RUN\s+(\S+)')
KTAP_SUBTEST_RE = re.compile(r'^# Subtest: (\S+)')


class Result:
    """One test's outcome."""

    def __init__(self, suite, name, status, detail=''):
        self.suite = suite
        self.name = name
        self.status = status     # pass | fail | skip
        self.detail = detail
        self.reports = []

    @property
    def full(self):
        return f'{self.suite}:{self.name}'

    def as_dict(self):
        return {'suite': self.suite, 'name': self.name, 'status': self.status,
                'detail': self.detail, 'reports': self.reports}


class ConsoleParser:
    """Incremental parser of the guest console; feed() lines in order."""

    def __init__(self, on_result=None):
        self.results = []
        self.on_result = on_result or (lambda r: None)
        self.suite = None            # suite the guest announced last
        self.suite_rc = {}
        self.current = None          # (suite, name) of the running test
        self.pending = []            # reports waiting for a KUnit verdict
        self.ktap_stack = []         # KUnit suite names, outermost first
        self.ktap_indent = []        # their indentation
        self.all_done = False
        self.orphans = {}            # pseudo-test name -> reports

    # -- results -----------------------------------------------------------
    def _add(self, suite, name, status, detail=''):
        r = Result(suite, name, status, detail)
        if self.current == (suite, name) or suite == 'kunit':
            if self.pending:
                r.reports.extend(self.pending)
                self.pending = []
        for o in list(self.orphans.get((suite, name), [])):
            r.reports.append(o)
        self.orphans.pop((suite, name), None)
        if r.reports and r.status != 'fail':
            r.status = 'fail'
            r.detail = (r.detail + ' ' if r.detail else '') + \
                'kernel report: ' + r.reports[0]
        if suite == 'kunit':
            # A built-in suite that skipped at boot for want of something
            # user space sets up (swap) runs again from debugfs: its second
            # result replaces the skip. Any other repeat is kept.
            self.results = [o for o in self.results
                            if o.full != r.full or o.status != 'skip']
        self.results.append(r)
        if self.current == (suite, name):
            self.current = None
        self.on_result(r)
        return r

    def _report(self, msg):
        """A kernel checker reported msg: attach it to the running test."""
        if self.current is not None:
            self.orphans.setdefault(self.current, []).append(msg)
        elif self.ktap_stack:
            self.pending.append(msg)
        else:
            where = (self.suite, 'outside-tests') if self.suite else ('boot', 'boot')
            self.orphans.setdefault(where, []).append(msg)

    # -- input -------------------------------------------------------------
    def feed(self, raw):
        line = raw.rstrip('\r\n')
        msg = TS_RE.sub('', line, count=1)
        if msg.startswith(HARNESS):
            self._harness(msg[len(HARNESS):].split())
            return
        m = OUT_RE.match(msg)
        if m:
            self._suite_output(m.group(1), m.group(2))
            return
        if REPORT_RE.match(msg):
            self._report(msg.strip())
            return
        self._ktap(msg)

    def _harness(self, words):
        if not words:
            return
        kind = words[0]
        if kind == 'suite-begin' and len(words) > 1:
            self.suite = words[1]
            self.current = None
        elif kind == 'suite-end' and len(words) > 2:
            rc = int(words[2].split('=', 1)[1])
            self.suite_rc[words[1]] = rc
            self.current = None
            if rc == 124 or rc == 137:
                self._add(words[1], 'suite-timeout', 'fail',
                          'the suite ran past its time limit')
            for where in [w for w in self.orphans if w[0] == words[1]]:
                self._flush_orphan(where)
            self.suite = None
        elif kind == 'test-begin' and len(words) > 2:
            self.current = (words[1], words[2])
        elif kind == 'result' and len(words) > 3:
            status = {'pass': 'pass', 'skip': 'skip'}.get(words[3], 'fail')
            detail = '' if status == 'pass' else ' '.join(words[3:])
            self._add(words[1], words[2], status, detail)
        elif kind == 'all-done':
            self.all_done = True

    def _suite_output(self, tag, text):
        if tag == 'kmemleak':
            if REPORT_RE.match(text.strip()):
                self._report('kmemleak: ' + text.strip())
            return
        if tag != 'hmm':
            return
        m = KS_RUN_RE.match(text)
        if m:
            self.current = ('hmm', m.group(1))
            return
        m = TAP_RE.match(text)
        if m:
            ok, _, name, rest = m.groups()
            if '# SKIP' in rest:
                self._add('hmm', name, 'skip', rest.split('# SKIP', 1)[1].strip())
            else:
                self._add('hmm', name, 'pass' if ok == 'ok' else 'fail')

    def _ktap(self, msg):
        """KUnit's KTAP: a "# Subtest: X" line opens a level at its own
        indentation; results at that indentation are its cases; a result at
        a shallower one closes it (and names it). Cases of a parameterised
        test are counted once, when the test closes."""
        stripped = msg.lstrip(' ')
        indent = len(msg) - len(stripped)
        m = KTAP_SUBTEST_RE.match(stripped)
        if m:
            while self.ktap_indent and self.ktap_indent[-1] >= indent:
                self.ktap_indent.pop()
                self.ktap_stack.pop()
            self.ktap_stack.append(m.group(1))
            self.ktap_indent.append(indent)
            return
        m = TAP_RE.match(stripped)
        if not m or not self.ktap_stack:
            return
        ok, _, name, rest = m.groups()
        closed = None
        while self.ktap_indent and self.ktap_indent[-1] > indent:
            self.ktap_indent.pop()
            closed = self.ktap_stack.pop()
        if closed is not None:
            if not self.ktap_stack or closed != name:
                return          # a whole suite's verdict
        elif len(self.ktap_stack) > 1 or self.ktap_indent[-1] != indent:
            return              # one parameter of a parameterised test
        full = '.'.join(self.ktap_stack + [name])
        if '# SKIP' in rest:
            self._add('kunit', full, 'skip', rest.split('# SKIP', 1)[1].strip())
        else:
            self._add('kunit', full, 'pass' if ok == 'ok' else 'fail')

    def _flush_orphan(self, where):
        reports = self.orphans.pop(where, None)
        if reports:
            r = Result(where[0], where[1], 'fail',
                       'kernel report outside any test: ' + reports[0])
            r.reports = reports
            self.results.append(r)
            self.on_result(r)

    def finish(self, expected_suites):
        """Close the stream: report what never finished or never ran."""
        if self.pending:
            r = Result('kunit', '.'.join(self.ktap_stack) or 'kunit', 'fail',
                       'kernel report during KUnit: ' + self.pending[0])
            r.reports, self.pending = self.pending, []
            self.results.append(r)
            self.on_result(r)
        if self.current is not None:
            self._add(self.current[0], self.current[1], 'fail',
                      'no result: the test did not finish')
        for where in list(self.orphans):
            self._flush_orphan(where)
        for s in expected_suites:
            if s not in self.suite_rc:
                self._add(s, 'suite-incomplete', 'fail',
                          'the VM stopped before this suite finished')
            elif self.suite_rc[s] not in (0, 124, 137) and \
                    not any(r.suite == s and r.status == 'fail'
                            for r in self.results):
                self._add(s, 'suite-exit', 'fail',
                          f'the suite exited with {self.suite_rc[s]}')


def line_for(r):
    tag = {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}[r.status]
    text = f'{tag} {r.full}'
    if r.detail:
        text += f'  ({r.detail})'
    return text


def cmd_stream(args):
    parser = ConsoleParser(lambda r: print(line_for(r), flush=True))
    with open(args.log, 'w', encoding='utf-8', errors='replace') as log:
        for raw in sys.stdin.buffer:
            text = raw.decode('utf-8', errors='replace')
            log.write(text)
            log.flush()
            if args.echo:
                sys.stdout.write(text)
            parser.feed(text)
    parser.finish(args.suites.split(',') if args.suites else [])
    with open(args.json, 'w', encoding='utf-8') as out:
        json.dump([r.as_dict() for r in parser.results], out, indent=1)
    return 0


def cmd_parse(args):
    """Parse a saved console log (used by the harness's own tests)."""
    parser = ConsoleParser()
    with open(args.log, encoding='utf-8', errors='replace') as log:
        for raw in log:
            parser.feed(raw)
    parser.finish(args.suites.split(',') if args.suites else [])
    json.dump([r.as_dict() for r in parser.results], sys.stdout, indent=1)
    return 0


def cmd_summary(args):
    results = []
    for path in args.json:
        with open(path, encoding='utf-8') as f:
            results.extend(json.load(f))
    passed = sum(r['status'] == 'pass' for r in results)
    failed = sum(r['status'] == 'fail' for r in results)
    skipped = sum(r['status'] == 'skip' for r in results)
    lines = []
    suites = []
    for r in results:
        if r['suite'] not in suites:
            suites.append(r['suite'])
    for s in suites:
        rs = [r for r in results if r['suite'] == s]
        lines.append(f"suite {s}: {sum(r['status'] == 'pass' for r in rs)} passed, "
                     f"{sum(r['status'] == 'fail' for r in rs)} failed, "
                     f"{sum(r['status'] == 'skip' for r in rs)} skipped")
    for r in results:
        if r['status'] == 'fail':
            lines.append(f"FAIL {r['suite']}:{r['name']}  {r['detail']}")
            for rep in r['reports'][:5]:
                lines.append(f'    {rep}')
    for r in results:
        if r['status'] == 'skip':
            lines.append(f"SKIP {r['suite']}:{r['name']}  {r['detail']}")
    lines.append(f'{passed} passed, {failed} failed, {skipped} skipped')
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines[:len(suites)] + lines[-1:]))
    return 1 if failed or not results else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('stream', help='copy the console to LOG, print results')
    p.add_argument('--log', required=True)
    p.add_argument('--json', required=True)
    p.add_argument('--suites', default='')
    p.add_argument('--echo', action='store_true', help='echo the console')
    p.set_defaults(fn=cmd_stream)
    p = sub.add_parser('parse', help='parse a saved console log to JSON')
    p.add_argument('log')
    p.add_argument('--suites', default='')
    p.set_defaults(fn=cmd_parse)
    p = sub.add_parser('summary', help='merge result files into a summary')
    p.add_argument('--out', required=True)
    p.add_argument('json', nargs='+')
    p.set_defaults(fn=cmd_summary)
    args = ap.parse_args()
    return args.fn(args)


if __name__ == '__main__':
    sys.exit(main())
