"""The blocks as an HTML page, for Chromium to print.

CSS paged media does the page work: `@page` sets the size and margins, a
named page (`page: landscape`) turns the landscape parts, margin boxes print
the running header and the page number (`counter(page)`), none on the first
page.  Tables repeat their header rows through `<thead>`; ruling, shading
and rows that must not split are CSS.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from . import flow
from .document import PAGE_NUMBER_PARTS, Heading, Orientation, Para, Table
from .engine import BULLET_INDENT, LEADING
from .flow import FlowWriter, Placed, grey_hex, placed_cells
from .fonts import SYMBOL_FAMILY

CSS_SIDES = (
    "top",
    "bottom",
    "left",
    "right",
)  # a cell's own borders; collapsed, they rule the insides too
COUNTERS = {"PAGE": "counter(page)", "NUMPAGES": "counter(pages)"}


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_rule(
    selector: str, size: tuple[float, float], orientation: Orientation
) -> str:
    m = flow.MARGINS[orientation]
    return (
        f"@page {selector}{{ size: {size[0]}pt {size[1]}pt; "
        f"margin: {m.top}pt {m.right}pt {m.bottom}pt {m.left}pt; }}"
    )


class HtmlWriter(FlowWriter):
    suffix = ".html"

    def begin(self) -> None:
        self.parts: list[str] = []
        self.in_list = False
        self.parts.append("<section>")

    def _emit(self, html: str, bullet: bool = False) -> None:
        """Append markup; bullet items are gathered into one list."""
        if bullet != self.in_list:
            self.parts.append("<ul>" if bullet else "</ul>")
            self.in_list = bullet
        self.parts.append(html)

    def _style(self) -> str:
        font = css_string(self.family.installed)
        before, after = self.heading_space()
        number = " ".join(
            COUNTERS.get(part, css_string(part))
            for part in PAGE_NUMBER_PARTS[self.setup.page_numbers]
        )
        rule = f"{flow.RULE_WIDTH}pt solid #000"
        rules = [
            page_rule("", self.page_size("portrait"), "portrait"),
            page_rule("landscape ", self.page_size("landscape"), "landscape"),
            f"@page {{ @top-right {{ content: {css_string(self.setup.running_header)}; "
            f"font: italic {flow.RUNNING_HEADER_SIZE}pt {font}; }} "
            f"@bottom-center {{ content: {number}; font: {flow.PAGE_NUMBER_SIZE}pt "
            f"{font}; }} }}",
            "@page :first { @top-right { content: none; } @bottom-center { content: "
            "none; } }",
            "* { print-color-adjust: exact; -webkit-print-color-adjust: exact; }",
            f"body {{ margin: 0; font: {self.body}pt/{LEADING} {font}; text-align: "
            f"{self.setup.align}; }}",
            ".landscape { page: landscape; }",
            ".new-page { break-before: page; }",
            f"p, ul {{ margin: 0 0 {self.space_after(self.body)}pt; }}",
            f"ul {{ padding-left: {BULLET_INDENT}pt; }} li {{ margin: 0; }}",
            f"h1, h2, h3 {{ font-weight: bold; margin: {before}pt 0 {after}pt; "
            "break-after: avoid; "
            "text-align: left; }",
            *(
                f"h{level} {{ font-size: {self.heading_size(level)}pt; }}"
                for level in (1, 2, 3)
            ),
            ".keep { break-after: avoid; }",
            ".left { text-align: left; } .center { text-align: center; } .right { "
            "text-align: right; } "
            ".justify { text-align: justify; }",
            f"table {{ border-collapse: collapse; table-layout: fixed; "
            f"margin: 0 0 {self.space_after(self.body)}pt; }}",
            "td, th { vertical-align: top; font-weight: normal; text-align: left; }",
            "td p, th p { margin: 0; } .bold { font-weight: bold; }",
            ".whole tr { break-inside: avoid; }",
            f".symbol {{ font-family: {css_string(SYMBOL_FAMILY)}; }}",
            ".sideways { vertical-align: bottom; } .sideways p { writing-mode: "
            "sideways-lr; }",
        ]
        for rules_kind, sides in flow.RULED_SIDES.items():
            css_sides = [side for side in CSS_SIDES if side in sides]
            if css_sides:
                borders = " ".join(f"border-{side}: {rule};" for side in css_sides)
                rules.append(f".{rules_kind} td, .{rules_kind} th {{ {borders} }}")
        return "\n".join(rules)

    def section(self, orientation: Orientation) -> None:
        self._emit("</section>")
        self._emit(
            '<section class="landscape">' if orientation == "landscape" else "<section>"
        )

    # ------------------------------------------------------------ text
    def heading(self, h: Heading, new_page: bool) -> None:
        level = min(h.level, 3)
        self._emit(
            f"<h{level}{classes(new_page and 'new-page')}>"
            f"{escape(h.printed)}</h{level}>"
        )

    def para(self, p: Para, new_page: bool) -> None:
        names = classes(
            new_page and "new-page",
            p.bold and "bold",
            p.keep_with_next and "keep",
            p.align,
        )
        size = f' style="font-size: {self.para_size(p)}pt"' if p.size_delta else ""
        tag = "li" if p.bullet else "p"
        self._emit(f"<{tag}{names}{size}>{escape(p.text)}</{tag}>", bullet=p.bullet)

    def spacer(self, height: float) -> None:
        self._emit(f'<div style="height: {height}pt"></div>')

    # ------------------------------------------------------------ tables
    def table(self, t: Table, widths: list[float], new_page: bool) -> None:
        rows: list[list[Placed]] = [[] for _ in range(len(t.header) + len(t.body))]
        for p in placed_cells(t):
            rows[p.row].append(p)
        html = [
            "<tr>" + "".join(self._cell(p, t) for p in cells) + "</tr>"
            for cells in rows
        ]
        repeated = len(t.header) if t.repeat_header else 0
        names = classes(t.rules, not t.split_rows and "whole", new_page and "new-page")
        self._emit(
            f'<table{names} style="width: {sum(widths):.2f}pt; font-size: {t.size}pt; '
            f'line-height: {self.cell_metrics(t).leading / t.size:.3f}">'
            + "<colgroup>"
            + "".join(f'<col style="width: {w:.2f}pt">' for w in widths)
            + "</colgroup>"
            + ("<thead>" + "".join(html[:repeated]) + "</thead>" if repeated else "")
            + "<tbody>"
            + "".join(html[repeated:])
            + "</tbody></table>"
        )

    def _cell(self, p: Placed, t: Table) -> str:
        tag = "th" if p.header else "td"
        spans = "".join(
            f' {name}="{n}"'
            for name, n in (("colspan", p.cell.colspan), ("rowspan", p.cell.rowspan))
            if n > 1
        )
        pad = self.cell_metrics(t).pad
        style = f"padding: {pad:.2f}pt;" + (
            f" background: #{grey_hex(p.shade)};" if p.shade is not None else ""
        )
        names = classes(
            p.bold and "bold",
            p.cell.symbol and "symbol",
            p.cell.vertical and "sideways",
            p.cell.align,
        )
        gap = self.item_gap(t)
        items = "".join(
            f'<p style="margin-top: {gap:.2f}pt">{escape(item)}</p>'
            if i
            else f"<p>{escape(item)}</p>"
            for i, item in enumerate(p.cell.items)
        )
        return f'<{tag}{spans}{names} style="{style}">{items}</{tag}>'

    def save(self, path: Path) -> None:
        self._emit("</section>")
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.setup.title)}</title>\n<style>\n{self._style()}\n</style></head>\n<body>\n"
            + "\n".join(self.parts)
            + "\n</body></html>\n"
        )
        path.write_text(page, encoding="utf-8")


def classes(*names: str | bool | None) -> str:
    """A class attribute of the names given (falsy ones left out)."""
    kept = [n for n in names if isinstance(n, str) and n]
    return f' class="{" ".join(kept)}"' if kept else ""
