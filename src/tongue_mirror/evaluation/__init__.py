"""Scoring a tongue detector on a labelled dataset: loading, running, metrics, report, plots."""
