"""Certificates of training that anyone can verify, and officers' training records."""
