"""The colours, dashes and labels every chart and the page share.

Okabe & Ito (2008) colour-blind-safe palette; one colour per scenario and per pathway,
used in every chart and on the page.
"""

from __future__ import annotations

SCENARIO_COLORS = ["#0072B2", "#E69F00", "#CC79A7", "#009E73", "#56B4E9", "#D55E00"]
SCENARIO_DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]]
PATHWAY_COLORS = {
    "TITLE42_EXPULSION": "#7F7F7F",
    "UAC_REFERRAL": "#56B4E9",
    "ACA_TRANSFER": "#D55E00",
    "MPP_RETURN": "#E69F00",
    "EXPEDITED_REMOVAL": "#CC79A7",
    "CREDIBLE_FEAR": "#0072B2",
    "NTA_RELEASE": "#009E73",
    "UNDETERMINED": "#000000",
    # the pathways of 2023-2026 (Paul Tol's muted scheme, beyond Okabe-Ito's eight)
    "PROCLAMATION_REMOVAL": "#882255",
    "CREDIBLE_FEAR_ASYLUM_BAR": "#332288",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "#DDCC77",
}
PATHWAY_LABELS = {
    "TITLE42_EXPULSION": "Title 42 expulsion",
    "UAC_REFERRAL": "Unaccompanied child referred to HHS",
    "ACA_TRANSFER": "ACA transfer",
    "MPP_RETURN": "Returned to Mexico (MPP)",
    "EXPEDITED_REMOVAL": "Expedited removal",
    "CREDIBLE_FEAR": "Credible-fear screening",
    "NTA_RELEASE": "Notice to appear, released",
    "UNDETERMINED": "Undetermined",
    "PROCLAMATION_REMOVAL": "Removed under Proclamation 10888",
    "CREDIBLE_FEAR_ASYLUM_BAR": "Credible-fear screening, asylum barred",
    "CREDIBLE_FEAR_LAWFUL_PATHWAYS": "Credible-fear screening, lawful-pathways presumption",
}
KIND_SHAPES = {"validation": "diamond", "calibration": "circle", "by_construction": "square"}
KIND_FILLS = {"validation": "#000000", "calibration": "#7F7F7F", "by_construction": "#BBBBBB"}
