"""Plausible project-document prose from sentence templates.

Every template is filled from a `Context` (country, sector, partners ...);
a seeded random source picks and orders them, so a document's text is
varied but the same on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .spec import Passage
from .themes import Theme


@dataclass(frozen=True)
class Context:
    country: str
    theme: Theme
    partner: str  # implementing partner, full name
    partner_short: str
    parties: tuple[str, ...]  # acronyms of the responsible parties
    donor: str
    start_year: int
    end_year: int
    sbaa_date: str

    def fill(self, template: str, rng: random.Random) -> str:
        return template.format(
            country=self.country,
            sector=self.theme.sector,
            topic=rng.choice(self.theme.topics),
            group=rng.choice(self.theme.groups),
            units=self.theme.units,
            partner=self.partner,
            partner_short=self.partner_short,
            party=rng.choice(self.parties),
            donor=self.donor,
            start=self.start_year,
            end=self.end_year,
            sbaa_date=self.sbaa_date,
        )


POOLS: dict[str, tuple[str, ...]] = {
    "situation": (
        "Over the past decade {country} has achieved steady economic growth and made visible progress on several "
        "human development indicators.",
        "These gains have not been shared evenly, and disparities between urban and rural areas, and between "
        "women and men, remain wide.",
        "The Government has identified {sector} as a priority of its national development strategy.",
        "Available studies point to weak coordination between ministries and to limited capacities at "
        "sub-national level as the main constraints.",
        "Reliable data are scarce, which makes it difficult to target resources at the {group} who need them most.",
        "Development partners have supported a number of pilot initiatives, but few of them have been taken to "
        "scale or integrated into national systems.",
        "Public spending in the sector has increased, yet a large part of it is absorbed by recurrent costs at "
        "central level.",
        "Consultations held during the formulation of this project confirmed the strong demand of local "
        "authorities for practical guidance on {topic}.",
    ),
    "national": (
        "The national development plan for {start} to {end} sets explicit targets for {sector}.",
        "A strategy on {topic} was adopted recently and assigns clear responsibilities to the {partner}.",
        "Several ministries run their own programmes, and an inter-ministerial working group has been set up to "
        "improve their coordination.",
        "The Government has also started to pilot {topic} in a small number of {units}, with encouraging results.",
        "Civil society organisations play an active role, particularly in reaching {group}.",
        "The present project builds on these initiatives rather than creating parallel structures.",
    ),
    "lessons": (
        "Evaluations of earlier projects stress the importance of national ownership from the design stage.",
        "Pilots succeed where local authorities contribute their own staff and resources from the start.",
        "Training alone rarely changes practice unless it is followed by coaching and by changes in procedures.",
        "Projects that invested in monitoring systems were better able to demonstrate results and to attract "
        "further funding.",
        "The involvement of {group} in planning has proven essential for the relevance of the services offered.",
    ),
    "strategy": (
        "The project combines policy advice at national level with capacity development and pilot initiatives "
        "in selected {units}.",
        "Its strategy rests on the conviction that lasting change requires both sound policies and institutions "
        "able to apply them.",
        "Lessons from the pilots will be documented systematically and fed back into national policy dialogue.",
        "Particular attention will be paid to {topic}, where the demand from national partners is strongest.",
        "The project will work through existing government structures and avoid creating parallel units.",
        "South-South exchanges will give national counterparts access to relevant experience from other "
        "countries of the region.",
        "Partnerships with universities and research institutes will ensure that the knowledge generated "
        "remains available after the project ends.",
    ),
    "gender": (
        "Women are under-represented in decision-making bodies related to {sector}.",
        "All studies supported by the project will collect and analyse data disaggregated by sex.",
        "Training activities will aim at an equal participation of women and men.",
        "The project will consult women's organisations when designing pilot initiatives in the {units}.",
        "Indicators in the results framework are disaggregated by sex wherever possible.",
    ),
    "management": (
        "The project will be nationally implemented, with the {partner} as Implementing Partner.",
        "A Project Board chaired by the {partner_short} and including UNDP and the main responsible parties will "
        "provide overall direction and approve annual work plans.",
        "A National Project Director will be designated by the {partner_short} and will be accountable for the "
        "use of project resources.",
        "Day-to-day management will be entrusted to a Project Manager supported by a small team of national "
        "staff.",
        "UNDP will provide quality assurance and, at the request of the Implementing Partner, support services "
        "for recruitment and procurement.",
        "Responsible parties will sign letters of agreement specifying the activities they implement and the "
        "corresponding budget.",
        "The Project Board will meet at least twice a year and whenever a substantive revision of the project "
        "is required.",
    ),
    "monitoring": (
        "The project will be monitored in accordance with the programming policies and procedures of UNDP.",
        "Quarterly progress reports will be prepared by the Project Manager and shared with the Project Board.",
        "An issue log and a risk log will be kept up to date throughout the life of the project.",
        "An annual review report will assess progress towards the outputs and the outcome of the project.",
        "A mid-term review and a final evaluation will be carried out by independent consultants.",
        "Lessons learned will be captured regularly and shared with other projects in the {sector} portfolio.",
        "Field visits to the pilot {units} will verify results reported by the responsible parties.",
    ),
    "governance": (
        "The Project Board is the group responsible for making management decisions by consensus.",
        "It is composed of the Executive, represented by the {partner_short}, the Senior Supplier, represented "
        "by UNDP and the {donor}, and the Senior Beneficiary, represented by the {party}.",
        "Project assurance is provided by a programme officer of the UNDP country office.",
        "The Project Manager runs the project on a day-to-day basis within the constraints laid down by the "
        "Board.",
        "Technical working groups may be set up for each output to advise on the quality of deliverables.",
    ),
    "results": (
        "The project is expected to contribute to the outcome of the country programme through a limited number "
        "of outputs.",
        "Resources will be concentrated on the {units} where needs are greatest and partners are committed.",
        "The {partner_short} and the responsible parties will contribute staff time and office space.",
        "Partnerships with the {donor} and other development partners will be sought to scale up successful "
        "pilots.",
        "Knowledge products will be published in the national language and disseminated through the websites "
        "of the partners.",
        "Sustainability will be ensured by anchoring all activities in the regular mandates of national "
        "institutions.",
    ),
    "risk": (
        "Consistent with the UNDP Financial Regulations and Rules, the responsible party shall apply its best "
        "efforts to ensure that project funds are used for their intended purposes.",
        "UNDP as the Implementing Partner will comply with the policies, procedures and practices of the United "
        "Nations Security Management System.",
        "Social and environmental sustainability will be enhanced through application of the UNDP Social and "
        "Environmental Standards.",
        "All signatories shall cooperate in good faith with any exercise to evaluate any programme or project "
        "commitments.",
        "The Implementing Partner will take appropriate steps to prevent misuse of funds, fraud or corruption by "
        "its officials, consultants and responsible parties.",
    ),
}

SUBHEADINGS: dict[str, tuple[str, ...]] = {
    "results": (
        "Expected Results",
        "Resources Required to Achieve the Expected Results",
        "Partnerships",
        "Risks and Assumptions",
        "Stakeholder Engagement",
        "Knowledge",
        "Sustainability and Scaling Up",
    ),
    "project_management": ("Cost Efficiency and Effectiveness", "Project Management"),
    "strategy": ("Theory of Change", "Alignment with National Priorities"),
}


def paragraph(
    pool: str, ctx: Context, rng: random.Random, sentences: tuple[int, int] = (3, 5)
) -> str:
    templates = rng.sample(POOLS[pool], min(rng.randint(*sentences), len(POOLS[pool])))
    return " ".join(ctx.fill(t, rng) for t in templates)


def passages(
    pool: str, ctx: Context, rng: random.Random, count: int, problems: bool = False
) -> tuple[Passage, ...]:
    """`count` paragraphs; for a situation analysis the theme's own sentences open the text."""
    out = [Passage(paragraph(pool, ctx, rng)) for _ in range(count)]
    if problems:
        out.insert(
            0,
            Passage(
                " ".join(
                    p.format(country=ctx.country, units=ctx.theme.units)
                    for p in ctx.theme.problems
                )
            ),
        )
    return tuple(out)


def with_subheadings(
    pool: str, heads: tuple[str, ...], ctx: Context, rng: random.Random
) -> tuple[Passage, ...]:
    out: list[Passage] = []
    for head in heads:
        out.append(Passage(head, "sub"))
        out.append(Passage(paragraph(pool, ctx, rng, (2, 4))))
    return tuple(out)


def bullets(
    pool: str, ctx: Context, rng: random.Random, count: int
) -> tuple[Passage, ...]:
    return tuple(
        Passage(ctx.fill(t, rng), "bullet") for t in rng.sample(POOLS[pool], count)
    )
