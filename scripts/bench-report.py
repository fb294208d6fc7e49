#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark samples of one boot into the `make bench` report.

    bench-report.py SAMPLES_DIR OUT_DIR --kernel-config CONFIG

SAMPLES_DIR holds what the guest wrote (bench/*.json on the results share).
OUT_DIR receives report.txt (the table printed here), report.json and
report.png. Every row is a ratio of two things measured side by side in the
same boot: absolute times under software emulation mean little, ratios do.
The exception are rows of plain figures (no baseline, no ratio: the ISA
speed's rates), reported for runs on the same host to be compared.
"""
import argparse
import glob
import json
import os
import platform
import statistics
import subprocess
import sys


def spread(xs):
    """Relative spread of the samples: (max - min) / median."""
    med = statistics.median(xs)
    return (max(xs) - min(xs)) / med if med else 0.0


def host_cpu():
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def qemu_version():
    try:
        out = subprocess.run(['qemu-system-x86_64', '--version'],
                             capture_output=True, text=True, check=False)
        return out.stdout.splitlines()[0]
    except (OSError, IndexError):
        return 'qemu (unknown version)'


def row(what, ours, baseline, ours_samples=None, base_samples=None,
        max_ratio=None, target_text='-', met=None, note='', unit='ns/page',
        ratio=None):
    """One table row: ours / baseline (or the ratio given, e.g. a median
    of per-round ratios), met when the ratio is <= max_ratio (or as given,
    for targets that are not a ratio). Without a baseline (None) the row
    is a plain figure: no ratio, no target."""
    if ratio is None and baseline is not None:
        ratio = ours / baseline
    if max_ratio is not None and ratio is not None:
        met = ratio <= max_ratio
        if target_text == '-':
            target_text = f'<= {max_ratio:g}'
    return {
        'what': what, 'unit': unit,
        'ours': ours, 'ours_spread': spread(ours_samples) if ours_samples else None,
        'baseline': baseline,
        'baseline_spread': spread(base_samples) if base_samples else None,
        'ratio': ratio, 'target': max_ratio, 'target_text': target_text,
        'met': met, 'note': note,
    }


def snapshot_rows(samples):
    """Rows of the HMM snapshot benchmark (mm/hmm_bench.c): every mode but
    the plain walk snapshots and installs into a GP100 page table."""
    rows = []
    per_page = {}
    titles = {'4k': '4 KiB pages', 'thp': 'THP',
              'mixed': 'mixed permissions and holes, snapshot only',
              'absent': 'absent pages (fault path)',
              '4k-dma': '4 KiB pages, DMA-mapped',
              'thp-dma': 'THP, DMA-mapped'}
    for run in samples:
        name = run['pages']
        if name.startswith('nouveau-'):
            continue    # nouveau_rows()
        pages = run['bytes'] // 4096
        med = {m: statistics.median(v) / pages
               for m, v in run.items() if isinstance(v, list)}
        per_page[name] = med
        head = f"snapshot+install {run['bytes'] >> 20} MiB, {titles.get(name, name)}"
        note = f"{run['thp_kib'] >> 10} of {run['bytes'] >> 20} MiB in THPs" \
            if name.startswith('thp') else ''
        if 'dma_device' in run:
            dev = f"DMA device {run['dma_device']}"
            note = f'{note}; {dev}' if note else dev
        if 'format' in med and 'upstream' in med:
            rows.append(row(f'{head}: device format vs upstream 6.12 + conversion',
                            med['format'], med['upstream'], run['format'],
                            run['upstream'], 0.5 if name == '4k' else None,
                            note=note))
        if 'generic' in med:
            rows.append(row(f'{head}: our generic encoding vs upstream 6.12 (both + conversion)',
                            med['generic'], med['upstream'], run['generic'],
                            run['upstream'], target_text='~1 (no regression)'))
        if 'walk' in med:
            rows.append(row(f'{head}: device format + install vs plain PTE walk',
                            med['format'], med['walk'], run['format'], run['walk'],
                            1.3 if name == '4k' else None, note=note))
        if 'format-only' in med:
            rows.append(row(f'{head}: device format snapshot alone (no install) vs plain PTE walk',
                            med['format-only'], med['walk'], run['format-only'],
                            run['walk'], note=note))
        if 'format-dma' in med:
            rows.append(row(f'{head}: device format vs upstream 6.12 + conversion + dma_map_page',
                            med['format-dma'], med['upstream-dma'],
                            run['format-dma'], run['upstream-dma'],
                            0.7 if name == '4k-dma' else None, note=note))
    if '4k' in per_page and 'thp' in per_page:
        rows.append(row('snapshot+install, device format: THP vs 4 KiB pages (cost per byte)',
                        per_page['thp']['format'], per_page['4k']['format'],
                        max_ratio=0.25, target_text='<= 0.25 (4x cheaper)'))
    return rows


def nouveau_rows(samples):
    """Rows of Nouveau's fault-path benchmark (in hmm-snapshot.json, from
    drivers/gpu/drm/nouveau/nouveau_svm_hmm_bench.c): per page, the
    option's path (hmm_range_fault() writing final GP100 PTEs, DMA-mapped,
    a 2 MiB window per call) vs 6.12's (6.12's hmm_range_fault(), Nouveau's
    conversion, nvkm's encoder with dma_map_page()), a 2 MiB window per
    call and, as 6.12's Nouveau runs it, a page per call."""
    rows = []
    titles = {'nouveau-4k': '4 KiB', 'nouveau-thp': 'THP',
              'nouveau-4k-direct': '4 KiB, direct DMA',
              'nouveau-thp-direct': 'THP, direct DMA'}
    baselines = (
        ('upstream', "6.12 (hmm_range_fault() per 2 MiB, convert, nvkm "
                     "encode + dma_map_page())"),
        ('upstream-1page', "6.12 as Nouveau runs it (one hmm_range_fault() "
                           "per 4 KiB page or THP)"))
    for run in samples:
        name = run['pages']
        if name not in titles:
            continue
        # The direct rows' modes carry a "-direct" suffix.
        run = {k[:-len('-direct')] if k.endswith('-direct') else k: v
               for k, v in run.items()}
        if 'format' not in run:
            continue
        pages = run['bytes'] // 4096
        med = {m: statistics.median(v) / pages
               for m, v in run.items() if isinstance(v, list)}
        note = f"{run['bytes'] >> 20} MiB"
        if name.startswith('nouveau-thp'):
            note += f", {run['thp_kib'] >> 10} MiB in THPs"
        note += f"; DMA device {run.get('dma_device', 'unknown')}; ns/page: " + \
            ', '.join(f'{m} {fmt_num(med[m])}'
                      for m in ('format', 'upstream', 'upstream-1page')
                      if m in med)
        for base, what in baselines:
            if base in med:
                rows.append(row(f'Nouveau fault path, {titles[name]}: HMM format vs {what}',
                                med['format'], med[base], run['format'],
                                run[base], 0.5, note=note))
    return rows


VARIANTS = {'batch1': 'one fault per batch vs default batching',
            'ahead-off': 'no fault-ahead (4 KiB) vs default (256 KiB blocks)'}


def first_touch_rows(samples):
    """Rows of the GPU first-touch benchmark (tools/vsvm/bench)."""
    rows = []
    default = {}
    for run in samples:
        if run['kind'] != 'first-touch':
            continue
        pages = run['bytes'] // 4096
        gpu = statistics.median(run['gpu']) / pages
        cpu = statistics.median(run['cpu']) / pages
        faults = max(run['faults'], 1)
        stats = (f"{run['faults']} faults, {run['faults'] / max(run['batches'], 1):.1f}"
                 f" faults/batch, {run['faults'] / max(run['replays'], 1):.1f} faults/replay,"
                 f" {run['hmm-calls'] / faults:.2f} hmm calls/fault,"
                 f" {run['pages-4k']} 4K + {run['pages-2m']} 2M PTEs")
        head = f"GPU first touch {run['bytes'] >> 20} MiB"
        if run['variant'] != 'default':
            base = default.get((run['bytes'], run['thp']))
            if base is not None:
                rows.append(row(f"{head}, 4 KiB: {VARIANTS.get(run['variant'], run['variant'])}",
                                gpu, base, run['gpu'], note=stats))
            continue
        default[(run['bytes'], run['thp'])] = gpu
        if run['thp']:
            only_2m = run['pages-4k'] == 0 and run['pages-2m'] * 512 >= pages
            rows.append(row(f'{head}, THP: per page vs CPU first touch (THP)',
                            gpu, cpu, run['gpu'], run['cpu'],
                            target_text='2 MiB GPU PTEs only', met=only_2m,
                            note=stats))
        else:
            rows.append(row(f'{head}, 4 KiB: per page vs CPU first touch',
                            gpu, cpu, run['gpu'], run['cpu'], 2.0, note=stats))
    for run in samples:
        if run['kind'] != 'munmap':
            continue
        pages = run['bytes'] // 4096
        rows.append(row(f"munmap {run['bytes'] >> 20} MiB: GPU-mirrored vs never mirrored",
                        statistics.median(run['mirrored']) / pages,
                        statistics.median(run['plain']) / pages,
                        run['mirrored'], run['plain']))
    return rows


def fmt_num(x):
    if x is None:
        return '-'
    if x >= 100:
        return f'{x:.0f}'
    return f'{x:.3g}'


def table(rows, header):
    lines = list(header)
    cols = ['what', 'ours', 'baseline', 'ratio', 'target', 'met']
    cells = []
    for r in rows:
        ours = fmt_num(r['ours'])
        if r.get('ours_spread') is not None:
            ours += f" (±{r['ours_spread'] * 50:.0f}%)"
        base = fmt_num(r['baseline'])
        if r['baseline'] is not None:
            if r.get('baseline_spread') is not None:
                base += f" (±{r['baseline_spread'] * 50:.0f}%)"
            base += f" {r['unit']}"
        ratio = '-' if r['ratio'] is None else f"{r['ratio']:.3f}"
        met = '-' if r['met'] is None else ('met' if r['met'] else 'NOT MET')
        cells.append([r['what'], f"{ours} {r['unit']}", base, ratio,
                      r['target_text'], met])
    widths = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(cols)]
    lines.append('  '.join(c.ljust(w) for c, w in zip(cols, widths)))
    lines.append('  '.join('-' * w for w in widths))
    for x in cells:
        lines.append('  '.join(c.ljust(w) for c, w in zip(x, widths)))
    notes = [f"  {r['what']}: {r['note']}" for r in rows if r.get('note')]
    if notes:
        lines.append('notes:')
        lines.extend(notes)
    lines.append('ours/baseline: median over the samples; (±x%) is half the '
                 'max-min spread relative to the median; baseline and ratio '
                 '"-": a plain figure, not a comparison.')
    return lines


def plot(rows, path):
    """The ratios as bars (rows without a ratio left out); False when
    there is no ratio or no matplotlib."""
    rows = [r for r in rows if r['ratio'] is not None]
    if not rows:
        return False
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(10, 0.6 * len(rows) + 1.5))
    names = [r['what'] for r in rows][::-1]
    ratios = [r['ratio'] for r in rows][::-1]
    colors = ['tab:gray' if r['met'] is None else
              ('tab:green' if r['met'] else 'tab:red') for r in rows][::-1]
    ax.barh(range(len(rows)), ratios, color=colors)
    for i, r in enumerate(rows[::-1]):
        if r['target'] is not None and r['target'] > 0:
            ax.plot([r['target']] * 2, [i - 0.4, i + 0.4], 'k--')
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel('ratio ours / baseline (dashed: target; green met, red missed)')
    ax.set_title('make bench: ratios measured side by side in one boot')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def migrate_rows(samples):
    """Rows of the VRAM migration benchmark (tools/vsvm/bench/vram_migrate.c):
    each direction vs memcpy() of the same bytes; >= 0.5x memcpy bandwidth
    is a time ratio <= 2. Then each direction in 2 MiB steps (one call for
    the buffer) vs 4 KiB steps (one call per page, of a smaller buffer),
    per byte: >= 5x cheaper is a time ratio <= 0.2."""
    rows = []
    for run in samples:
        if run['kind'] != 'migrate':
            continue
        pages = run['bytes'] // 4096
        copy = statistics.median(run['memcpy']) / pages
        for key, what in (('to-vram', 'to VRAM'), ('to-ram', 'back to system memory')):
            rows.append(row(f"migrate {run['bytes'] >> 20} MiB (4 KiB pages) {what} vs memcpy",
                            statistics.median(run[key]) / pages, copy,
                            run[key], run['memcpy'], 2.0,
                            target_text='<= 2 (>= 0.5x memcpy)',
                            note='copy engine; the ioctl also maps the range for the GPU'))
        if 'to-vram-4k' not in run:
            continue
        pages_4k = run['bytes-4k'] // 4096
        note = (f"one call for {run['bytes'] >> 20} MiB (one 2 MiB window a step) vs "
                f"one per 4 KiB page of {run['bytes-4k'] >> 20} MiB; per page, so per byte")
        for key, what in (('to-vram', 'to VRAM'), ('to-ram', 'back to system memory')):
            rows.append(row(f'migrate 2 MiB steps vs 4 KiB steps, per byte, {what}',
                            statistics.median(run[key]) / pages,
                            statistics.median(run[f'{key}-4k']) / pages_4k,
                            run[key], run[f'{key}-4k'], 0.2,
                            target_text='<= 0.2 (>= 5x cheaper)', note=note))
    return rows


def mof_rows(samples):
    """Rows of gpu-first-touch -m: the GPU first touch of a buffer with the
    migrate-on-fault attribute to VRAM vs without, alternated in one run;
    reported, no target."""
    rows = []
    for run in samples:
        if run['kind'] != 'first-touch-mof':
            continue
        pages = run['bytes'] // 4096
        note = (f"4 KiB pages; includes the copy to VRAM (copy engine, each faulting "
                f"2 MiB window before it is mapped; new pages are zero-filled there): "
                f"{run['migrated-kib'] >> 10} MiB migrated, {run['faults-mof']} vs "
                f"{run['faults-plain']} faults, {run['pages-2m-mof']} vs "
                f"{run['pages-2m-plain']} 2M PTEs per run; all in VRAM after")
        head = f"GPU first touch {run['bytes'] >> 20} MiB"
        rows.append(row(f'{head} with migrate-on-fault vs without',
                        statistics.median(run['mof']) / pages,
                        statistics.median(run['plain']) / pages,
                        run['mof'], run['plain'], note=note))
    return rows


def isa_speed_rows(samples):
    """Rows of the ISA speed benchmark (tools/vsvm/bench/isa_speed.c): the
    RISC-V interpreter's instructions per second per execution unit on a
    checksum loop of known instruction count, and array elements per
    second per execution unit; the median over the rounds, with their
    min-max spread. Plain figures: no baseline, no ratio; reported, no
    target."""
    rows = []
    for run in samples:
        if run['kind'] != 'isa-speed':
            continue
        head = (f"ISA speed, RISC-V interpreter (checksum of a resident "
                f"{run['bytes'] >> 10} KiB, one thread per EU)")
        note = (f"{run['passes']} passes of {run['elements']} elements per "
                f"thread, {run['threads']} threads on {run['eus']} EUs; "
                f"{run['insns-per-element']:.5g} instructions per element "
                f"(instret); an absolute rate under emulation: compare runs "
                f"on the same host only")
        for key, what, unit in (('minsn-per-eu', 'instructions/s per EU',
                                 'Minsn/s/EU'),
                                ('melem-per-eu', 'array elements/s per EU',
                                 'Melem/s/EU')):
            xs = run[key]
            rows.append(row(f'{head}, {what}', statistics.median(xs), None,
                            xs, unit=unit, target_text='reported',
                            note=f'median of {len(xs)} rounds, {min(xs):.4g} '
                                 f'to {max(xs):.4g} {unit}; {note}'))
            note = 'the same runs; elements = instructions / instructions per element'
    return rows


def merge_runs(paths):
    """The first-touch runs of several files of one repetition each, as
    one list: per (bytes, thp), the samples put together and the counted
    times averaged."""
    runs = {}
    for path in paths:
        with open(path, encoding='utf-8') as f:
            for run in json.load(f):
                if run['kind'] != 'first-touch' or run['variant'] != 'default':
                    continue
                key = (run['bytes'], run['thp'])
                m = runs.setdefault(key, dict(run, gpu=[], cpu=[], n=0,
                                              **{'hmm-ns': 0, 'fault-ns': 0}))
                m['gpu'] += run['gpu']
                m['cpu'] += run['cpu']
                m['hmm-ns'] += run.get('hmm-ns', 0)
                m['fault-ns'] += run.get('fault-ns', 0)
                m['n'] += 1
    for m in runs.values():
        m['hmm-ns'] /= m['n']
        m['fault-ns'] /= m['n']
    return runs


def iommu_rows(iommu, direct):
    """GPU first touch on the PCI function behind the IOMMU vs on a
    platform device with direct DMA, alternated one repetition (one module
    load) at a time in the same boot; and the share of the fault service
    the IOMMU's DMA mapping takes."""
    rows = []
    for key, run in sorted(iommu.items()):
        d = direct.get(key)
        if d is None:
            continue
        pages = run['bytes'] // 4096
        size = f"{run['bytes'] >> 20} MiB, {'THP' if run['thp'] else '4 KiB'}"
        note = f"{run['n']} + {d['n']} alternated module loads"
        rows.append(row(f"GPU first touch {size}: IOMMU vs direct DMA",
                        statistics.median(run['gpu']) / pages,
                        statistics.median(d['gpu']) / pages,
                        run['gpu'], d['gpu'], note=note))
        # What the IOMMU adds to hmm_range_fault() is its DMA mapping
        # (direct DMA maps at no cost to speak of): counted by the driver,
        # as a share of the fault service time it counted.
        if run['fault-ns']:
            rows.append(row(f"GPU fault service {size}: IOMMU DMA mapping "
                            "(hmm time over direct DMA's) vs whole fault service",
                            max(run['hmm-ns'] - d['hmm-ns'], 0) / pages,
                            run['fault-ns'] / pages,
                            target_text='share (ratio)',
                            note=f"counted (fdinfo): hmm {run['hmm-ns'] / pages:.0f} "
                                 f"vs {d['hmm-ns'] / pages:.0f} ns/page direct, "
                                 f"fault service {run['fault-ns'] / pages:.0f} ns/page"))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('samples')
    ap.add_argument('out')
    ap.add_argument('--kernel-config', default='')
    args = ap.parse_args()

    rows = []
    path = os.path.join(args.samples, 'hmm-snapshot.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            snapshots = json.load(f)
        rows.extend(snapshot_rows(snapshots))
        rows.extend(nouveau_rows(snapshots))
    path = os.path.join(args.samples, 'gpu-first-touch.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            rows.extend(first_touch_rows(json.load(f)))
    path = os.path.join(args.samples, 'vram-migrate.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            rows.extend(migrate_rows(json.load(f)))
    path = os.path.join(args.samples, 'gpu-first-touch-mof.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            rows.extend(mof_rows(json.load(f)))
    path = os.path.join(args.samples, 'isa-speed.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            rows.extend(isa_speed_rows(json.load(f)))
    sides = {side: merge_runs(sorted(glob.glob(os.path.join(
        args.samples, f'gpu-first-touch-{side}-*.json'))))
        for side in ('iommu', 'direct')}
    rows.extend(iommu_rows(sides['iommu'], sides['direct']))
    if not rows:
        print('bench-report: no samples found in ' + args.samples, file=sys.stderr)
        return 1

    header = [
        f'machine:   {host_cpu()}, {os.cpu_count()} host CPUs',
        f'emulation: {qemu_version()}, TCG (no KVM), 2 vCPUs, 6 GiB; absolute '
        'times are not meaningful, ratios are',
        f'kernel:    Debian 6.12 + this repository, {args.kernel_config} '
        '(no KASAN/lockdep/DEBUG_VM)',
        '',
    ]
    lines = table(rows, header)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'report.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    with open(os.path.join(args.out, 'report.json'), 'w', encoding='utf-8') as f:
        json.dump({'header': header[:3], 'rows': rows}, f, indent=1)
    if plot(rows, os.path.join(args.out, 'report.png')):
        lines.append(f"plot: {os.path.join(args.out, 'report.png')}")
    elif all(r['ratio'] is None for r in rows):
        lines.append('plot: no ratios, no PNG')
    else:
        lines.append('plot: matplotlib missing, no PNG')
    print('\n'.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(main())
