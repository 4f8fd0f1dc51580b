"""What the programs call on the view's objects, as protocols the app is typed against."""

from __future__ import annotations

from typing import Protocol

from tongue_mirror.values import FrameResult
from tongue_mirror.view.compositor import Hud, Picture
from tongue_mirror.view.presenter import ViewOptions


class FramePresenter(Protocol):
    """Draws a frame as the audience's and the screen's picture (`view.presenter.Presenter`)."""

    def render_layers(self, result: FrameResult, hud: Hud, options: ViewOptions = ...
                      ) -> Picture: ...
    def recompose_layers(self, hud: Hud, options: ViewOptions = ...) -> Picture: ...
    def clear(self) -> None: ...


class Prompter(Protocol):
    """The steady stage prompt for each frame (`view.prompts.StagePrompter`)."""

    def update(self, result: FrameResult) -> str | None: ...
    def clear(self) -> None: ...
