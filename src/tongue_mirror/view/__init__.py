"""Drawing: the avatar, the panels, the compositor and the presenter; no sinks."""
