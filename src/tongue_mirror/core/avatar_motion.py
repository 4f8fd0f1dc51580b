"""Makes the baby feel alive: AvatarPose from the circuit and the user, smooth and reproducible.

Every continuous channel is a critically damped second-order system (a spring that never
overshoots), integrated in closed form over each frame's real dt, so motion is the same at 15 or
60 fps and never pops. Blinks, saccades and idle "attract" behaviour are scheduled in time from one
seeded generator, so a run is deterministic under a seed whatever the frame rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tongue_mirror.values import AvatarPose


def _finite(name: str, value: float) -> None:
    if not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


@dataclass(frozen=True)
class AvatarDrive:
    """What moves the avatar this frame: the circuit's movement and where/how the user is."""

    tongue: float = 0.0  # circuit movement 0..1 per channel
    jaw: float = 0.0
    lips: float = 0.0
    tongue_direction: tuple[float, float] = (0.0, 1.0)  # on screen, x right, y down
    # Centre of the user's face in the camera image as captured (not mirrored), -1..1, y down;
    # None when nobody is in front of the camera.
    face_position: tuple[float, float] | None = None
    user_yaw: float = 0.0  # the user's head pose (radians, FaceObservation convention)
    user_pitch: float = 0.0
    user_roll: float = 0.0
    imitation_success: bool = False  # a one-frame pulse when the baby just imitated the user

    def __post_init__(self) -> None:
        for name in ("tongue", "jaw", "lips", "user_yaw", "user_pitch", "user_roll"):
            _finite(name, getattr(self, name))
        if len(self.tongue_direction) != 2:
            raise ValueError("tongue_direction must be an (x, y) pair")
        for v in self.tongue_direction:
            _finite("tongue_direction", v)
        if self.face_position is not None:
            if len(self.face_position) != 2:
                raise ValueError("face_position must be an (x, y) pair or None")
            for v in self.face_position:
                _finite("face_position", v)


@dataclass(frozen=True)
class AvatarMotionConfig:
    """Timing and gains of the idle behaviour; defaults chosen to look natural on a projector."""

    blink_mean_interval_s: float = 4.0  # mean time between blinks (plus the minimum below)
    blink_min_interval_s: float = 1.2
    blink_close_s: float = 0.07
    blink_hold_s: float = 0.03
    blink_open_s: float = 0.13
    double_blink_probability: float = 0.15
    saccade_interval_s: tuple[float, float] = (0.4, 1.8)
    saccade_amplitude: float = 0.12  # gaze units around the point of attention
    gaze_follow_gain: float = 0.9  # user's face position -> gaze
    head_follow_gain: float = 0.28  # gaze -> head yaw/pitch (radians per gaze unit)
    head_mirror_gain: float = 0.3  # user's head pose -> the baby's, mirrored
    breath_hz: float = 0.55
    delight_s: float = 1.8  # how long the smile lasts after a successful imitation
    greet_s: float = 1.0  # brows-up "oh, hello" when someone appears
    attract_after_s: float = 1.5  # nobody seen this long -> attract mode
    attract_look_interval_s: tuple[float, float] = (0.9, 2.6)
    attract_play_interval_s: tuple[float, float] = (3.0, 6.0)
    mouth_hz: float = 4.0  # natural frequencies of the critically damped springs
    gaze_hz: float = 5.0
    head_hz: float = 1.3
    face_hz: float = 2.5  # smile, brows, eye openness
    max_dt_s: float = 0.5  # a longer gap (paused video) is treated as this

    def __post_init__(self) -> None:
        positive = ("blink_mean_interval_s", "blink_close_s", "blink_open_s", "breath_hz",
                    "delight_s", "greet_s", "mouth_hz", "gaze_hz", "head_hz", "face_hz",
                    "max_dt_s")
        for name in positive:
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"AvatarMotionConfig.{name} must be > 0, got {v!r}")
        nonneg = ("blink_min_interval_s", "blink_hold_s", "saccade_amplitude", "gaze_follow_gain",
                  "head_follow_gain", "head_mirror_gain", "attract_after_s")
        for name in nonneg:
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"AvatarMotionConfig.{name} must be >= 0, got {v!r}")
        if not 0.0 <= self.double_blink_probability <= 1.0:
            raise ValueError("AvatarMotionConfig.double_blink_probability must be in 0..1")
        for name in ("saccade_interval_s", "attract_look_interval_s", "attract_play_interval_s"):
            lo, hi = getattr(self, name)
            if not (0 < lo <= hi):
                raise ValueError(f"AvatarMotionConfig.{name} must be (low, high), 0 < low <= high")


@dataclass
class _Spring:
    """Critically damped second-order follower, advanced exactly for any dt."""

    omega: float
    x: float = 0.0
    v: float = 0.0

    def step(self, target: float, dt: float) -> float:
        e = self.x - target
        decay = math.exp(-self.omega * dt)
        k = self.v + self.omega * e
        self.x = target + (e + k * dt) * decay
        self.v = (self.v - self.omega * k * dt) * decay
        return self.x


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _smoothstep(x: float) -> float:
    x = _clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


@dataclass
class _Play:
    """One playful attract-mode expression: what to show and until when."""

    kind: str
    start: float
    end: float


@dataclass
class _Schedule:
    """Times of the next random events; drawn from the seeded generator in time order."""

    next_blink: float = 0.0
    blink_start: float = -1e9
    next_saccade: float = 0.0
    saccade: tuple[float, float] = (0.0, 0.0)
    next_look: float = 0.0
    look: tuple[float, float] = (0.0, 0.0)
    next_play: float = 0.0
    play: _Play | None = None
    extra: list[float] = field(default_factory=list)  # queued second blink of a double blink


class AvatarAnimator:
    """Turns per-frame drive values into a living, smoothly moving AvatarPose."""

    def __init__(self, config: AvatarMotionConfig | None = None, seed: int = 0) -> None:
        self.config = config or AvatarMotionConfig()
        self._rng = np.random.default_rng(seed)
        c = self.config
        w_mouth, w_gaze = 2 * math.pi * c.mouth_hz, 2 * math.pi * c.gaze_hz
        w_head, w_face = 2 * math.pi * c.head_hz, 2 * math.pi * c.face_hz
        self._s = {
            "tongue": _Spring(w_mouth), "jaw": _Spring(w_mouth), "lips": _Spring(w_mouth),
            "dir_x": _Spring(w_mouth), "dir_y": _Spring(w_mouth, x=1.0),
            "gaze_x": _Spring(w_gaze), "gaze_y": _Spring(w_gaze),
            "yaw": _Spring(w_head), "pitch": _Spring(w_head), "roll": _Spring(w_head),
            "smile": _Spring(w_face, x=0.15), "brow": _Spring(w_face),
            "eyes": _Spring(w_face, x=1.0),
        }
        self._t: float | None = None
        self._t0 = 0.0
        self._sched = _Schedule()
        self._last_face_t: float | None = None
        self._face_since: float | None = None
        self._delight_until = -1e9
        self._attract = True
        self._last_attend = (0.0, 0.0)

    @property
    def attract(self) -> bool:
        """True while nobody is in front of the camera: the UI should invite the audience."""
        return self._attract

    def step(self, t: float, drive: AvatarDrive) -> AvatarPose:
        """Advance to time t (seconds, non-decreasing) and return the pose to draw."""
        _finite("t", t)
        c = self.config
        if self._t is None:
            self._t, self._t0 = t, t
            self._init_schedule(t)
        dt = _clip(t - self._t, 0.0, c.max_dt_s)
        self._t = max(self._t, t)

        # Presence and attract mode.
        if drive.face_position is not None:
            if self._last_face_t is None or t - self._last_face_t > c.attract_after_s:
                self._face_since = t
            self._last_face_t = t
        seen_recently = self._last_face_t is not None and t - self._last_face_t <= c.attract_after_s
        self._attract = not seen_recently
        if drive.imitation_success:
            self._delight_until = t + c.delight_s

        self._advance_schedule(t)
        s = self._s

        # Where to look: the user's face (mirrored), or around the room in attract mode.
        if drive.face_position is not None:
            fx, fy = (_clip(float(v), -1.5, 1.5) for v in drive.face_position)
            attend = (-fx * c.gaze_follow_gain, fy * c.gaze_follow_gain * 0.8)
            self._last_attend = attend
        elif self._attract:
            attend = self._sched.look
        else:  # face briefly lost: keep looking where it was
            attend = self._last_attend
        sx, sy = self._sched.saccade
        gaze_x = s["gaze_x"].step(_clip(attend[0] + sx, -1.0, 1.0), dt)
        gaze_y = s["gaze_y"].step(_clip(attend[1] + sy, -1.0, 1.0), dt)

        # Head: turns a little towards what it looks at and mirrors the user's head pose.
        breath = math.sin(2 * math.pi * c.breath_hz * (t - self._t0))
        mirror = c.head_mirror_gain if drive.face_position is not None else 0.0
        yaw = s["yaw"].step(_clip(attend[0] * c.head_follow_gain - drive.user_yaw * mirror,
                                  -0.6, 0.6), dt)
        pitch = s["pitch"].step(_clip(-attend[1] * c.head_follow_gain * 0.6
                                      + drive.user_pitch * mirror, -0.4, 0.4), dt)
        play = self._sched.play if self._attract else None
        roll_target = -drive.user_roll * mirror
        if play is not None and play.kind == "tilt":
            roll_target += 0.22 * self._envelope(play, t)
        roll = s["roll"].step(_clip(roll_target, -0.5, 0.5), dt)

        # Expression: friendly resting smile, delight after imitation, greeting, playful idling.
        delight = 1.0 if t < self._delight_until else 0.0
        greet = 0.0
        if self._face_since is not None and not self._attract:
            greet = 1.0 - _smoothstep((t - self._face_since) / c.greet_s)
        play_amt = {k: 0.0 for k in ("smile", "oh", "peek")}
        if play is not None and play.kind in play_amt:
            play_amt[play.kind] = self._envelope(play, t)
        tongue_busy = _clip(drive.tongue * 1.5, 0.0, 1.0)
        smile = s["smile"].step(_clip(0.15 + 0.85 * max(delight, play_amt["smile"], 0.5 * greet)
                                      - 0.3 * tongue_busy, 0.0, 1.0), dt)
        brow = s["brow"].step(_clip(0.6 * greet + 0.7 * play_amt["oh"] + 0.3 * delight
                                    + 0.25 * tongue_busy, 0.0, 1.0), dt)
        eyes = s["eyes"].step(1.0 - 0.3 * delight + 0.05 * greet, dt)

        # Mouth and tongue: the circuit's movement, smoothed only enough not to pop.
        jaw_target = max(_clip(drive.jaw, 0.0, 1.0), 0.45 * play_amt["oh"])
        jaw = s["jaw"].step(jaw_target + 0.015 * (breath + 1.0), dt)
        lips = s["lips"].step(_clip(drive.lips, 0.0, 1.0), dt)
        tongue = s["tongue"].step(max(_clip(drive.tongue, 0.0, 1.0), 0.4 * play_amt["peek"]), dt)
        dx, dy = drive.tongue_direction
        n = math.hypot(dx, dy)
        dx, dy = (dx / n, dy / n) if n > 1e-6 else (0.0, 1.0)
        dir_x = s["dir_x"].step(dx, dt)
        dir_y = s["dir_y"].step(dy, dt)
        dn = math.hypot(dir_x, dir_y)
        direction = (dir_x / dn, dir_y / dn) if dn > 1e-6 else (0.0, 1.0)

        blink = self._blink_closure(t)
        return AvatarPose(
            head_yaw=yaw, head_pitch=pitch + 0.012 * breath, head_roll=roll,
            gaze=(_clip(gaze_x, -1.0, 1.0), _clip(gaze_y, -1.0, 1.0)),
            eye_open_left=_clip(eyes * (1.0 - blink), 0.0, 1.0),
            eye_open_right=_clip(eyes * (1.0 - blink), 0.0, 1.0),
            brow_raise=_clip(brow, 0.0, 1.0), jaw_open=_clip(jaw, 0.0, 1.0),
            smile=_clip(smile, 0.0, 1.0), lip_protrusion=_clip(lips, 0.0, 1.0),
            tongue_extension=_clip(tongue, 0.0, 1.0), tongue_direction=direction)

    # --------------------------------------------------------------------------- scheduling
    def _uniform(self, lo_hi: tuple[float, float]) -> float:
        return float(self._rng.uniform(lo_hi[0], lo_hi[1]))

    def _blink_gap(self) -> float:
        c = self.config
        return c.blink_min_interval_s + float(self._rng.exponential(c.blink_mean_interval_s))

    def _init_schedule(self, t: float) -> None:
        c = self.config
        self._sched = _Schedule(next_blink=t + self._blink_gap(),
                                next_saccade=t + self._uniform(c.saccade_interval_s),
                                next_look=t, next_play=t + self._uniform(c.attract_play_interval_s))

    def _advance_schedule(self, t: float) -> None:
        """Consume every event due by t, in time order, so the draws do not depend on frame rate."""
        c = self.config
        sc = self._sched
        while sc.next_blink <= t:
            sc.blink_start = sc.next_blink
            if sc.extra:
                sc.next_blink = sc.extra.pop()
            elif self._rng.random() < c.double_blink_probability:
                sc.next_blink = sc.blink_start + 0.32
                sc.extra.append(sc.blink_start + 0.32 + self._blink_gap())
            else:
                sc.next_blink = sc.blink_start + self._blink_gap()
        while sc.next_saccade <= t:
            a = c.saccade_amplitude
            sc.saccade = (float(self._rng.uniform(-a, a)), float(self._rng.uniform(-a, a) * 0.6))
            sc.next_saccade += self._uniform(c.saccade_interval_s)
        while sc.next_look <= t:
            sc.look = (float(self._rng.uniform(-0.8, 0.8)), float(self._rng.uniform(-0.5, 0.4)))
            sc.next_look += self._uniform(c.attract_look_interval_s)
        while sc.next_play <= t:
            kind = ("smile", "oh", "peek", "tilt")[int(self._rng.integers(0, 4))]
            sc.play = _Play(kind, sc.next_play, sc.next_play + float(self._rng.uniform(0.9, 1.6)))
            sc.next_play += self._uniform(c.attract_play_interval_s)

    @staticmethod
    def _envelope(play: _Play, t: float) -> float:
        """0 -> 1 -> 0 over the expression's lifetime, with soft ramps."""
        if not play.start <= t <= play.end:
            return 0.0
        ramp = min(0.3, (play.end - play.start) / 3.0)
        return _smoothstep((t - play.start) / ramp) * _smoothstep((play.end - t) / ramp)

    def _blink_closure(self, t: float) -> float:
        """Eyelid closure 0..1 of the current blink: fast down, brief hold, slower up."""
        c = self.config
        u = t - self._sched.blink_start
        if u < 0.0:
            return 0.0
        if u < c.blink_close_s:
            return _smoothstep(u / c.blink_close_s)
        u -= c.blink_close_s
        if u < c.blink_hold_s:
            return 1.0
        u -= c.blink_hold_s
        if u < c.blink_open_s:
            return 1.0 - _smoothstep(u / c.blink_open_s)
        return 0.0
