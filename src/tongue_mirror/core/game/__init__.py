"""The imitation game: the baby leads, the participant answers a cue; plan, responses, trials, scores."""
