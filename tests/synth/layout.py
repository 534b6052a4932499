"""Layout variations: how a document prints its content, not what it says.

The same spec printed with two layouts has the same answer key (except the
page numbers).  Options a generation has no use for are ignored by it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from .document import Cell, PageNumbers, Rules
from .language import decimal_mark, grouped
from .renderers import RendererName
from .spec import Funding

PAGE_SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}
MARK_SHADE = 0.62


@dataclass(frozen=True)
class Layout:
    renderer: RendererName = "reportlab"
    family: str = "times"
    body_size: float = 11.0
    page: Literal["A4", "Letter"] = "A4"
    align: Literal["justify", "left"] = "justify"
    rules: Rules = "grid"
    repeat_header: bool = True
    split_rows: bool = True  # a cell's text may run over a page break inside its row
    landscape: bool = True  # the big tables on landscape pages
    marks: Literal["X", "x", "tick", "shade"] = "X"
    thousands: bool = True  # 12,500 rather than 12500
    decimals: bool = False  # 12,500.00
    account: Literal[
        "code", "code+description", "description", "code - description"
    ] = "code"
    headings: Literal["standard", "alternate"] = "standard"
    header_shade: float | None = None
    page_numbers: PageNumbers = "plain"
    activity_prefix: bool = True  # 2009: "Activity 1.1 ..." rather than "1.1 ..."
    fund: Literal["code", "name+code", "name", "code+source"] = (
        "code"  # how the funding column names a fund
    )
    output_extras: bool = False  # 2009: the output's baseline printed in its cell
    output_newline: bool = (
        False  # 2016: "Output 1" and the title as two lines, not "Output 1: title"
    )
    table_size: float = 8.0
    sheet_per_page: bool = True  # every budget sheet or annual plan starts a page
    cover: Literal["template", "table", "box"] = (
        "template"  # label/value table, or free lines and a resources box
    )
    header_rows: int = (
        0  # 1-3 rows where a table's columns are grouped; 0: the template's own
    )
    vertical_headers: bool = False  # narrow columns' header text set sideways
    year_heads: Literal["year", "Y1 year"] = (
        "year"  # 2016: a year column headed "2017" or "Y1 2017"
    )
    plan_years: Literal["columns", "captions"] = (
        "columns"  # 2016: years as columns, or a table per year
    )
    budget: Literal["activities", "components"] = (
        "activities"  # 2016: a work plan, or a GEF budget by component
    )
    money_order: Literal["fund-account", "account-fund"] = "fund-account"
    band: bool = False  # alternate rows of the big tables shaded
    spans: Literal["merged", "first"] = (
        "merged"  # a cell over several rows, or its text in the first of them only
    )
    preamble: Literal["template", "cpd"] = (
        "template"  # the outcome lines above the framework
    )
    inputs: Literal["plain", "split"] = (
        "plain"  # 2009: the framework's INPUTS with a split by source
    )
    caption: str = (
        ""  # above an annual plan or budget sheet, with {year}; "": the template's
    )
    total_label: str = (
        "TOTAL"  # total row of an annual plan or budget sheet, with {year}
    )
    subtotal: str = ""  # sub-total row after each output, with {n}; "": the template's
    zero: str = ""  # how an empty year cell prints in a plan by year
    risk_columns: Literal["template", "2007", "2016"] = "template"
    turn: Literal["none", "rotate", "sideways"] = (
        "none"  # landscape pages stored turned (/Rotate), or printed sideways
    )
    language: str = "en"  # the template's wordings and number format: en, fr, es
    # column headers as the template words them, or drawn from a half of the
    # pools of other wordings (`wording_pools.json`): `seen` or `unseen`
    wording: str = "template"

    def describe(self) -> str:
        """The options that differ from the defaults, for reports."""
        default = Layout()
        return (
            ", ".join(
                f"{f.name}={getattr(self, f.name)}"
                for f in fields(self)
                if f.name != "renderer"
                and getattr(self, f.name) != getattr(default, f.name)
            )
            or "defaults"
        )

    # ------------------------------------------------------------ how values print
    def usd(self, amount: int) -> str:
        text = grouped(amount, self.language) if self.thousands else str(amount)
        return text + f"{decimal_mark(self.language)}00" if self.decimals else text

    def kusd(self, amount: int) -> str:
        """An amount in thousands of dollars, as few decimals as it needs."""
        whole, fraction = divmod(amount, 1000)
        digits = f"{fraction:03d}".rstrip("0")
        text = grouped(whole, self.language) if self.thousands else str(whole)
        return f"{text}{decimal_mark(self.language)}{digits}" if digits else text

    def account_text(self, code: str, description: str) -> str:
        return {
            "code": code,
            "code+description": f"{code} {description}",
            "description": description,
            "code - description": f"{code} - {description}",
        }[self.account]

    def fund_text(self, funding: Funding) -> str:
        code, name = funding.fund, funding.fund_name
        return {
            "code": code,
            "name+code": f"{name} {code}",
            "name": name,
            "code+source": f"{code} {funding.source}",
        }[self.fund]

    def fund_code(self, code: str) -> str:
        """The fund code the answer key holds: the digits as printed, if any."""
        return "" if self.fund == "name" else code

    def mark(self, marked: bool) -> Cell:
        if not marked:
            return Cell()
        if self.marks == "shade":
            return Cell(shade=MARK_SHADE)
        if self.marks == "tick":
            return Cell(("✓",), align="center", symbol=True)
        return Cell((self.marks,), align="center")
