"""The mirror circuit's numbers in one validated place: a bad value fails at start-up, not on stage.

Where each default comes from is told in tongue_mirror.core.circuit's docstring and docs/circuit.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Population names, in the order their spikes are drawn (changing it changes the seeded rasters).
POPULATIONS = ("visual", "mirror", "suppression", "motor", "feedback")

MODES = ("infant", "adult")

_TAUS = ("tau_visual", "tau_mirror", "tau_suppression", "tau_motor", "tau_muscle")
_DELAYS = ("delay_visual", "delay_efference", "delay_feedback")
_WEIGHTS = ("gain_visual", "w_visual_mirror", "w_efference_mirror", "w_mirror_motor",
            "w_command_suppression", "w_visual_suppression", "suppression_tonic",
            "w_intent_motor")
_UNIT_THRESHOLDS = ("motor_threshold", "imitation_on", "imitation_off", "feedback_on",
                    "mirror_on", "error_tolerance")
MAX_RATE = 200.0  # spikes/s: above anything reported for cortical neurons during these tasks


def saturate(u: float) -> float:
    """The population gain g(u) = tanh([u]+): slope 1 at 0, saturating at 1 (the scalar twin)."""
    return math.tanh(max(u, 0.0))


@dataclass(frozen=True)
class CircuitParams:
    """Every number of the rate model; units in the names' comments. Validated on creation."""

    dt: float = 0.001  # s, integration step (explicit Euler)
    channels: tuple[str, ...] = ("tongue", "jaw", "lips")
    event_channel: str = "tongue"  # whose movement raises imitation_start / imitation_end

    # Time constants (s).
    tau_visual: float = 0.05  # STS-like visual population
    tau_mirror: float = 0.10  # F5 mirror population
    tau_suppression: float = 0.10  # F5 suppression-type units
    tau_motor: float = 0.05  # M1
    tau_muscle: float = 0.15  # muscle/plant low-pass: the avatar's own movement x

    # Transmission delays (s); multiples of dt.
    delay_visual: float = 0.06  # retina -> STS-like drive
    delay_efference: float = 0.02  # M1 -> efference copy back at premotor cortex (>= dt)
    delay_feedback: float = 0.05  # own movement -> sensed feedback

    # Weights (dimensionless, activations are 0..1).
    gain_visual: float = 1.5  # observed strength o -> visual drive
    w_visual_mirror: float = 2.0  # V -> P
    w_efference_mirror: float = 0.4  # E -> P (the "doing" input to mirror units)
    w_mirror_motor: float = 1.5  # P -> M
    suppression_tonic: float = 0.5  # b_S: tonic drive of suppression units
    w_command_suppression: float = 2.0  # efference copy of the command -> S
    w_visual_suppression: float = 1.0  # V -| S
    motor_threshold: float = 0.6  # theta: M1 activation where movement starts
    motor_full: float = 0.85  # M1 activation that gives full movement
    # The baby's own decision to act (the game's "baby leads"): a drive straight to M1, strong
    # enough to pass the adult preset's inhibition (g(-1.0 + 2.5) = 0.91 > motor_full).
    w_intent_motor: float = 2.5

    # Inhibition I subtracted from M1's drive; the knob and its two presets.
    inhibition_infant: float = 0.2
    inhibition_adult: float = 1.0
    inhibition_max: float = 2.0

    # Firing rates (spikes/s): rate = spont + (peak - spont) * activation.
    rate_spont_visual: float = 5.0
    rate_peak_visual: float = 30.0
    rate_spont_mirror: float = 5.0
    rate_peak_mirror: float = 40.0
    rate_spont_suppression: float = 0.0  # their baseline comes from the tonic drive b_S
    rate_peak_suppression: float = 30.0
    rate_spont_motor: float = 5.0
    rate_peak_motor: float = 60.0
    rate_spont_feedback: float = 3.0
    rate_peak_feedback: float = 30.0

    # Raster: N model neurons per population and channel, each with a fixed lognormal gain.
    neurons_per_population: int = 20
    gain_spread: float = 0.4  # sigma of log-gain; mean gain is 1

    # Read-outs (activations 0..1).
    imitation_on: float = 0.3  # own movement x above this starts an imitation event
    imitation_off: float = 0.15  # ... and below this ends it (hysteresis)
    feedback_on: float = 0.1  # sensed own movement F above this: "that was me"
    mirror_on: float = 0.3  # mirror activation above this with no own feedback: "that was you"
    error_tolerance: float = 0.15  # |F - E| below this: feedback matches the efference copy

    max_catchup: float = 0.5  # s: a longer gap (pause, reconnect) is not simulated step by step

    def __post_init__(self) -> None:
        _check_clock(self)
        _check_dynamics(self)
        _check_rates(self)
        _check_readouts(self)
        _check_presets(self)

    # Derived quantities used by the circuit.
    def steps(self, seconds: float) -> int:
        """A duration in whole steps of dt."""
        return round(seconds / self.dt)

    @property
    def loop_gain(self) -> float:
        """Upper bound of the P -> M -> E -> P loop gain (g has slope <= 1); must stay below 1."""
        return self.w_efference_mirror * self.w_mirror_motor

    def rate_range(self, population: str) -> tuple[float, float]:
        """(spontaneous, peak) rate of one population in spikes/s."""
        return getattr(self, f"rate_spont_{population}"), getattr(self, f"rate_peak_{population}")

    def inhibition_for(self, mode: str) -> float:
        """The inhibition preset of a mode."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        return self.inhibition_infant if mode == "infant" else self.inhibition_adult


def steady_state(
    params: CircuitParams, inhibition: float, observed: float = 1.0
) -> dict[str, float]:
    """Activations the circuit settles to under a constant observed strength (fixed point)."""
    v = saturate(params.gain_visual * observed)
    m = 0.0
    p = 0.0
    for _ in range(500):  # a contraction (loop gain < 1): converges geometrically
        p = saturate(params.w_visual_mirror * v + params.w_efference_mirror * m)
        m_new = saturate(params.w_mirror_motor * p - inhibition)
        if abs(m_new - m) < 1e-12:
            m = m_new
            break
        m = m_new
    return {"visual": v, "mirror": p, "motor": m}


def _fail(name: str, value: object, why: str) -> None:
    raise ValueError(f"CircuitParams.{name}={value!r}: {why}")


def _is_multiple(value: float, dt: float) -> bool:
    return abs(value / dt - round(value / dt)) < 1e-6


def _check_clock(p: CircuitParams) -> None:
    if not (isinstance(p.dt, int | float) and 1e-4 <= p.dt <= 0.01):
        _fail("dt", p.dt, "must be between 0.1 ms and 10 ms")
    if not _is_multiple(1.0, p.dt):
        _fail("dt", p.dt, "must divide one second into whole steps (e.g. 0.001, 0.002, 0.005)")
    if not p.channels or len(set(p.channels)) != len(p.channels) or not all(
        isinstance(c, str) and c for c in p.channels
    ):
        _fail("channels", p.channels, "must be a non-empty tuple of distinct names")
    if p.event_channel not in p.channels:
        _fail("event_channel", p.event_channel, f"must be one of channels {p.channels}")
    for name in _DELAYS:
        value = getattr(p, name)
        if not (0.0 <= value <= 1.0) or not _is_multiple(value, p.dt):
            _fail(name, value, "must be a multiple of dt between 0 and 1 s")
    if p.delay_efference < p.dt:
        _fail("delay_efference", p.delay_efference, "must be at least one step (dt)")
    if not (0.05 <= p.max_catchup <= 5.0):
        _fail("max_catchup", p.max_catchup, "must be between 0.05 and 5 s")


def _check_dynamics(p: CircuitParams) -> None:
    for name in _TAUS:
        value = getattr(p, name)
        if not (2 * p.dt <= value <= 5.0):
            _fail(name, value, f"time constant must be between 2*dt={2 * p.dt} s and 5 s")
    for name in _WEIGHTS:
        value = getattr(p, name)
        if not (0.0 <= value <= 10.0):
            _fail(name, value, "weight must be between 0 and 10")
    if p.gain_visual <= 0 or p.w_visual_mirror <= 0 or p.w_mirror_motor <= 0:
        _fail("gain_visual/w_visual_mirror/w_mirror_motor",
              (p.gain_visual, p.w_visual_mirror, p.w_mirror_motor),
              "the seeing -> mirror -> motor path needs positive weights")
    if p.loop_gain >= 1.0:
        _fail("w_efference_mirror", p.w_efference_mirror,
              f"loop gain w_efference_mirror*w_mirror_motor={p.loop_gain:.3g} must be < 1 "
              "so activity dies away when the watched gesture stops")
    if not (0.0 < p.motor_threshold < 1.0):
        _fail("motor_threshold", p.motor_threshold, "must be in (0, 1)")
    if not (p.motor_threshold < p.motor_full <= 1.0):
        _fail("motor_threshold/motor_full", (p.motor_threshold, p.motor_full),
              "need motor_threshold < motor_full <= 1")


def _check_rates(p: CircuitParams) -> None:
    for pop in ("visual", "mirror", "suppression", "motor", "feedback"):
        spont, peak = p.rate_range(pop)
        if not (0.0 <= spont < peak <= MAX_RATE):
            _fail(f"rate_spont_{pop}/rate_peak_{pop}", (spont, peak),
                  f"need 0 <= spontaneous < peak <= {MAX_RATE} spikes/s")
    if not (isinstance(p.neurons_per_population, int) and 1 <= p.neurons_per_population <= 500):
        _fail("neurons_per_population", p.neurons_per_population, "must be an int in 1..500")
    if not (0.0 <= p.gain_spread <= 1.5):
        _fail("gain_spread", p.gain_spread, "must be between 0 and 1.5")


def _check_readouts(p: CircuitParams) -> None:
    for name in _UNIT_THRESHOLDS:
        value = getattr(p, name)
        if not (0.0 < value < 1.0):
            _fail(name, value, "must be in (0, 1)")
    if p.imitation_off >= p.imitation_on:
        _fail("imitation_on/imitation_off", (p.imitation_on, p.imitation_off),
              "imitation_off must be below imitation_on (hysteresis)")


def _check_presets(p: CircuitParams) -> None:
    if not (0.0 < p.inhibition_max <= 10.0):
        _fail("inhibition_max", p.inhibition_max, "must be in (0, 10]")
    if not (0.0 <= p.inhibition_infant < p.inhibition_adult <= p.inhibition_max):
        _fail("inhibition_infant/inhibition_adult/inhibition_max",
              (p.inhibition_infant, p.inhibition_adult, p.inhibition_max),
              "need 0 <= infant < adult <= inhibition_max")
    infant = steady_state(p, p.inhibition_infant)["motor"]
    adult = steady_state(p, p.inhibition_adult)["motor"]
    if infant <= p.motor_threshold:
        _fail("inhibition_infant", p.inhibition_infant,
              f"M1 reaches only {infant:.2f} <= motor_threshold: the infant would not imitate")
    if not (0.0 < adult < p.motor_threshold):
        _fail("inhibition_adult", p.inhibition_adult,
              f"adult M1 settles at {adult:.2f}: must be active but below motor_threshold")
