"""A small SVG line chart, so the harness needs no plotting library."""

from __future__ import annotations

from html import escape

COLOURS = ("#57606a", "#bf8700", "#0969da", "#8250df")


def line_chart(
    xs: list[int], series: dict[str, list[float]], title: str, x_label: str, y_label: str
) -> str:
    width, height, left, bottom, top, right = 640, 400, 70, 50, 40, 150
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = max((v for values in series.values() for v in values), default=1.0) * 1.1 or 1.0
    x_min, x_max = min(xs), max(xs)
    span = (x_max - x_min) or 1

    def px(x: float) -> float:
        return left + (x - x_min) / span * plot_w

    def py(y: float) -> float:
        return top + plot_h - y / y_max * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
    ]
    for i in range(6):
        y = y_max * i / 5
        out.append(f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.0f}</text>')
        out.append(
            f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + plot_w}" y2="{py(y):.1f}" '
            'stroke="#ddd"/>'
        )
    for x in xs:
        out.append(f'<text x="{px(x):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{x}</text>')
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    out.append(
        f'<text x="16" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, values, strict=True))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in zip(xs, values, strict=True):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        ly = top + 20 * index
        out.append(
            f'<line x1="{left + plot_w + 15}" y1="{ly}" x2="{left + plot_w + 35}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{left + plot_w + 40}" y="{ly + 4}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
