"""Draws one analysed frame twice: the audience's picture (recorded) and the screen's (+ operator)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tongue_mirror.core.gesture import GestureConfig
from tongue_mirror.values import FrameResult
from tongue_mirror.view.avatar_renderer import AvatarRenderer
from tongue_mirror.view.camera_panel import CameraPanel, CameraView
from tongue_mirror.view.compositor import Compositor, Hud, Layout, Picture
from tongue_mirror.view.neural_panel import NeuralPanel
from tongue_mirror.view.story import Card
from tongue_mirror.view.text import Box

ATTRACT_PROMPT = "stick your tongue out at the baby!"
PUPPET_BANNER = "PUPPET MODE: copying your face directly"


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

    def __init__(self, layout: Layout, gesture: GestureConfig | None = None,
                 camera_fit: str = "crop") -> None:
        self.layout = layout
        self.gesture = gesture or GestureConfig()
        self.compositor = Compositor(layout)
        self.avatar = AvatarRenderer(layout.avatar[2:])
        self.camera = CameraPanel(layout.camera[2:], layout.size[1], camera_fit) \
            if layout.camera else None
        self.neural = NeuralPanel(layout.neural[2:]) if layout.neural else None
        self._panels: tuple[np.ndarray, np.ndarray | None, np.ndarray | None] | None = None
        self._panel_layout = layout
        self._camera_boxes: tuple[Box, ...] = ()

    def clear(self) -> None:
        """Next person: the neural traces start afresh."""
        if self.neural is not None:
            self.neural.clear()

    def render(self, result: FrameResult, hud: Hud, options: ViewOptions = ViewOptions()
               ) -> np.ndarray:
        """The screen picture (BGR uint8): audience and operator layers."""
        return self.render_layers(result, hud, options).screen

    def render_layers(self, result: FrameResult, hud: Hud, options: ViewOptions = ViewOptions()
                      ) -> Picture:
        """The audience picture (for recordings) and the screen picture of one frame.

        With the overlay off the neural panel is hidden and the camera takes its place.
        """
        self._render_panels(result, options)
        return self._compose(hud, options, result.attract)

    def render_audience(self, result: FrameResult, hud: Hud, options: ViewOptions = ViewOptions()
                        ) -> np.ndarray:
        """`render_layers(...).audience` without drawing the screen's picture (`process`, `game`)."""
        self._render_panels(result, options)
        assert self._panels is not None
        return self.compositor.compose_audience(*self._panels,
                                                self._audience_hud(hud, options, result.attract),
                                                self._panel_layout)

    def _render_panels(self, result: FrameResult, options: ViewOptions) -> None:
        layout = self.layout if options.overlay else self.layout.without_neural()
        avatar = self.avatar.render(result.pose)
        camera = neural = None
        if self.camera is not None and layout.camera is not None:
            camera = self.camera.render(CameraView(
                image=result.frame.image, face=result.face, reading=result.reading,
                tongue=result.tongue, mouth_patch=result.mouth_patch,
                on_threshold=self.gesture.on_threshold, off_threshold=self.gesture.off_threshold,
                mirror=options.mirror, overlay=options.overlay, note=options.note),
                layout.camera[2:])
            x, y = layout.camera[:2]
            self._camera_boxes = tuple(b.offset(x, y) for b in self.camera.boxes)
        if self.neural is not None and options.overlay:
            neural = self.neural.render(result.neural, options.story, options.story_position)
        elif self.neural is not None:
            self.neural.update(result.neural)
        self._panels = (avatar, camera, neural)
        self._panel_layout = layout

    def recompose_layers(self, hud: Hud, options: ViewOptions = ViewOptions()) -> Picture:
        """Both pictures of the last panels under a new HUD (paused, camera away); black before
        the first frame."""
        if self._panels is None:
            w, h = self.layout.avatar[2:]
            self._panels = (np.zeros((h, w, 3), np.uint8), None, None)
        return self._compose(hud, options, False)

    def _compose(self, hud: Hud, options: ViewOptions, attract: bool) -> Picture:
        assert self._panels is not None
        avatar, camera, neural = self._panels
        return self.compositor.compose_layers(avatar, camera, neural,
                                              self._audience_hud(hud, options, attract),
                                              self._panel_layout, self._camera_boxes)

    def _audience_hud(self, hud: Hud, options: ViewOptions, attract: bool) -> Hud:
        """The HUD with what the audience is told: the attract prompt, puppet mode, the note."""
        if attract and hud.prompt is None:
            hud = replace(hud, prompt=ATTRACT_PROMPT)
        if options.puppet:  # said in the audience's words, where the audience reads labels
            hud = replace(hud, banner=hud.banner or PUPPET_BANNER)
        if options.note and self._panel_layout.camera is None:  # no camera panel to say it
            hud = replace(hud, note=hud.note or options.note)
        return hud
