"""Draws one analysed frame as the composed view: camera, baby, neurons and the HUD."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tongue_mirror.core.gesture import GestureConfig
from tongue_mirror.values import FrameResult
from tongue_mirror.view.avatar_renderer import AvatarRenderer
from tongue_mirror.view.camera_panel import CameraPanel, CameraView
from tongue_mirror.view.compositor import Compositor, Hud, Layout
from tongue_mirror.view.neural_panel import NeuralPanel
from tongue_mirror.view.story import Card

ATTRACT_PROMPT = "stick your tongue out at the baby!"


@dataclass(frozen=True)
class ViewOptions:
    """What the viewer toggled: mirroring, overlays, help, and notes to show."""

    mirror: bool = True
    overlay: bool = True
    note: str | None = None  # e.g. "no camera: playing a synthetic sample"
    puppet: bool = False
    story: Card | None = None  # the story-mode card over the neural panel
    story_position: str = ""  # e.g. "2/4"


class Presenter:
    """Owns the panel renderers for one canvas layout; never touches a window."""

    def __init__(self, layout: Layout, gesture: GestureConfig | None = None) -> None:
        self.layout = layout
        self.gesture = gesture or GestureConfig()
        self.compositor = Compositor(layout)
        self.avatar = AvatarRenderer(layout.avatar[2:])
        self.camera = CameraPanel(layout.camera[2:]) if layout.camera else None
        self.neural = NeuralPanel(layout.neural[2:]) if layout.neural else None
        self._panels: tuple[np.ndarray | None, ...] | None = None

    def clear(self) -> None:
        """Next person: the neural traces start afresh."""
        if self.neural is not None:
            self.neural.clear()

    def render(self, result: FrameResult, hud: Hud, options: ViewOptions = ViewOptions()
               ) -> np.ndarray:
        """The composed canvas (BGR uint8)."""
        label = "PUPPET MODE: copying your face directly" if options.puppet else None
        avatar = self.avatar.render(result.pose, overlay_text=label)
        camera = neural = None
        if self.camera is not None:
            camera = self.camera.render(CameraView(
                image=result.frame.image, face=result.face, reading=result.reading,
                tongue=result.tongue, mouth_patch=result.mouth_patch,
                on_threshold=self.gesture.on_threshold, off_threshold=self.gesture.off_threshold,
                mirror=options.mirror, overlay=options.overlay, note=options.note))
        if self.neural is not None and options.overlay:
            neural = self.neural.render(result.neural, options.story, options.story_position)
        elif self.neural is not None:
            self.neural.update(result.neural)
        if result.attract and hud.prompt is None:
            hud = replace(hud, prompt=ATTRACT_PROMPT)
        self._panels = (avatar, camera, neural)
        return self.compositor.compose(avatar, camera, neural, hud)

    def recompose(self, hud: Hud) -> np.ndarray:
        """The last panels under a new HUD (paused, camera away); black before the first frame."""
        if self._panels is None:
            w, h = self.layout.avatar[2:]
            return self.compositor.compose(np.zeros((h, w, 3), np.uint8), hud=hud)
        return self.compositor.compose(*self._panels, hud=hud)
