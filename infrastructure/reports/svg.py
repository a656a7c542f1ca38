"""Charts as inline SVG: no script, no font or image to fetch."""

from html import escape

COLOURS = {"Passed": "#2e7d32", "Failed": "#c62828", "Skipped": "#9e9e9e", "Error": "#ef6c00"}


def stacked_bar(counts: dict[str, int], width: int = 480, height: int = 18) -> str:
    """This function will draw one bar split by status, with a title per part."""
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for status, count in counts.items():
        if not count:
            continue
        part = width * count / total
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{part:.1f}" height="{height}"'
            f' fill="{COLOURS.get(status, "#607d8b")}"><title>{escape(status)}: {count}</title>'
            "</rect>"
        )
        x += part
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">'
        f'<rect width="{width}" height="{height}" fill="#eeeeee"/>{"".join(parts)}</svg>'
    )


def donut(counts: dict[str, int], size: int = 140) -> str:
    """This function will draw the run's verdicts as a ring, the pass rate in its middle."""
    total = sum(counts.values())
    radius, stroke = size / 2 - 12, 18
    circumference = 2 * 3.141592653589793 * radius
    offset, arcs = 0.0, []
    for status, count in counts.items():
        if not count or not total:
            continue
        length = circumference * count / total
        arcs.append(
            f'<circle r="{radius:.1f}" cx="{size / 2}" cy="{size / 2}" fill="none"'
            f' stroke="{COLOURS.get(status, "#607d8b")}" stroke-width="{stroke}"'
            f' stroke-dasharray="{length:.2f} {circumference - length:.2f}"'
            f' stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {size / 2} {size / 2})">'
            f"<title>{escape(status)}: {count}</title></circle>"
        )
        offset += length
    passed = counts.get("Passed", 0)
    label = f"{100 * passed / total:.0f}%" if total else "-"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        f' viewBox="0 0 {size} {size}" role="img">'
        f'<circle r="{radius:.1f}" cx="{size / 2}" cy="{size / 2}" fill="none"'
        f' stroke="#eeeeee" stroke-width="{stroke}"/>{"".join(arcs)}'
        f'<text x="50%" y="54%" text-anchor="middle" font-size="22" font-weight="bold">'
        f"{label}</text></svg>"
    )


def percent_bars(values: dict[str, float], width: int = 480) -> str:
    """This function will draw one labelled bar per name, 0 to 100."""
    row, label = 22, 150
    bars = []
    for index, (name, value) in enumerate(values.items()):
        y = index * row
        length = (width - label - 60) * max(0.0, min(100.0, value)) / 100
        colour = "#2e7d32" if value >= 80 else "#f9a825" if value >= 50 else "#c62828"
        bars.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(name[:24])}</text>'
            f'<rect x="{label}" y="{y + 4}" width="{width - label - 60}" height="14" fill="#eeeeee"/>'
            f'<rect x="{label}" y="{y + 4}" width="{length:.1f}" height="14" fill="{colour}"/>'
            f'<text x="{width - 52}" y="{y + 15}" font-size="12">{value:.1f}%</text>'
        )
    height = max(row * len(values), row)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">{"".join(bars)}</svg>'
    )


def line(points: list[tuple[str, float]], width: int = 480, height: int = 120) -> str:
    """This function will draw values 0 to 100 over runs (oldest left), each point titled."""
    if not points:
        return ""
    step = (width - 40) / max(len(points) - 1, 1)
    coords = [
        (20 + i * step, height - 20 - (height - 40) * max(0.0, min(100.0, v)) / 100)
        for i, (_, v) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1565c0">'
        f"<title>{escape(name)}: {value:.1f}%</title></circle>"
        for (x, y), (name, value) in zip(coords, points, strict=True)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img">'
        f'<line x1="20" y1="{height - 20}" x2="{width - 20}" y2="{height - 20}" stroke="#bdbdbd"/>'
        f'<line x1="20" y1="20" x2="{width - 20}" y2="20" stroke="#eeeeee"/>'
        f'<polyline points="{path}" fill="none" stroke="#1565c0" stroke-width="2"/>{dots}</svg>'
    )
