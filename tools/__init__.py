"""The project's training, data and picture scripts: run them from the repository root as modules
(`python -m tools.train_detector ...`); they import the installed package and each other, never
through `sys.path` edits."""
