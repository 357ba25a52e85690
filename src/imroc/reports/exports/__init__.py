"""Exports: whole-site ZIP of CSV files with a manifest, de-identified profile, FHIR bundles."""
