"""The acronyms an After-Action Report may use, spelt out for its appendix: HSEEP's own, and those of
public-safety work that scenarios, targets and evaluators' notes use most."""

import re

ACRONYMS = {
    "AAR": "After-Action Report", "ALS": "Advanced Life Support", "BLS": "Basic Life Support",
    "CAD": "Computer-Aided Dispatch", "EEG": "Exercise Evaluation Guide", "EMS": "Emergency Medical Services",
    "EOC": "Emergency Operations Center", "FE": "Functional Exercise", "FSE": "Full-Scale Exercise",
    "HSEEP": "Homeland Security Exercise and Evaluation Program", "IAP": "Incident Action Plan",
    "IC": "Incident Commander", "ICP": "Incident Command Post", "ICS": "Incident Command System",
    "IED": "Improvised Explosive Device", "IP": "Improvement Plan", "JIC": "Joint Information Center",
    "MCI": "Mass Casualty Incident", "MSEL": "Master Scenario Events List", "NIMS": "National Incident Management System",
    "PIO": "Public Information Officer", "POC": "Point of Contact", "PPE": "Personal Protective Equipment",
    "PSAP": "Public Safety Answering Point", "SOP": "Standard Operating Procedure", "TTX": "Tabletop Exercise",
    "UC": "Unified Command",
}
ALWAYS = ("AAR", "IP", "HSEEP", "EEG", "POC")  # the report's own words


def acronyms_used(texts: list[str]) -> list[tuple[str, str]]:
    """(acronym, what it stands for) for each known acronym in the texts, and the report's own, by letter."""
    found = set(ALWAYS)
    for text in texts:
        found |= {word for word in re.findall(r"\b[A-Z]{2,6}\b", text) if word in ACRONYMS}
    return sorted((acronym, ACRONYMS[acronym]) for acronym in found)
