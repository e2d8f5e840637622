"""Geometry of the SVG charts of the Alliance's reports (the templates draw it)."""

from django.utils.translation import gettext as _

CHART_ROW = 26  # px per bar
CHART_LABEL_WIDTH = 230
CHART_BAR_WIDTH = 300


def bar_chart(rows, *, title: str, unit: str = "") -> dict:
    """Geometry of a horizontal bar chart of (label, value) rows, for the SVG template."""
    top = max((value for _label, value in rows), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        width = round(value / top * CHART_BAR_WIDTH)
        bars.append(
            {
                "label": label,
                "value": value,
                "y": i * CHART_ROW,
                "text_y": i * CHART_ROW + 17,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 6,
            }
        )
    return {
        "title": title,
        "unit": unit or _("requests"),
        "bars": bars,
        "height": max(len(rows), 1) * CHART_ROW,
        "label_x": CHART_LABEL_WIDTH - 8,
        "bar_x": CHART_LABEL_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50,
    }
