"""Third-country removal deals of 2025 are not asylum-transfer agreements (issue 12; fact sheet
shared/data/facts-2025-2026.md, A8-A10): none of them may appear as an ACA program."""

from __future__ import annotations

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import programs

#: Panama, Costa Rica, South Sudan, Eswatini, Rwanda, Ghana: removals of people (often with
#: final orders) to a country not theirs, not transfers of asylum seekers under INA 208(a)(2)(A).
REMOVAL_ONLY_PARTNERS = {"PA", "CR", "SS", "SZ", "RW", "GH"}


def test_no_removal_only_partner_has_an_agreement_folder(tree: ParameterTree) -> None:
    assert not REMOVAL_ONLY_PARTNERS & set(tree.receiving_countries())


def test_every_aca_program_transfers_asylum_seekers_to_a_partner_with_a_folder(
    tree: ParameterTree,
) -> None:
    acas = [p for p in programs(tree) if p.pathway == "ACA_TRANSFER"]
    assert {p.country for p in acas} == set(tree.receiving_countries())
    assert not REMOVAL_ONLY_PARTNERS & {p.country for p in acas}
