#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/results.py: the console parser decides pass and fail for
the whole suite, so a parser bug would hide failures. Each case feeds a
console excerpt in the exact shapes the guest produces and checks the
verdicts."""

import argparse
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import results  # noqa: E402


def parse(text, suites=()):
    p = results.ConsoleParser()
    for line in text.splitlines():
        p.feed(line)
    p.finish(list(suites))
    return {r.full: r for r in p.results}


KTAP = """\
[    1.000000] KTAP version 1
[    1.000001] 1..2
[    1.000002]     KTAP version 1
[    1.000003]     # Subtest: alpha
[    1.000004]     # module: alpha_test
[    1.000005]     1..3
[    1.000006]     ok 1 one
[    1.000007]         KTAP version 1
[    1.000008]         # Subtest: params
[    1.000009]         ok 1 p0
[    1.000010]         not ok 2 p1
[    1.000011]     # params: pass:1 fail:1 skip:0 total:2
[    1.000012]     not ok 2 params
[    1.000013]     ok 3 three # SKIP no widget
[    1.000014] # alpha: pass:1 fail:1 skip:1 total:3
[    1.000015] not ok 1 alpha
[    1.000016]     KTAP version 1
[    1.000017]     # Subtest: beta
[    1.000018]     1..2
[    1.000019] ==================================================================
[    1.000020] BUG: KASAN: slab-out-of-bounds in beta_one+0x1/0x2
[    1.000021]     ok 1 beta_one
[    1.000022]     ok 2 beta_two
[    1.000023] ok 2 beta
"""


class KtapTest(unittest.TestCase):
    def test_cases_params_skips(self):
        r = parse(KTAP)
        self.assertEqual(r['kunit:alpha.one'].status, 'pass')
        self.assertEqual(r['kunit:alpha.params'].status, 'fail')
        self.assertEqual(r['kunit:alpha.three'].status, 'skip')
        self.assertNotIn('kunit:alpha.params.p0', r)
        self.assertNotIn('kunit:alpha', r)

    def test_rerun_replaces_boot_skip(self):
        text = KTAP + """\
[    9.000000]     KTAP version 1
[    9.000001]     # Subtest: alpha
[    9.000002]     1..1
[    9.000003]     not ok 3 three
[    9.000004] not ok 3 alpha
"""
        r = parse(text)
        self.assertEqual(r['kunit:alpha.three'].status, 'fail')
        p = results.ConsoleParser()
        for line in text.splitlines():
            p.feed(line)
        self.assertEqual(sum(x.full == 'kunit:alpha.three' for x in p.results), 1)

    def test_report_fails_the_case_it_hit(self):
        r = parse(KTAP)
        self.assertEqual(r['kunit:beta.beta_one'].status, 'fail')
        self.assertIn('KASAN', r['kunit:beta.beta_one'].detail)
        self.assertEqual(r['kunit:beta.beta_two'].status, 'pass')
        self.assertEqual(len(r), 5)


HMM = """\
[    5.0] vsvm-harness: suite-begin hmm
[    5.1] vsvm-out[hmm]: TAP version 13
[    5.2] vsvm-out[hmm]: 1..3
[    5.3] vsvm-out[hmm]: #  RUN           hmm.hmm_device_private.open_close ...
[    5.4] vsvm-out[hmm]: #            OK  hmm.hmm_device_private.open_close
[    5.5] vsvm-out[hmm]: ok 1 hmm.hmm_device_private.open_close
[    5.6] vsvm-out[hmm]: #  RUN           hmm.hmm_device_private.anon_read ...
[    5.7] ------------[ cut here ]------------
[    5.8] WARNING: CPU: 1 PID: 99 at mm/hmm.c:10 hmm_vma_walk_pmd+0x1/0x2
[    5.9] vsvm-out[hmm]: ok 2 hmm.hmm_device_private.anon_read
[    6.0] vsvm-out[hmm]: ok 3 hmm.hmm_device_coherent.open_close # SKIP DEVICE_COHERENT not available
[    6.1] vsvm-out[hmm]: not ok 4 hmm.hmm_device_private.broken
[    6.2] vsvm-out[kmemleak]: unreferenced object 0xffff888001234000 (size 64):
[    6.3] vsvm-harness: suite-end hmm rc=1
"""


class HmmTest(unittest.TestCase):
    def test_tap_and_reports(self):
        r = parse(HMM, ['hmm'])
        self.assertEqual(r['hmm:hmm.hmm_device_private.open_close'].status, 'pass')
        anon = r['hmm:hmm.hmm_device_private.anon_read']
        self.assertEqual(anon.status, 'fail')
        self.assertIn('WARNING', anon.detail)
        self.assertEqual(r['hmm:hmm.hmm_device_coherent.open_close'].status, 'skip')
        self.assertEqual(r['hmm:hmm.hmm_device_private.broken'].status, 'fail')
        leak = r['hmm:outside-tests']
        self.assertEqual(leak.status, 'fail')
        self.assertIn('kmemleak', leak.detail)

    def test_user_output_is_not_a_report(self):
        r = parse('[1.0] vsvm-harness: suite-begin hmm\n'
                  '[1.1] vsvm-out[hmm]: WARNING: this is user output\n'
                  '[1.2] vsvm-out[hmm]: ok 1 a.b.c\n'
                  '[1.3] vsvm-harness: suite-end hmm rc=0\n', ['hmm'])
        self.assertEqual([x.status for x in r.values()], ['pass'])


IGT = """\
[    7.0] vsvm-harness: suite-begin igt
[    7.1] vsvm-harness: test-begin igt vsvm_basic@alloc
[    7.2] vsvm-harness: result igt vsvm_basic@alloc pass rc=0
[    7.3] vsvm-harness: test-begin igt vsvm_basic@fault
[    7.4] BUG: sleeping function called from invalid context at mm/x.c:1
[    7.5] vsvm-harness: result igt vsvm_basic@fault pass rc=0
[    7.6] vsvm-harness: test-begin igt vsvm_basic@skipme
[    7.7] vsvm-harness: result igt vsvm_basic@skipme skip rc=77
[    7.8] vsvm-harness: test-begin igt vsvm_basic@bad
[    7.9] vsvm-harness: result igt vsvm_basic@bad fail rc=98
[    8.0] vsvm-harness: test-begin igt vsvm_basic@hang
"""


class IgtTest(unittest.TestCase):
    def test_verdicts(self):
        r = parse(IGT, ['igt'])
        self.assertEqual(r['igt:vsvm_basic@alloc'].status, 'pass')
        self.assertEqual(r['igt:vsvm_basic@fault'].status, 'fail')
        self.assertEqual(r['igt:vsvm_basic@skipme'].status, 'skip')
        self.assertEqual(r['igt:vsvm_basic@bad'].status, 'fail')

    def test_crash_mid_test_fails_test_and_suite(self):
        r = parse(IGT, ['igt'])
        self.assertEqual(r['igt:vsvm_basic@hang'].status, 'fail')
        self.assertEqual(r['igt:suite-incomplete'].status, 'fail')

    def test_boot_report_and_timeout(self):
        r = parse('[0.5] WARNING: CPU: 0 PID: 1 at init/main.c:1 x\n'
                  '[1.0] vsvm-harness: suite-begin igt\n'
                  '[2.0] vsvm-harness: suite-end igt rc=124\n', ['igt'])
        self.assertEqual(r['boot:boot'].status, 'fail')
        self.assertEqual(r['igt:suite-timeout'].status, 'fail')


def run_tests(suite_name, module):
    """Run a module's unittest cases; print and return one result each."""
    ap = argparse.ArgumentParser()
    ap.add_argument('--json', help='write one result per test case here')
    args = ap.parse_args()

    out = []

    class Collect(unittest.TextTestResult):
        def addSuccess(self, test):
            super().addSuccess(test)
            out.append((test, 'pass', ''))

        def addFailure(self, test, err):
            super().addFailure(test, err)
            out.append((test, 'fail', str(err[1]).splitlines()[0]))

        def addError(self, test, err):
            super().addError(test, err)
            out.append((test, 'fail', repr(err[1])))

    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    runner = unittest.TextTestRunner(resultclass=Collect, verbosity=0,
                                     stream=open(os.devnull, 'w'))
    runner.run(suite)
    rows = []
    for test, status, detail in out:
        name = test.id().split('.', 1)[1]
        print(results.line_for(results.Result(suite_name, name, status, detail)))
        rows.append({'suite': suite_name, 'name': name, 'status': status,
                     'detail': detail, 'reports': []})
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as f:
            json.dump(rows, f, indent=1)
    return 1 if any(s != 'pass' for _, s, _ in out) else 0


if __name__ == '__main__':
    sys.exit(run_tests('harness', sys.modules[__name__]))
