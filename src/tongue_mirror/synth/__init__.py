"""The synthetic performer: animates a public-domain portrait and draws a tongue, for labelled
SYNTHETIC clips (tests, the no-camera demo, robustness sweeps, detector training positives).

Nothing made here is a real recording; detector accuracy is never reported on it alone.
"""
