#!/usr/bin/env python3
"""Draws how the cost of the LinearAlgebra benchmarks scales with matrix size, as an SVG.

Input: the influx CSV that package-benchmark writes with `--format influx`, e.g.

    cd Benchmarks
    swift package --disable-sandbox benchmark --no-progress \\
        --filter "gemm [0-9]+ (Matrix\\.addProduct|Matrix\\.multiplied|cblas_sgemm direct)" \\
        --filter "cholesky solve k=[0-9]+ .*" --format influx --path /tmp/bench
    python3 Scripts/benchmark-chart.py /tmp/bench/*.influx.csv -o Docs/benchmark-scaling.svg

Two log-log panels of the median (p50) wall-clock time per call: the dense product
C = A·B of n×n Float matrices against n, and the Cholesky solve of a k×k system against
k, one line per way of calling it, with a dashed n³ (k³) reference through the largest
size. Only the Python standard library is used.
"""

import argparse
import csv
import math
import re
import sys
from collections import defaultdict

PANELS = [
    {
        "title": "Dense product C = A·B, n×n Float",
        "axis": "n",
        "pattern": re.compile(r"^gemm (\d+) (Matrix\.addProduct|Matrix\.multiplied|cblas_sgemm direct)$"),
        "series": lambda match: match.group(2),
    },
    {
        "title": "Cholesky solve of a k×k system, one right-hand side",
        "axis": "k",
        "pattern": re.compile(r"^cholesky solve k=(\d+) (.+)$"),
        "series": lambda match: "in-place kernel" if "in-place" in match.group(2) else match.group(2),
    },
]
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def read_influx(path, percentile):
    """Returns {benchmark name: seconds} for the wall-clock metric at `percentile`.

    package-benchmark 1.38.1 writes time values in nanoseconds whatever the `unit` column
    says (that column is the unit the benchmark chose for display).
    """
    rows = {}
    with open(path, newline="", encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or "test" not in header:
        sys.exit(f"{path}: not an influx export of package-benchmark (no header with a 'test' column)")
    column = {name: index for index, name in enumerate(header)}
    for line, row in enumerate(reader, start=2):
        if len(row) != len(header):
            sys.exit(f"{path}: record {line} has {len(row)} fields, the header has {len(header)}")
        if row[column["metric"]].lower() not in ("time(wallclock)", "timewallclock"):
            continue
        if abs(float(row[column["percentile"]]) - percentile) > 1e-9:
            continue
        rows[row[column["test"]]] = float(row[column["value"]]) * 1e-9
    if not rows:
        sys.exit(f"{path}: no wall-clock values at percentile {percentile}")
    return rows


def format_time(value):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if value >= scale:
            number = value / scale
            return f"{number:g} {unit}"
    return f"{value:g} s"


def panel_svg(panel, series, x0, y0, width, height):
    """One log-log panel at (x0, y0); `series` maps a label to sorted (size, seconds)."""
    parts = []
    points = [point for values in series.values() for point in values]
    sizes = [size for size, _ in points]
    times = [time for _, time in points]
    x_low, x_high = math.log2(min(sizes)), math.log2(max(sizes))
    y_low = math.floor(math.log10(min(times)))
    y_high = math.ceil(math.log10(max(times)))
    if y_high == y_low:
        y_high += 1
    left, right, top, bottom = 80, 16, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(size):
        return x0 + left + (math.log2(size) - x_low) / max(x_high - x_low, 1e-9) * plot_w

    def py(time):
        return y0 + top + (y_high - math.log10(time)) / (y_high - y_low) * plot_h

    parts.append(f'<text x="{x0 + left}" y="{y0 + 20}" font-weight="bold">{panel["title"]}</text>')
    parts.append(f'<rect x="{x0 + left}" y="{y0 + top}" width="{plot_w}" height="{plot_h}" '
                 'fill="none" stroke="#444"/>')
    for exponent in range(y_low, y_high + 1):
        y = py(10.0 ** exponent)
        parts.append(f'<line x1="{x0 + left}" x2="{x0 + left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{x0 + left - 6}" y="{y + 4:.1f}" text-anchor="end">{format_time(10.0 ** exponent)}</text>')
    for size in sorted(set(sizes)):
        x = px(size)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y0 + top}" y2="{y0 + top + plot_h}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{y0 + top + plot_h + 16}" text-anchor="middle">{size}</text>')
    parts.append(f'<text x="{x0 + left + plot_w / 2}" y="{y0 + height - 8}" text-anchor="middle">'
                 f'{panel["axis"]} (log scale)</text>')
    parts.append(f'<text transform="translate({x0 + 14},{y0 + top + plot_h / 2}) rotate(-90)" '
                 'text-anchor="middle">median time per call (log scale)</text>')

    # The n³ reference through the first series' largest size, clipped to the plot.
    first = next(iter(series.values()))
    size_ref, time_ref = first[-1]
    smallest = min(sizes)
    clip = f"clip{int(x0)}"
    parts.append(f'<clipPath id="{clip}"><rect x="{x0 + left}" y="{y0 + top}" width="{plot_w}" '
                 f'height="{plot_h}"/></clipPath>')
    parts.append(f'<line x1="{px(smallest):.1f}" y1="{py(time_ref * (smallest / size_ref) ** 3):.1f}" '
                 f'x2="{px(size_ref):.1f}" y2="{py(time_ref):.1f}" stroke="#888" stroke-dasharray="5,4" '
                 f'clip-path="url(#{clip})"/>')

    legend_y = y0 + top + 16
    for index, (label, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{'M' if i == 0 else 'L'}{px(s):.1f},{py(t):.1f}" for i, (s, t) in enumerate(values))
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for size, time in values:
            parts.append(f'<circle cx="{px(size):.1f}" cy="{py(time):.1f}" r="3" fill="{colour}">'
                         f'<title>{label}, {panel["axis"]} = {size}: {format_time(time)}</title></circle>')
        y = legend_y + index * 16
        parts.append(f'<line x1="{x0 + left + 10}" x2="{x0 + left + 30}" y1="{y - 4}" y2="{y - 4}" '
                     f'stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{x0 + left + 36}" y="{y}">{label}</text>')
    y = legend_y + len(series) * 16
    parts.append(f'<line x1="{x0 + left + 10}" x2="{x0 + left + 30}" y1="{y - 4}" y2="{y - 4}" '
                 'stroke="#888" stroke-dasharray="5,4"/>')
    parts.append(f'<text x="{x0 + left + 36}" y="{y}">∝ {panel["axis"]}³</text>')
    return parts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("influx_csv", help="the file package-benchmark wrote with --format influx")
    parser.add_argument("-o", "--output", default="Docs/benchmark-scaling.svg", help="the SVG file to write")
    parser.add_argument("--percentile", type=float, default=50.0, help="which percentile to plot (default 50)")
    arguments = parser.parse_args()

    values = read_influx(arguments.influx_csv, arguments.percentile)
    panels = []
    for panel in PANELS:
        series = defaultdict(list)
        for name, value in values.items():
            match = panel["pattern"].match(name)
            if match:
                series[panel["series"](match)].append((int(match.group(1)), value))
        if series:
            panels.append((panel, {label: sorted(points) for label, points in sorted(series.items())}))
    if not panels:
        sys.exit(f"{arguments.influx_csv}: no gemm or cholesky benchmarks found")

    panel_w, panel_h = 520, 360
    width = panel_w * len(panels)
    body = []
    for index, (panel, series) in enumerate(panels):
        body += panel_svg(panel, series, index * panel_w, 0, panel_w, panel_h)
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{panel_h}" '
        f'viewBox="0 0 {width} {panel_h}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{panel_h}" fill="white"/>',
        *body,
        "</svg>",
    ]
    with open(arguments.output, "w", encoding="utf-8") as handle:
        handle.write("\n".join(svg) + "\n")
    print(f"wrote {arguments.output}: {sum(len(s) for _, s in panels)} series from {len(values)} benchmarks",
          file=sys.stderr)


if __name__ == "__main__":
    main()
