"""The synthetic corpus: eighteen documents, six per template generation, each
with its own subject, shape, numbers and layout.  Four per generation are
typeset by our engine (through reportlab or fpdf2); two are laid out by
real-world producers, LibreOffice Writer from a Word document and Chromium
from an HTML page, which break pages and tables their own way.

Three of them carry one planted inconsistency each (see `Recipe.unmarked`
and `Recipe.misstated_total`), so every generation has an `issues` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..pdfkit import store_rotated
from .document import Block, PageSetup
from .engine import typeset
from .factory import Donor, Party, Recipe, build
from .gold import Rendered, write_gold
from .language import text_in, translated
from .layout import PAGE_SIZES, Layout
from .producers import PRODUCERS, read_back
from .renderers import renderer
from .spec import ProjectDocument
from .templates import compose
from .wording import reworded


@dataclass(frozen=True)
class Entry:
    recipe: Recipe
    layout: Layout


GEF = Donor("Global Environment Facility", "62000", "GEF")
EU = Donor("European Union", "30000", "EU")

CORPUS: tuple[Entry, ...] = (
    # ---------------------------------------------------------------- 2007 template
    Entry(
        Recipe(
            "undp-vietnam-climate-adaptation",
            "Strengthening Provincial Capacities for Climate Change "
            "Adaptation in the Central Region",
            "climate",
            "Viet Nam",
            "2007",
            2008,
            2011,
            (2, 2, 3),
            (2, 3),
            (
                Party("MONRE", "Ministry of Natural Resources and Environment"),
                Party("MARD", "Ministry of Agriculture and Rural Development"),
                Party("PPC", "Provincial People's Committees"),
            ),
            seed=101,
            donor=Donor("Government of Denmark", "30079", "Danida"),
            cost_sharing=True,
            start_quarter=3,
            risk_no_width=2,
        ),
        Layout("reportlab", family="times"),
    ),
    Entry(
        Recipe(
            "undp-mongolia-local-governance",
            "Support to Decentralisation and Local Governance Reform",
            "governance",
            "Mongolia",
            "2007",
            2009,
            2011,
            (2, 2),
            (2, 4),
            (
                Party("CabSec", "Cabinet Secretariat of the Government of Mongolia"),
                Party("MoF", "Ministry of Finance"),
                Party("CRK", "Citizens' Representative Khurals"),
            ),
            seed=202,
            donor=Donor("Swiss Agency for Development and Cooperation", "30000", "SDC"),
            risks=5,
        ),
        Layout(
            "fpdf2",
            family="vera",
            marks="x",
            rules="horizontal",
            repeat_header=False,
            split_rows=False,
            landscape=False,
            thousands=False,
            account="code+description",
            headings="alternate",
            page_numbers="page",
            table_size=7.0,
        ),
    ),
    Entry(
        Recipe(
            "undp-bangladesh-youth-employment",
            "Skills for Decent Employment of Young Women and Men",
            "employment",
            "Bangladesh",
            "2007",
            2008,
            2010,
            (2, 2, 1, 2),
            (2, 3),
            (
                Party("MoLE", "Ministry of Labour and Employment"),
                Party("BMET", "Bureau of Manpower, Employment and Training"),
                Party("DYD", "Department of Youth Development"),
            ),
            seed=303,
            cost_sharing=True,
            start_quarter=2,
            risks=3,
            risk_dates=True,
            unmarked="2.1.2",
        ),
        Layout(
            "reportlab",
            family="dejavu-serif",
            body_size=10.5,
            marks="tick",
            rules="none",
            decimals=True,
            account="description",
            page_numbers="dashes",
            sheet_per_page=False,
        ),
    ),
    Entry(
        Recipe(
            "undp-ghana-renewable-energy",
            "Scaling up Renewable Energy Services for Rural Communities",
            "energy",
            "Ghana",
            "2007",
            2009,
            2012,
            (2, 3, 2),
            (2, 3),
            (
                Party("MoE", "Ministry of Energy"),
                Party("EC", "Energy Commission"),
                Party("DAs", "District Assemblies"),
            ),
            seed=404,
            donor=GEF,
            cost_sharing=True,
            risk_no_width=2,
        ),
        Layout(
            "fpdf2",
            family="dejavu-sans",
            body_size=10,
            page="Letter",
            align="left",
            marks="shade",
            repeat_header=False,
            header_shade=0.85,
            fund="name+code",
        ),
    ),
    Entry(
        Recipe(
            "undp-bhutan-rural-electrification",
            "Off-grid Rural Electrification for Remote Villages",
            "energy",
            "Bhutan",
            "2007",
            2010,
            2012,
            (2, 2),
            (2, 3),
            (
                Party("MoEA", "Ministry of Economic Affairs"),
                Party("BPC", "Bhutan Power Corporation"),
                Party("DTs", "Dzongkhag Tshogdus"),
            ),
            seed=1313,
            donor=GEF,
            start_quarter=2,
            risk_no_width=2,
        ),
        Layout(
            "libreoffice",
            family="dejavu-serif",
            body_size=10,
            marks="shade",
            split_rows=False,
            account="code+description",
            page_numbers="page",
        ),
    ),
    Entry(
        Recipe(
            "undp-malawi-climate-resilience",
            "Enhancing Community Resilience to Climate Shocks",
            "climate",
            "Malawi",
            "2007",
            2009,
            2011,
            (2, 1, 2),
            (2, 3),
            (
                Party("EAD", "Environmental Affairs Department"),
                Party("DoDMA", "Department of Disaster Management Affairs"),
                Party("DCs", "District Councils"),
            ),
            seed=1414,
            donor=Donor("Adaptation Fund", "30079", "AF"),
            cost_sharing=True,
            risks=5,
        ),
        Layout(
            "chromium",
            family="liberation-serif",
            marks="tick",
            thousands=False,
            headings="alternate",
            sheet_per_page=False,
        ),
    ),
    # --------------------------------------------------------------- 2009-2015 template
    Entry(
        Recipe(
            "undp-moldova-justice-reform",
            "Strengthening Access to Justice and Legal Aid",
            "justice",
            "Moldova",
            "2009",
            2011,
            2014,
            (4,),
            (2, 4),
            (
                Party("MoJ", "Ministry of Justice"),
                Party("NLAC", "National Legal Aid Council"),
                Party("SCM", "Superior Council of Magistracy"),
            ),
            seed=505,
            donor=EU,
            risks=5,
            risk_dates=True,
        ),
        Layout(
            "reportlab", family="helvetica", body_size=10, account="code+description"
        ),
    ),
    Entry(
        Recipe(
            "undp-cambodia-protected-areas",
            "Sustainable Financing and Management of Protected Areas",
            "biodiversity",
            "Cambodia",
            "2009",
            2010,
            2013,
            (3,),
            (2, 3),
            (
                Party("MoE", "Ministry of Environment"),
                Party("FA", "Forestry Administration"),
            ),
            seed=606,
            donor=GEF,
            misstated_total=9000,
        ),
        Layout(
            "fpdf2",
            family="vera",
            body_size=10,
            marks="tick",
            rules="horizontal",
            repeat_header=False,
            landscape=False,
            account="description",
            activity_prefix=False,
            thousands=False,
            output_extras=True,
            table_size=7.0,
        ),
    ),
    Entry(
        Recipe(
            "undp-kenya-youth-employment",
            "Youth Employment and Enterprise Development",
            "employment",
            "Kenya",
            "2009",
            2012,
            2015,
            (5,),
            (2, 3),
            (
                Party("MoLSP", "Ministry of Labour and Social Protection"),
                Party("NITA", "National Industrial Training Authority"),
                Party("YEDF", "Youth Enterprise Development Fund"),
            ),
            seed=707,
            cost_sharing=True,
            risk_no_width=2,
        ),
        Layout(
            "reportlab",
            family="vera",
            body_size=10,
            marks="shade",
            split_rows=False,
            header_shade=0.85,
            decimals=True,
            headings="alternate",
            page_numbers="of",
        ),
    ),
    Entry(
        Recipe(
            "undp-peru-local-governance",
            "Decentralised Governance for Inclusive Local Development",
            "governance",
            "Peru",
            "2009",
            2013,
            2015,
            (3,),
            (3, 4),
            (
                Party("PCM", "Presidency of the Council of Ministers"),
                Party("MEF", "Ministry of Economy and Finance"),
                Party("AMPE", "Association of Municipalities of Peru"),
            ),
            seed=808,
            donor=Donor(
                "Spanish Agency for International Development Cooperation",
                "30000",
                "AECID",
            ),
            risks=3,
        ),
        Layout(
            "fpdf2",
            family="dejavu-serif",
            body_size=10,
            page="Letter",
            marks="x",
            rules="none",
            sheet_per_page=False,
        ),
    ),
    Entry(
        Recipe(
            "undp-uzbekistan-public-services",
            "Modernising Public Service Delivery in the Regions",
            "governance",
            "Uzbekistan",
            "2009",
            2011,
            2013,
            (4,),
            (2, 3),
            (
                Party("MoJ", "Ministry of Justice"),
                Party("MEI", "Ministry of Economy and Industry"),
                Party("RKs", "Regional Khokimiyats"),
            ),
            seed=1515,
            donor=EU,
            risks=4,
            risk_dates=True,
        ),
        Layout(
            "libreoffice",
            family="liberation-sans",
            body_size=10,
            marks="tick",
            rules="horizontal",
            repeat_header=False,
            thousands=False,
            activity_prefix=False,
        ),
    ),
    Entry(
        Recipe(
            "undp-jordan-youth-skills",
            "Skills and Jobs for Young Jordanians and Host Communities",
            "employment",
            "Jordan",
            "2009",
            2014,
            2016,
            (3,),
            (2, 4),
            (
                Party("MoL", "Ministry of Labour"),
                Party("VTC", "Vocational Training Corporation"),
                Party("MoPIC", "Ministry of Planning and International Cooperation"),
            ),
            seed=1616,
            cost_sharing=True,
            risk_no_width=2,
        ),
        Layout(
            "chromium",
            family="dejavu-sans",
            body_size=10,
            page="Letter",
            rules="none",
            marks="X",
            split_rows=False,
            account="code+description",
            headings="alternate",
            page_numbers="dashes",
        ),
    ),
    # ---------------------------------------------------------------- 2016 template
    Entry(
        Recipe(
            "undp-nepal-climate-resilience",
            "Building Climate and Disaster Resilience of Communities",
            "climate",
            "Nepal",
            "2016",
            2017,
            2020,
            (3,),
            (2, 3),
            (
                Party("MoHA", "Ministry of Home Affairs"),
                Party("MoFE", "Ministry of Forests and Environment"),
                Party("DDC", "District Coordination Committees"),
            ),
            seed=909,
            donor=Donor("Department for International Development", "30079", "DFID"),
            risks=5,
        ),
        Layout("reportlab", family="times", account="code+description"),
    ),
    Entry(
        Recipe(
            "undp-tunisia-youth-employment",
            "Promoting Youth Employment in the Interior Regions",
            "employment",
            "Tunisia",
            "2016",
            2018,
            2020,
            (2,),
            (3, 4),
            (
                Party("MFPE", "Ministry of Vocational Training and Employment"),
                Party("ANETI", "National Agency for Employment and Self-Employment"),
            ),
            seed=1010,
            donor=EU,
            cost_sharing=True,
            risk_dates=True,
        ),
        Layout(
            "fpdf2",
            family="vera",
            body_size=10,
            rules="horizontal",
            repeat_header=False,
            landscape=False,
            fund="name+code",
            account="description",
            output_newline=True,
            thousands=False,
            table_size=7.0,
        ),
    ),
    Entry(
        Recipe(
            "undp-armenia-energy-efficiency",
            "De-risking Energy Efficiency Investments in Public Buildings",
            "energy",
            "Armenia",
            "2016",
            2016,
            2019,
            (3,),
            (2, 3),
            (
                Party(
                    "MTAI", "Ministry of Territorial Administration and Infrastructure"
                ),
                Party("R2E2", "Renewable Resources and Energy Efficiency Fund"),
            ),
            seed=1111,
            donor=GEF,
            risk_no_width=2,
        ),
        Layout(
            "reportlab",
            family="dejavu-sans",
            body_size=10,
            page="Letter",
            rules="none",
            fund="name",
            decimals=True,
            headings="alternate",
            page_numbers="page",
        ),
    ),
    Entry(
        Recipe(
            "undp-zambia-access-to-justice",
            "Enhancing Access to Justice for Vulnerable Groups",
            "justice",
            "Zambia",
            "2016",
            2017,
            2020,
            (4,),
            (2, 3),
            (
                Party("MoJ", "Ministry of Justice"),
                Party("LAB", "Legal Aid Board"),
                Party("ZPS", "Zambia Prisons Service"),
            ),
            seed=1212,
            cost_sharing=True,
            misstated_total=-20000,
        ),
        Layout(
            "fpdf2",
            family="dejavu-serif",
            body_size=10.5,
            split_rows=False,
            header_shade=0.85,
            page_numbers="dashes",
        ),
    ),
    Entry(
        Recipe(
            "undp-ethiopia-protected-areas",
            "Strengthening the Sustainability of the Protected Area System",
            "biodiversity",
            "Ethiopia",
            "2016",
            2017,
            2020,
            (3,),
            (2, 3),
            (
                Party("EWCA", "Ethiopian Wildlife Conservation Authority"),
                Party("MEFCC", "Ministry of Environment, Forest and Climate Change"),
            ),
            seed=1717,
            donor=GEF,
            risks=5,
            risk_dates=True,
        ),
        Layout(
            "libreoffice",
            family="liberation-serif",
            header_shade=0.85,
            fund="name+code",
            page_numbers="of",
        ),
    ),
    Entry(
        Recipe(
            "undp-georgia-court-modernisation",
            "Modernising Courts and Legal Aid in the Regions",
            "justice",
            "Georgia",
            "2016",
            2018,
            2021,
            (3,),
            (2, 3),
            (
                Party("MoJ", "Ministry of Justice"),
                Party("HCJ", "High Council of Justice"),
                Party("LAS", "Legal Aid Service"),
            ),
            seed=1818,
            donor=EU,
            cost_sharing=True,
        ),
        Layout(
            "chromium",
            family="liberation-sans",
            body_size=10,
            rules="horizontal",
            repeat_header=False,
            thousands=False,
            account="description",
            output_newline=True,
            table_size=7.5,
        ),
    ),
)


def page_setup(spec: ProjectDocument, layout: Layout) -> PageSetup:
    return PageSetup(
        size=PAGE_SIZES[layout.page],
        family=layout.family,
        body_size=layout.body_size,
        align=layout.align,
        running_header=text_in(
            f"UNDP {spec.country} – Project Document", layout.language
        ),
        page_numbers=layout.page_numbers,
        title=spec.title,
    )


def render(entry: Entry, folder: Path) -> Rendered:
    """Build the spec, print it, write `<doc_id>.pdf`; return what the gold needs.
    Landscape pages are then stored turned, if the layout says so."""
    spec = build(entry.recipe)
    lang = entry.layout.language
    blocks = reworded(
        compose(spec, entry.layout), entry.layout.wording, entry.recipe.seed
    )
    blocks = translated(blocks, spec.chapters, lang)
    pdf = folder / f"{spec.doc_id}.pdf"
    rendered = print_pdf(spec, entry.layout, blocks, pdf)
    if entry.layout.turn != "none":
        store_rotated(
            pdf, 90, shown_upright=entry.layout.turn == "rotate", landscape_only=True
        )
    return rendered


def print_pdf(
    spec: ProjectDocument, layout: Layout, blocks: list[Block], pdf: Path
) -> Rendered:
    """Typeset the blocks and write them with the layout's backend, or hand them to its
    producer."""
    setup = page_setup(spec, layout)
    if layout.renderer in PRODUCERS:
        PRODUCERS[layout.renderer](blocks, setup, pdf)
        pages, heading_pages = read_back(pdf, blocks)
        return Rendered(spec, layout, blocks, pages, heading_pages)
    backend = renderer(layout.renderer)
    result = typeset(blocks, setup, backend.measure)
    backend.write(result.pages, pdf, spec.title)
    return Rendered(
        spec, layout, blocks, len(result.pages), result.heading_pages, result
    )


def render_corpus(
    out_dir: Path | str, entries: tuple[Entry, ...] = CORPUS
) -> list[Rendered]:
    """Write every document's PDF to `out_dir` and the answer key to `out_dir/gold`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rendered = [render(e, out) for e in entries]
    write_gold(rendered, out / "gold")
    return rendered


def build_corpus(
    out_dir: Path | str, entries: tuple[Entry, ...] = CORPUS
) -> list[Path]:
    """As `render_corpus`; returns the PDF paths."""
    return [
        Path(out_dir) / f"{r.spec.doc_id}.pdf" for r in render_corpus(out_dir, entries)
    ]
