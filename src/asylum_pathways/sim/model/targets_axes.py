"""The axes of the encounter targets tensor T[month, location, citizenship, demographic] and
the data files it is raked from."""

from __future__ import annotations

from asylum_pathways import codes
from asylum_pathways.data import FILE as FACT_SHEET

#: The 2025-2026 data file and the assumptions that split its totals.
DATA_2025 = FACT_SHEET.parent / "encounters-2025.yaml"
#: Port (OFO) months of FY2019 and 2020-10..2021-01.
SERIES = FACT_SHEET.parent / "series-2019-2021.yaml"
ASSUMPTIONS_2025 = "assumptions.encounters_2025"
#: Citizenship groups of the generator; OTHER is split by assumptions.population.other_nationalities.
CITIZENSHIP = ("MX", "GT", "HN", "SV", "CU", "EC", "BR", "HT", "NI", "VE", "IN", "CN", "OTHER")
DEMOGRAPHIC = codes.DEMOGRAPHICS  # UAC, FMUA, SA
SECTOR_NAME = {v: k for k, v in codes.SECTOR_NAMES.items()}
#: OFO field offices: each is represented by its main MPP port (a documented simplification).
FIELD_OFFICES = {"San Diego": "SYS", "El Paso": "ELP", "Laredo": "LAR", "Tucson": "NOG"}
LOCATIONS = (*codes.SECTORS, *(f"OFO:{fo}" for fo in FIELD_OFFICES))
#: The keys of the published demographic and five-citizenship breakdowns.
DEMO_KEY = {"UAC": "uac", "FMUA": "fmua", "SA": "single_adults"}
CIT5 = ("mexico", "guatemala", "honduras", "el_salvador", "all_other")
