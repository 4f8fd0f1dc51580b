"""The tongue detector: mouth features, weights format, calibration maths, models."""
