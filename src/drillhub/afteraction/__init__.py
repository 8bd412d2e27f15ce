"""After-action: hot wash feedback, evaluation (EEG), the AAR/IP and its corrective actions."""
