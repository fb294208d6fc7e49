#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests of the user-space tools and the RISC-V toolchain (suite
"tools"): the device runtime header against
drivers/gpu/drm/vsvm/hw/vsvm_isa_rv64.h, the GPU images (`make gpu`) and
their disassembly check, libvsvm's image loader and launches (no GPU
needed: built here with the sanitizers), and the execution units'
software FPU against the host's."""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_results  # noqa: E402  (shared runner)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ISA_RV64_H = os.path.join(TOP, 'drivers', 'gpu', 'drm', 'vsvm', 'hw',
                          'vsvm_isa_rv64.h')
UAPI_H = os.path.join(TOP, 'include', 'uapi', 'drm', 'vsvm_drm.h')
DEVICE_H = os.path.join(TOP, 'tools', 'vsvm', 'gpu', 'include',
                        'vsvm_device.h')
GPU = os.path.join(TOP, 'build', 'gpu')
CHECKER = os.path.join(TOP, 'scripts', 'check-gpu-image.py')
LIB = os.path.join(TOP, 'tools', 'vsvm', 'lib')


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def c_defines(path, prefix):
    """{NAME: value} of the numeric #defines NAME = prefix + suffix of a C
    header; a function-like one (VSVM_RV_CSR_ARG(n)) is taken at 0."""
    with open(path, encoding='utf-8') as f:
        text = re.sub(r'/\*.*?\*/', ' ', f.read(), flags=re.S)
    out = {}
    for m in re.finditer(r'^#define\s+' + prefix + r'(\w+)(\((\w+)\))?'
                         r'[ \t]+(.+)$', text, flags=re.M):
        name, param, expr = m.group(1), m.group(3), m.group(4).strip()
        if param:
            expr = re.sub(r'\b%s\b' % param, '0', expr)
        expr = re.sub(r'\bBIT\((\d+)\)', r'(1 << \1)', expr)
        expr = re.sub(r'\b(0x[0-9a-fA-F]+|\d+)(?:ULL|UL|U|u|ull|ul)\b',
                      r'\1', expr)
        if not re.fullmatch(r'[0-9a-fA-Fx()+*<\- \t]+', expr):
            continue
        try:
            out[name] = eval(expr, {'__builtins__': {}})  # noqa: S307
        except (NameError, SyntaxError):
            pass
    return out


class DeviceHeaderTest(unittest.TestCase):
    def test_numbers_match_the_isa_reference(self):
        hw = c_defines(ISA_RV64_H, 'VSVM_RV_')
        dev = c_defines(DEVICE_H, 'VSVM_')
        with open(ISA_RV64_H, encoding='utf-8') as f:
            csrs = re.findall(r'^#define\s+VSVM_RV_(CSR_\w+)', f.read(),
                              flags=re.M)
        self.assertGreaterEqual(len(csrs), 15)
        for name in csrs:
            self.assertIn(name, hw, f'VSVM_RV_{name}: value not understood')
        for name, value in hw.items():
            self.assertIn(name, dev, f'VSVM_{name} missing from vsvm_device.h')
            self.assertEqual(dev[name], value,
                             f'VSVM_{name} 0x{dev[name]:x}, vsvm_isa_rv64.h '
                             f'says 0x{value:x}')

    def test_limits_match_the_uapi(self):
        uapi = c_defines(UAPI_H, 'DRM_VSVM_GRID_')
        dev = c_defines(DEVICE_H, 'VSVM_')
        for name in ('MAX_GROUP_THREADS', 'MAX_LOCAL_MEM', 'MAX_STACK',
                     'MAX_PRIVATE_MEM', 'DEFAULT_STACK'):
            self.assertEqual(dev[name], uapi[name], name)


def have(*progs):
    return all(shutil.which(p) for p in progs)


SANITIZE = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all']
SAN_ENV = dict(os.environ, ASAN_OPTIONS='exitcode=99:detect_leaks=1',
               UBSAN_OPTIONS='halt_on_error=1:exitcode=98:print_stacktrace=1')


def build_host(out, srcs, extra=()):
    """gcc a test program, with the sanitizers if this gcc has them."""
    base = ['gcc', '-Wall', '-Wextra', '-Werror', '-O1', '-g', '-I', LIB,
            '-I', os.path.join(TOP, 'tools', 'vsvm', 'gpu', 'kernels'),
            '-I', os.path.join(TOP, 'include', 'uapi')]
    drm = run('pkg-config', '--cflags', 'libdrm').stdout.split()
    for san in (SANITIZE, []):
        r = run(*base, *san, *drm, *extra, *srcs, '-o', out)
        if r.returncode == 0:
            return r
    return r


@unittest.skipUnless(have('clang', 'ld.lld', 'llvm-objdump', 'gcc', 'make'),
                     'clang, ld.lld, llvm-objdump, gcc and make needed')
class GpuImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.make = run('make', '-C', TOP, '-s', '--no-print-directory', 'gpu')
        cls.tmp = tempfile.mkdtemp()
        cls.img = os.path.join(cls.tmp, 'vsvm-img')
        cls.img_build = build_host(cls.img, [
            os.path.join(TOP, 'tools', 'vsvm', 'vsvm_img.c'),
            os.path.join(LIB, 'vsvm_program.c')])
        cls.loader = os.path.join(cls.tmp, 'gpu_loader_test')
        cls.loader_build = build_host(cls.loader, [
            os.path.join(TOP, 'scripts', 'tests', 'gpu_loader_test.c'),
            os.path.join(LIB, 'vsvm_program.c'),
            os.path.join(GPU, 'embed', 'selftest.o')], ['-DEMBEDDED'])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.make.returncode, 0,
                         'make gpu: ' + self.make.stdout + self.make.stderr)

    def images(self):
        imgs = sorted(os.path.join(GPU, f) for f in os.listdir(GPU)
                      if f.endswith('.elf'))
        self.assertIn(os.path.join(GPU, 'selftest.elf'), imgs)
        return imgs

    def checker(self, *images):
        return run(sys.executable, CHECKER, *images)

    def gpu_link(self, name, src, march='rv64imafd', asm=False):
        """An image built here, outside the Makefile's rules."""
        s = os.path.join(self.tmp, name + ('.s' if asm else '.c'))
        o, elf = s + '.o', os.path.join(self.tmp, name + '.elf')
        with open(s, 'w', encoding='utf-8') as f:
            f.write(src)
        r = run('clang', '--target=riscv64-unknown-elf', '-march=' + march,
                '-mabi=lp64d', '-mno-relax', '-fPIE', '-O2', '-ffreestanding',
                '-nostdlib', '-nostdlibinc', '-c', s, '-o', o)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run('ld.lld', '-pie', '--no-dynamic-linker', '--export-dynamic',
                '--hash-style=sysv', '-z', 'norelro', '--no-rosegment',
                '-e', '0', o, '-o', elf)
        self.assertEqual(r.returncode, 0, r.stderr)
        return elf

    def test_images_hold_only_rv64imafd(self):
        r = self.checker(*self.images())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_image_format(self):
        for image in self.images():
            r = run('llvm-readelf', '-h', '-l', '-r', '--dyn-syms', image)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = r.stdout
            self.assertIn('DYN (Shared object file)', out, image)
            self.assertIn('Flags:                             0x4, '
                          'double-float ABI', out, image)
            self.assertNotIn('INTERP', out, image)
            for m in re.finditer(r'^\s*[0-9a-f]{16}\s+[0-9a-f]{16}\s+(\S+)',
                                 out, flags=re.M):
                self.assertEqual(m.group(1), 'R_RISCV_RELATIVE', image)

    def test_checker_refuses_what_the_gpu_cannot_run(self):
        kernel = ('#include <stdint.h>\nvoid k(uint64_t *p, uint64_t n)'
                  '{ for (uint64_t i = 0; i < n; i++) p[i] = i * 3; }\n')
        cases = (
            ('rvc', kernel, 'rv64imafdc', False, 'compressed'),
            ('zero', '.text\n.globl f\nf:\n.word 0\necall\n', 'rv64imafd',
             True, 'compressed'),
            ('custom', '.text\n.globl f\nf:\n.word 0x0000000b\n',
             'rv64imafd', True, 'unknown encoding'),
            ('csr', '.text\n.globl f\nf:\ncsrr a0, 0x7c0\n', 'rv64imafd',
             True, 'CSR 0x7c0 not in the profile'),
            ('rocsr', '.text\n.globl f\nf:\ncsrw time, a0\n', 'rv64imafd',
             True, 'write to read-only CSR 0xc01'),
            ('rocsr2', '.text\n.globl f\nf:\ncsrs 0xcd0, a0\n', 'rv64imafd',
             True, 'write to read-only CSR 0xcd0'),
            ('sret', '.text\n.globl f\nf:\nsret\n', 'rv64imafd', True,
             'not in RV64IMAFD'),
        )
        bad = []
        for name, src, march, asm, msg in cases:
            elf = self.gpu_link(name, src, march, asm)
            r = self.checker(elf)
            if r.returncode != 1 or msg not in r.stdout:
                bad.append(f'{name}: {r.returncode} {r.stdout} {r.stderr}')
        self.assertEqual(bad, [])
        ok = self.gpu_link('ok', '.text\n.globl f\nf:\ncsrr a0, 0xcd7\n'
                           'csrw 0x8c0, zero\nfrflags a0\nunimp\nfence.i\n'
                           'lr.d.aqrl a0, (a1)\nfmadd.d fa0, fa1, fa2, fa3\n'
                           'ecall\n', asm=True)
        r = self.checker(ok)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def vsvm_img(self, path, *args):
        self.assertEqual(self.img_build.returncode, 0, self.img_build.stderr)
        r = subprocess.run([self.img, path, *args], capture_output=True,
                           text=True, check=False, env=SAN_ENV)
        self.assertNotIn('Sanitizer', r.stderr)
        self.assertNotIn('runtime error', r.stderr)
        return r

    def test_loader_relocates_and_finds_symbols(self):
        self.assertEqual(self.loader_build.returncode, 0,
                         self.loader_build.stderr)
        selftest = os.path.join(GPU, 'selftest.elf')
        for args in (['check', selftest], ['embedded']):
            r = subprocess.run([self.loader, *args], capture_output=True,
                               text=True, check=False, env=SAN_ENV)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertTrue(r.stdout.startswith('ok'), r.stdout)
        r = self.vsvm_img(selftest, 'selftest_reloc_table:4')
        self.assertEqual(r.returncode, 0, r.stderr)
        syms = dict(re.findall(r'^symbol (\w+) (0x[0-9a-f]+)$', r.stdout,
                               flags=re.M))
        targets = []
        for m in re.finditer(r'^word selftest_reloc_table \d+ image '
                             r'(0x[0-9a-f]+) (\w+)\+0x0$', r.stdout,
                             flags=re.M):
            self.assertEqual(syms[m.group(2)], m.group(1))
            targets.append(m.group(2))
        self.assertEqual(targets, ['selftest_calls', 'selftest_reloc_table',
                                   'selftest_reloc_string', 'selftest_ids'])
        # The offsets are the link-time addresses readelf gives.
        r = run('llvm-readelf', '--dyn-syms', selftest)
        for m in re.finditer(r'^\s*\d+: ([0-9a-f]{16})\s+\d+\s+\w+\s+GLOBAL'
                             r'\s+\w+\s+\d+\s+(\w+)$', r.stdout, flags=re.M):
            self.assertEqual(int(syms[m.group(2)], 16), int(m.group(1), 16))
        for image in self.images():
            r = self.vsvm_img(image)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout, r'^image \d+ relocations \d+\n')
            self.assertIn('\nsymbol ', r.stdout)

    def test_loader_takes_stripped_images(self):
        selftest = os.path.join(GPU, 'selftest.elf')
        # .symtab gone (.dynsym kept), then no section headers at all.
        stripped = os.path.join(self.tmp, 'stripped.elf')
        bare = os.path.join(self.tmp, 'bare.elf')
        for argv, out in ((['llvm-strip', '-o', stripped, selftest], stripped),
                          (['llvm-objcopy', '--strip-sections', selftest, bare],
                           bare)):
            if not have(argv[0]):
                continue
            r = run(*argv)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = self.vsvm_img(out, 'selftest_reloc_table:4')
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('symbol selftest_calls ', r.stdout)
            self.assertIn('word selftest_reloc_table 3 image ', r.stdout)

    def test_loader_refuses_malformed_images(self):
        with open(os.path.join(GPU, 'selftest.elf'), 'rb') as f:
            good = f.read()
        phoff, = struct.unpack_from('<Q', good, 0x20)
        phnum, = struct.unpack_from('<H', good, 0x38)
        phdrs = [(phoff + 56 * i,) + struct.unpack_from('<IIQQQQQQ', good,
                                                       phoff + 56 * i)
                 for i in range(phnum)]
        loads = [p for p in phdrs if p[1] == 1]
        dyn = [p for p in phdrs if p[1] == 2][0]
        tags = {}
        for i in range(dyn[6] // 16):
            tag, val = struct.unpack_from('<qQ', good, dyn[3] + 16 * i)
            tags.setdefault(tag, val)

        def vaddr_off(v):
            for p in loads:
                if p[4] <= v < p[4] + p[6]:
                    return p[3] + v - p[4]
            self.fail(f'vaddr 0x{v:x}')

        rela = vaddr_off(tags[7])               # DT_RELA
        arch = good.index(b'rv64i2p0_m2p0_a2p0_f2p0_d2p0')

        def patch(off, fmt, value, data=None):
            b = bytearray(good if data is None else data)
            struct.pack_into(fmt, b, off, value)
            return bytes(b)

        cases = (
            ('empty', b'', 'too short'),
            ('truncated-ehdr', good[:40], 'too short'),
            ('truncated-phdrs', good[:100], 'program headers'),
            ('truncated-segment', good[:loads[1][3] + 8], 'past the end'),
            ('not-elf', b'\x7fELG' + good[4:], 'not an ELF'),
            ('elf32', patch(4, 'B', 1), '64-bit'),
            ('big-endian', patch(5, 'B', 2), 'little-endian'),
            ('x86', patch(0x12, '<H', 62), 'not RISC-V'),
            ('exec', patch(0x10, '<H', 2), 'ET_DYN'),
            ('rvc', patch(0x30, '<I', 5), 'compressed'),
            ('soft-float', patch(0x30, '<I', 0), 'lp64d'),
            ('phoff', patch(0x20, '<Q', 0x7fffffffffff0000), 'program headers'),
            ('phoff-end', patch(0x20, '<Q', len(good) - 8), 'program headers'),
            ('phentsize', patch(0x36, '<H', 32), 'e_phentsize'),
            ('no-phdrs', patch(0x38, '<H', 0), 'program headers'),
            ('seg-offset', patch(loads[1][0] + 8, '<Q', 1 << 40),
             'past the end'),
            ('seg-filesz', patch(loads[1][0] + 32, '<Q', 1 << 20),
             'file size over memory size'),
            ('seg-huge', patch(loads[1][0] + 40, '<Q', 1 << 62), 'too large'),
            ('seg-wrap', patch(loads[1][0] + 16, '<Q', (1 << 64) - 16),
             'too large'),
            ('seg-order', patch(loads[1][0] + 16, '<Q', 0), 'overlaps'),
            ('seg-align', patch(loads[1][0] + 48, '<Q', 3), 'alignment'),
            ('tls', patch(dyn[0], '<I', 7), 'PT_TLS'),
            ('interp', patch(dyn[0], '<I', 3), 'PT_INTERP'),
            ('reloc-type', patch(rela + 8, '<Q', 2), 'only R_RISCV_RELATIVE'),
            ('reloc-sym', patch(rela + 8, '<Q', (1 << 32) | 3), 'with a symbol'),
            ('reloc-offset', patch(rela, '<Q', 1 << 40), 'outside the segments'),
            ('arch', good[:arch + 24] + b'c2p0' + good[arch + 28:],
             "extension 'c'"),
            ('shoff', patch(0x28, '<Q', len(good) - 16), 'section headers'),
        )
        bad = []
        for name, data, msg in cases:
            path = os.path.join(self.tmp, name + '.elf')
            with open(path, 'wb') as f:
                f.write(data)
            r = self.vsvm_img(path)
            if r.returncode != 1 or msg not in r.stderr:
                bad.append(f'{name}: {r.returncode} {r.stdout} {r.stderr}')
        self.assertEqual(bad, [])

    def test_loader_survives_mutations(self):
        self.assertEqual(self.loader_build.returncode, 0,
                         self.loader_build.stderr)
        for image, n in (('selftest.elf', '20000'), ('store.elf', '5000')):
            r = subprocess.run([self.loader, 'fuzz',
                                os.path.join(GPU, image), n],
                               capture_output=True, text=True, check=False,
                               env=SAN_ENV)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn('ok fuzz', r.stdout)


@unittest.skipUnless(have('gcc', 'pkg-config'), 'gcc and pkg-config needed')
class GridLaunchTest(unittest.TestCase):
    def test_exec_carries_the_grid_and_the_fence(self):
        tmp = tempfile.mkdtemp()
        try:
            exe = os.path.join(tmp, 'gpu_launch_test')
            r = build_host(exe, [os.path.join(TOP, 'scripts', 'tests',
                                              'gpu_launch_test.c')])
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run([exe], capture_output=True, text=True,
                               check=False, env=SAN_ENV)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(r.stdout, 'ok\n')
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


@unittest.skipUnless(have('gcc'), 'gcc needed')
class Rv64FpTest(unittest.TestCase):
    """The RISC-V software FPU (vsvm_rv64_fp.c) against the host FPU: every
    F/D operation, all rounding modes, results and flags bit for bit."""
    FP_C = os.path.join(TOP, 'drivers', 'gpu', 'drm', 'vsvm', 'hw',
                        'vsvm_rv64_fp.c')
    CHECK_C = os.path.join(TOP, 'tools', 'vsvm', 'tests', 'rv64_fp_check.c')

    @unittest.skipUnless(os.uname().machine == 'x86_64',
                         'the reference is the x86-64 SSE unit')
    def test_soft_fpu_matches_the_host_fpu(self):
        tmp = tempfile.mkdtemp()
        try:
            exe = os.path.join(tmp, 'rv64_fp_check')
            r = run('gcc', '-Wall', '-Wextra', '-O2', '-frounding-math',
                    '-I', os.path.join(TOP, 'tools', 'vsvm', 'tests',
                                       'rv64_fp_shim'),
                    '-I', os.path.join(TOP, 'drivers', 'gpu', 'drm', 'vsvm',
                                       'hw'),
                    self.CHECK_C, self.FP_C, '-o', exe, '-lm')
            self.assertEqual(r.returncode, 0, r.stderr)
            r = run(exe)
            bad = [ln for ln in r.stdout.splitlines()
                   if 'mismatches' in ln and ' 0 mismatches' not in ln]
            self.assertEqual(r.returncode, 0, '; '.join(bad) + '\n' +
                             r.stdout + r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(test_results.run_tests('tools', sys.modules[__name__]))
