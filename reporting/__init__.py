"""What a run tells a release manager: the per-table summary at the top of report.html, with nothing secret in it."""
