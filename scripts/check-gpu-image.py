#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that GPU program images hold only code the vsvm RISC-V profile
runs (drivers/gpu/drm/vsvm/hw/vsvm_isa_rv64.h): disassemble each with
llvm-objdump, decoding every extension it knows (C included, so that a
compressed instruction shows as one), and fail on any 16-bit instruction,
any encoding llvm-objdump does not know, any instruction outside RV64IMAFD,
Zicsr and FENCE.I, any CSR the profile lacks, and any write to a read-only
CSR (UNIMP, the canonical illegal instruction, aside).

    check-gpu-image.py [--objdump PROG] IMAGE...

Prints one line per problem and exits 1 if there is any."""
import argparse
import re
import subprocess
import sys

I = '''lui auipc jal jalr beq bne blt bge bltu bgeu lb lh lw ld lbu lhu lwu
sb sh sw sd addi slti sltiu xori ori andi slli srli srai add sub sll slt
sltu xor srl sra or and fence fence.i ecall ebreak addiw slliw srliw sraiw
addw subw sllw srlw sraw csrrw csrrs csrrc csrrwi csrrsi csrrci unimp'''
M = 'mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw'
A = ' '.join(f'{op}.{w}{o}' for op in ('lr', 'sc', 'amoswap', 'amoadd',
                                       'amoxor', 'amoand', 'amoor', 'amomin',
                                       'amomax', 'amominu', 'amomaxu')
             for w in 'wd' for o in ('', '.aq', '.rl', '.aqrl'))
FD = ' '.join(f'{op}.{t}' for t in 'sd' for op in (
    'fmadd', 'fmsub', 'fnmsub', 'fnmadd', 'fadd', 'fsub', 'fmul', 'fdiv',
    'fsqrt', 'fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax', 'feq', 'flt',
    'fle', 'fclass'))
CVT = '''flw fsw fld fsd fcvt.w.s fcvt.wu.s fcvt.l.s fcvt.lu.s fcvt.s.w
fcvt.s.wu fcvt.s.l fcvt.s.lu fmv.x.w fmv.w.x fcvt.w.d fcvt.wu.d fcvt.l.d
fcvt.lu.d fcvt.d.w fcvt.d.wu fcvt.d.l fcvt.d.lu fcvt.s.d fcvt.d.s fmv.x.d
fmv.d.x'''
ALLOWED = set(' '.join((I, M, A, FD, CVT)).split())

CSR_NAMES = {'fflags': 0x001, 'frm': 0x002, 'fcsr': 0x003, 'cycle': 0xc00,
             'time': 0xc01, 'instret': 0xc02}
CSRS = (set(CSR_NAMES.values()) | set(range(0xcc0, 0xcd8)) | {0x8c0})


def read_only(csr):
    return csr >> 10 == 3       # the standard encoding: bits 11:10 = 11


LINE = re.compile(r'^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(\S+)\s*(.*)$')


def check(image, objdump):
    """The problems of one image, as strings."""
    r = subprocess.run([objdump, '-d', '-M', 'no-aliases',
                        '--mattr=+m,+a,+f,+d,+c', image],
                       capture_output=True, text=True, check=False)
    if r.returncode:
        return [f'{image}: {objdump} failed: {r.stderr.strip()}']
    bad, count = [], 0
    for line in r.stdout.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        addr, raw, mnem, ops = m.groups()
        count += 1
        where = f'{image}: 0x{addr}: {mnem} {ops}'.rstrip()
        if len(raw.split()) != 4:
            bad.append(f'{where}: compressed ({len(raw.split())}-byte) '
                       'instruction')
            continue
        if mnem == '<unknown>':
            bad.append(f'{where}: unknown encoding {raw.strip()}')
            continue
        if mnem not in ALLOWED:
            bad.append(f'{where}: not in RV64IMAFD')
            continue
        if not mnem.startswith('csr'):
            continue
        args = [a.strip() for a in ops.split(',')]
        if len(args) != 3:
            bad.append(f'{where}: cannot read the CSR operands')
            continue
        name = args[1]
        csr = CSR_NAMES.get(name)
        if csr is None:
            try:
                csr = int(name, 0)
            except ValueError:
                bad.append(f'{where}: CSR {name} not in the profile')
                continue
        if csr not in CSRS:
            bad.append(f'{where}: CSR 0x{csr:03x} not in the profile')
            continue
        writes = (mnem in ('csrrw', 'csrrwi') or
                  (mnem in ('csrrs', 'csrrc') and args[2] != 'zero') or
                  (mnem in ('csrrsi', 'csrrci') and args[2] != '0'))
        if writes and read_only(csr):
            bad.append(f'{where}: write to read-only CSR 0x{csr:03x}')
    if not count:
        bad.append(f'{image}: no instructions')
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--objdump', default='llvm-objdump')
    ap.add_argument('images', nargs='+')
    args = ap.parse_args()
    bad = []
    for image in args.images:
        bad += check(image, args.objdump)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
