#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests of the user-space tools (suite "tools"): the assembler and
disassembler (build/tools/vsvm-as, vsvm-dis) against the ISA reference in
drivers/gpu/drm/vsvm/hw/vsvm_isa.h."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_results  # noqa: E402  (shared runner)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(TOP, 'build', 'tools')
ISA_H = os.path.join(TOP, 'drivers', 'gpu', 'drm', 'vsvm', 'hw', 'vsvm_isa.h')
ASM_C = os.path.join(TOP, 'tools', 'vsvm', 'lib', 'vsvm_asm.c')


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False)


class AsmTest(unittest.TestCase):
    def assemble(self, src):
        d = tempfile.mkdtemp()
        s, b = os.path.join(d, 'p.s'), os.path.join(d, 'p.bin')
        with open(s, 'w', encoding='utf-8') as f:
            f.write(src)
        r = run(os.path.join(TOOLS, 'vsvm-as'), s, b)
        return r, b

    def test_opcodes_match_the_isa_reference(self):
        with open(ISA_H, encoding='utf-8') as f:
            hw = {m.group(1).lower(): int(m.group(2), 16) for m in
                  re.finditer(r'VSVM_OP_(\w+)\s*=\s*(0x[0-9a-f]+)', f.read())}
        with open(ASM_C, encoding='utf-8') as f:
            ours = {m.group(1): int(m.group(2), 16) for m in
                    re.finditer(r'\{ "(\w+)", (0x[0-9a-f]+), F_', f.read())}
        ours.pop('li', None)
        self.assertEqual(ours, hw)

    def test_encoding_and_round_trip(self):
        src = ('  s2r r1, tid\n  shli r1, r1, 3\nloop: ld64 r4, [r2+8]\n'
               '  st64 [r3-16], r4\n  atom_add64 r5, [r1], r4\n'
               '  blt r1, r2, loop\n  li r7, 0x123456789\n  exit\n')
        r, b = self.assemble(src)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(b, 'rb') as f:
            words = [int.from_bytes(f.read(8), 'little') for _ in range(9)]
        self.assertEqual(words[0], 0x0000000000000133)      # s2r r1, tid
        self.assertEqual(words[2], 0x0000000800020442)      # ld64 r4, [r2+8]
        self.assertEqual(words[5], 0xfffffffd02010063)      # blt back 3
        self.assertEqual(words[6] & 0xff, 0x30)             # li: movi ...
        self.assertEqual(words[7], 0x0000000100000731)      # ... movhi r7, 1
        d = run(os.path.join(TOOLS, 'vsvm-dis'), b)
        self.assertEqual(d.returncode, 0, d.stderr)
        lines = d.stdout.splitlines()
        self.assertIn('ld64 r4, [r2+8]', lines[2])
        self.assertIn('st64 [r3-16], r4', lines[3])
        self.assertIn('blt r1, r2, L2', lines[5])

    def test_errors_name_the_line(self):
        for src, msg in (('  nop\n  add r1, r2\n', "line 2: 'add' takes 3"),
                         ('  bra nowhere\n', "line 1: unknown label 'nowhere'"),
                         ('\n\n  addi r1, r40, 1\n', 'line 3: no register'),
                         ('  frob r1\n', "line 1: unknown instruction 'frob'"),
                         ('x:\nx:\n  exit\n', "line 2: label 'x' defined twice")):
            r, _ = self.assemble(src)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(msg, r.stderr)


if __name__ == '__main__':
    sys.exit(test_results.run_tests('tools', sys.modules[__name__]))
