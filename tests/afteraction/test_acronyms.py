from drillhub.afteraction.acronyms import acronyms_used
from drillhub.afteraction.report import findings_said
from drillhub.afteraction.reportdata import CapabilityResult


def test_the_appendix_spells_out_the_acronyms_the_report_uses_and_its_own():
    used = dict(acronyms_used(["Fire and EMS staged at the ICP", "The PIO was late", "NOT an ACRONYM here"]))
    assert used["EMS"] == "Emergency Medical Services" and used["ICP"] == "Incident Command Post" and "PIO" in used
    assert {"AAR", "IP", "HSEEP", "EEG", "POC"} <= set(used) and "NOT" not in used and "ICS" not in used
    assert list(used) == sorted(used)


def test_an_executive_summary_with_nothing_rated_or_observed_says_so():
    assert findings_said([]) == "No capability has been rated and no strength or area for improvement observed yet."
    rated = [CapabilityResult(capability="Planning", rating="U", targets=[]),
             CapabilityResult(capability="Mass Care Services", rating="P", targets=[])]
    assert findings_said(rated) == ("Major strengths: Mass Care Services (P). "
                                    "Primary areas for improvement: Planning (U).")
