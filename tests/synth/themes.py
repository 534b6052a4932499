"""Subject matter for the synthetic documents: one theme per kind of project.

A theme gives the nouns the generator builds titles, targets and prose from;
numbers, parties, countries and years come from the recipe of each document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    sector: str  # "climate change adaptation"
    topics: tuple[str, ...]  # subjects of activities and outputs
    groups: tuple[str, ...]  # people the project serves
    units: str  # pilot areas: "districts", "municipalities"
    outcomes: tuple[tuple[str, str], ...]  # (short title, outcome statement)
    baselines: tuple[str, ...]
    indicators: tuple[str, ...]
    problems: tuple[str, ...]  # theme-specific sentences for the situation analysis
    risks: tuple[tuple[str, str, str], ...]  # (description, category, impact)


THEMES: dict[str, Theme] = {
    t.key: t
    for t in (
        Theme(
            key="climate",
            sector="climate change adaptation",
            topics=(
                "community-based early warning",
                "climate risk mapping",
                "drought-tolerant farming practices",
                "water harvesting in upland communes",
                "climate-proofing of rural infrastructure",
                "seasonal climate forecasts",
                "mangrove rehabilitation",
                "local adaptation planning",
                "climate finance tracking",
                "flood-resilient housing",
            ),
            groups=(
                "smallholder farmers",
                "women-headed households",
                "commune officials",
                "coastal fishing communities",
            ),
            units="provinces",
            outcomes=(
                (
                    "Adaptation Policy",
                    "National and provincial development plans integrate climate change risks and "
                    "adaptation measures, with budgets allocated for their implementation.",
                ),
                (
                    "Community Resilience",
                    "Vulnerable rural communities in the target provinces apply climate-resilient "
                    "livelihood practices and are better protected against floods and droughts.",
                ),
                (
                    "Knowledge and Finance",
                    "Reliable climate information and dedicated finance flows reach decision makers "
                    "and local communities in time to guide investment.",
                ),
                (
                    "Institutional Capacity",
                    "Line ministries and provincial authorities have the skills and systems to "
                    "plan, deliver and monitor adaptation measures.",
                ),
            ),
            baselines=(
                "Climate risks are not reflected in sector plans and provincial budgets",
                "Fewer than one in five communes has a disaster or adaptation plan",
                "Climate data are scattered across agencies and rarely reach local users",
            ),
            indicators=(
                "Number of provincial plans that include adaptation measures",
                "Share of public investment screened for climate risk",
                "Number of households applying climate-resilient practices",
                "Hectares of farmland under improved water management",
                "Number of communes with functioning early warning systems",
            ),
            problems=(
                "Floods, typhoons and prolonged droughts already cost {country} a significant share of its "
                "agricultural output each year, and the poorest rural households carry most of the losses.",
                "Temperatures in the lowland {units} have risen markedly over the last three decades, while rainfall "
                "has become less predictable at planting time.",
                "Local authorities have few tools to translate national climate strategies into concrete "
                "investments, and adaptation is still seen as an environmental rather than a development concern.",
            ),
            risks=(
                (
                    "Competing priorities delay the adoption of provincial adaptation plans",
                    "Political",
                    "Adaptation measures are not budgeted and pilots remain isolated",
                ),
                (
                    "Extreme weather events disrupt field activities in the pilot provinces",
                    "Environmental",
                    "Delays in implementation and damage to demonstration sites",
                ),
                (
                    "Climate data cannot be shared between agencies because of unclear mandates",
                    "Organizational",
                    "Early warning products remain incomplete",
                ),
            ),
        ),
        Theme(
            key="governance",
            sector="local governance and public administration reform",
            topics=(
                "participatory local planning",
                "performance-based budgeting",
                "public service charters",
                "citizen feedback mechanisms",
                "municipal revenue administration",
                "e-government services",
                "inter-municipal cooperation",
                "local council oversight",
                "public procurement transparency",
                "civil registration services",
            ),
            groups=(
                "local government staff",
                "elected councillors",
                "civil society organisations",
                "women and youth",
            ),
            units="municipalities",
            outcomes=(
                (
                    "Decentralisation Framework",
                    "The legal and fiscal framework for decentralisation is clarified and "
                    "municipalities receive predictable transfers matched to their mandates.",
                ),
                (
                    "Local Service Delivery",
                    "Municipalities plan, budget and deliver basic services in a transparent and "
                    "accountable way, with the participation of citizens.",
                ),
                (
                    "Civic Participation",
                    "Citizens, in particular women and young people, take part in local "
                    "decision-making and hold local authorities to account.",
                ),
            ),
            baselines=(
                "Municipal mandates overlap with those of deconcentrated state agencies",
                "Local budgets are prepared without public consultation in most municipalities",
                "Citizens rate the quality of local services as poor",
            ),
            indicators=(
                "Number of municipalities publishing their budgets",
                "Share of municipal budgets decided through participatory planning",
                "Citizen satisfaction with local services",
                "Number of local councils with functioning oversight committees",
            ),
            problems=(
                "Since the reform of local self-government, municipalities in {country} carry a growing list of "
                "responsibilities, but their own revenues cover only a small part of the cost.",
                "Planning and budgeting at local level remain largely incremental and disconnected from the needs "
                "expressed by residents.",
                "Trust in local institutions is low, and few mechanisms allow citizens to give feedback on the "
                "services they receive.",
            ),
            risks=(
                (
                    "Delays in the adoption of the law on local finances",
                    "Regulatory",
                    "Fiscal decentralisation components cannot proceed as planned",
                ),
                (
                    "High turnover of municipal staff after local elections",
                    "Organizational",
                    "Loss of trained staff and of institutional memory",
                ),
                (
                    "Limited interest of citizens in participatory planning meetings",
                    "Strategic",
                    "Consultations are not representative of the population",
                ),
            ),
        ),
        Theme(
            key="energy",
            sector="renewable energy for rural development",
            topics=(
                "solar mini-grids",
                "micro-hydropower schemes",
                "energy-efficient cookstoves",
                "renewable energy tariff regulation",
                "biogas digesters for farms",
                "rural electrification planning",
                "energy efficiency standards for public buildings",
                "productive uses of electricity",
                "solar water pumping",
                "technician certification",
            ),
            groups=(
                "off-grid rural households",
                "small enterprises",
                "women entrepreneurs",
                "local technicians",
            ),
            units="districts",
            outcomes=(
                (
                    "Enabling Policy",
                    "A policy and regulatory framework that attracts private investment in renewable "
                    "energy for rural areas is adopted and applied.",
                ),
                (
                    "Rural Energy Access",
                    "Rural households and enterprises in the target districts gain reliable and "
                    "affordable access to modern energy services from renewable sources.",
                ),
                (
                    "Market Development",
                    "Local supply chains, finance and skills for renewable energy technologies are "
                    "in place and sustain themselves after the project.",
                ),
            ),
            baselines=(
                "Less than a third of rural households has access to electricity",
                "No tariff regulation exists for isolated mini-grids",
                "Local banks do not offer loans for renewable energy equipment",
            ),
            indicators=(
                "Number of households connected to renewable mini-grids",
                "Installed renewable capacity in the target districts",
                "Number of enterprises using electricity for productive purposes",
                "Volume of private investment in rural renewable energy",
            ),
            problems=(
                "Most rural families in {country} still rely on kerosene, candles and firewood, which are costly, "
                "polluting and a burden on women and girls who collect the fuel.",
                "Extending the national grid to remote {units} is expensive, while the potential for solar and "
                "small hydropower is abundant and largely untapped.",
                "Investors are discouraged by the absence of clear rules on tariffs, licences and the arrival of "
                "the main grid.",
            ),
            risks=(
                (
                    "Tariff regulation for mini-grids is not approved in time",
                    "Regulatory",
                    "Private operators do not invest in the pilot sites",
                ),
                (
                    "Exchange rate fluctuation raises the cost of imported equipment",
                    "Financial",
                    "Fewer installations can be financed from the approved budget",
                ),
                (
                    "Community ownership of installations is weak",
                    "Operational",
                    "Equipment is not maintained after handover",
                ),
            ),
        ),
        Theme(
            key="employment",
            sector="youth employment and skills development",
            topics=(
                "labour market information",
                "technical and vocational training",
                "apprenticeship schemes",
                "career guidance in secondary schools",
                "youth entrepreneurship support",
                "public employment services",
                "skills recognition",
                "employer partnerships",
                "green jobs",
                "job placement services",
            ),
            groups=(
                "unemployed young people",
                "school leavers",
                "young women",
                "returning migrants",
            ),
            units="regions",
            outcomes=(
                (
                    "Employment Policy",
                    "National employment and skills policies respond to labour market needs and give "
                    "priority to the employment of young people.",
                ),
                (
                    "Skills and Employability",
                    "Young women and men in the target regions acquire skills demanded by "
                    "employers and find decent work or start a business.",
                ),
                (
                    "Employment Services",
                    "Public and private employment services match job seekers with vacancies "
                    "efficiently and reach disadvantaged youth.",
                ),
                (
                    "Social Dialogue",
                    "Employers, workers and government cooperate in the design and monitoring of "
                    "youth employment measures.",
                ),
            ),
            baselines=(
                "Youth unemployment is more than twice the adult rate",
                "Training curricula have not been revised with employers for a decade",
                "Employment offices register only a small share of vacancies",
            ),
            indicators=(
                "Youth unemployment rate in the target regions",
                "Number of young people completing apprenticeships",
                "Share of graduates employed within six months",
                "Number of youth-led enterprises still operating after one year",
            ),
            problems=(
                "Every year a large cohort of young people enters the labour market in {country}, while the "
                "formal economy creates only a fraction of the jobs needed.",
                "Employers report that school leavers lack practical and job-search skills, and many vacancies in "
                "technical trades remain unfilled.",
                "Young women, rural youth and returning migrants face the greatest difficulties in finding "
                "decent work.",
            ),
            risks=(
                (
                    "Economic slowdown reduces the number of vacancies offered by employers",
                    "Financial",
                    "Placement targets cannot be reached",
                ),
                (
                    "Training providers are reluctant to revise curricula",
                    "Organizational",
                    "Training remains disconnected from labour market needs",
                ),
                (
                    "Weak coordination between the ministries in charge of labour and education",
                    "Political",
                    "Duplication of programmes and wasted resources",
                ),
            ),
        ),
        Theme(
            key="biodiversity",
            sector="biodiversity conservation and protected area management",
            topics=(
                "protected area management planning",
                "ranger patrol systems",
                "community co-management",
                "sustainable tourism concessions",
                "wildlife monitoring",
                "buffer zone livelihoods",
                "conservation finance",
                "invasive species control",
                "forest landscape restoration",
                "environmental law enforcement",
            ),
            groups=(
                "park staff",
                "forest-dependent communities",
                "indigenous communities",
                "tourism operators",
            ),
            units="protected areas",
            outcomes=(
                (
                    "Protected Area System",
                    "The national protected area system is expanded and managed effectively "
                    "under a sustainable financing plan.",
                ),
                (
                    "Landscape Management",
                    "Communities and local authorities manage the landscapes around protected "
                    "areas in ways that sustain both biodiversity and livelihoods.",
                ),
                (
                    "Enforcement and Monitoring",
                    "Illegal logging, poaching and wildlife trade are detected and "
                    "prosecuted through effective enforcement and monitoring systems.",
                ),
            ),
            baselines=(
                "Management effectiveness scores of most protected areas are below forty per cent",
                "Park revenues cover less than a quarter of recurrent costs",
                "Communities in buffer zones have no formal role in park management",
            ),
            indicators=(
                "Management effectiveness score of the target protected areas",
                "Hectares under community co-management agreements",
                "Annual revenue from park entrance fees and concessions",
                "Number of wildlife crime cases prosecuted",
            ),
            problems=(
                "{country} hosts a remarkable variety of ecosystems, from montane forests to wetlands, many of "
                "which shelter species found nowhere else.",
                "Agricultural expansion, illegal logging and poaching continue to erode habitats, including inside "
                "the boundaries of gazetted {units}.",
                "The protected area agency is understaffed and depends on annual allocations that barely cover "
                "salaries.",
            ),
            risks=(
                (
                    "Land-use conflicts with communities living in buffer zones",
                    "Social",
                    "Co-management agreements are not signed",
                ),
                (
                    "Reduced tourism revenue after a regional crisis",
                    "Financial",
                    "The sustainable financing plan cannot be implemented",
                ),
                (
                    "Weak coordination between the forestry and environment agencies",
                    "Organizational",
                    "Enforcement operations are delayed",
                ),
            ),
        ),
        Theme(
            key="justice",
            sector="access to justice and the rule of law",
            topics=(
                "legal aid services",
                "case management systems",
                "paralegal networks",
                "court user information",
                "juvenile justice procedures",
                "alternative dispute resolution",
                "human rights monitoring",
                "justice sector statistics",
                "training of prosecutors",
                "mobile courts",
            ),
            groups=(
                "poor and marginalised people",
                "women survivors of violence",
                "juveniles in conflict with the law",
                "rural communities",
            ),
            units="judicial districts",
            outcomes=(
                (
                    "Justice Sector Reform",
                    "Justice sector institutions apply a coordinated reform strategy and manage "
                    "cases efficiently and transparently.",
                ),
                (
                    "Access to Justice",
                    "Poor and marginalised people, in particular women, obtain legal aid and fair "
                    "resolution of their disputes.",
                ),
                (
                    "Human Rights Protection",
                    "National human rights institutions monitor and report on rights violations "
                    "and follow up on their recommendations.",
                ),
            ),
            baselines=(
                "The backlog of pending cases exceeds two years in most courts",
                "State-funded legal aid is available in the capital only",
                "No statistics on the duration of court proceedings are published",
            ),
            indicators=(
                "Average duration of civil and criminal cases",
                "Number of people receiving legal aid, disaggregated by sex",
                "Share of recommendations of the human rights commission followed up",
                "Number of cases resolved through mediation",
            ),
            problems=(
                "Despite important legislative reforms, many people in {country} do not seek justice because "
                "courts are distant, slow and expensive.",
                "Women survivors of violence face particular obstacles, including social pressure to settle "
                "disputes informally.",
                "Justice institutions lack reliable data to plan their resources and measure performance.",
            ),
            risks=(
                (
                    "Resistance to change within the judiciary",
                    "Political",
                    "Reform measures are adopted on paper but not applied",
                ),
                (
                    "Insufficient state budget for legal aid after the pilot phase",
                    "Financial",
                    "Legal aid services are discontinued",
                ),
                (
                    "Security incidents limit access to remote judicial districts",
                    "Operational",
                    "Mobile court sessions are cancelled",
                ),
            ),
        ),
    )
}
