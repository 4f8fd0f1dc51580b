"""A small rate model of a mirror-neuron circuit: its output, not the user's face, moves the avatar.

It is a *model*, written to show an audience an idea, not a fitted description of any brain.

Equations (per action channel c in {tongue, jaw, lips}; activations are 0..1; g(u) = tanh([u]+),
slope 1 at 0 and saturating at 1; explicit Euler with dt = 1 ms; the observed strength o is held
constant between frames, so results do not depend on the frame rate):

    V:  tau_V dV/dt = -V + g(gain_V * o(t - d_V))                      seeing (STS-like)
    P:  tau_P dP/dt = -P + g(w_VP V + w_EP E)                          mirror units (F5)
    S:  tau_S dS/dt = -S + g(b_S + w_CS cmd(E) - w_VS V)               suppression units (F5)
    M:  tau_M dM/dt = -M + g(w_PM P - I + w_AM a(t))                   primary motor (M1)
    cmd(m) = clip((m - theta) / (m_full - theta), 0, 1)                 motor command to muscle
    x:  tau_x dx/dt = -x + cmd(M)                                       the avatar's own movement
    E(t) = M(t - d_E)                                                   efference copy
    F(t) = x(t - d_F)                                                   sensed own movement
    error = |F - cmd(E)|                                                comparator
    rate = spont + (peak - spont) * activation                         spikes/s per population

a(t) is the model's own intention to act (0 unless a caller commands one, as the imitation game
does when the baby leads), held between frames like o. It reaches the mirror units only through
the efference copy, so they fire while the model acts as they do while it watches.

Read-outs: "self" when own movement is sensed (F > feedback_on; here only the circuit moves the
avatar, so sensed movement always follows an efference copy, and the comparator error shows how
far the feedback lags the prediction); "other" when the mirror units are active (P > mirror_on)
with no own feedback ("mirror activity but no ice cream was tasted"); otherwise "none". The phase
adds "imitating": a motor command is out but its feedback has not caught up yet.

Stability: g has slope <= 1, so the P -> M -> E -> P loop gain is at most w_EP * w_PM (0.6 by
default, validated < 1): with nothing to watch every activation decays back to rest.

Where the numbers come from (checked against the abstracts; precision is not claimed where the
papers give none):
- Mirror units firing both when watching and when acting: di Pellegrino et al. 1992 and
  Gallese, Fadiga, Fogassi & Rizzolatti 1996 (Brain) / Rizzolatti, Fadiga, Gallese & Fogassi 1996
  (Cognitive Brain Research), macaque area F5; mouth-action mirror neurons in F5: Ferrari et al.
  2003. "About equally" is modelled by P saturating on the visual drive alone (w_VP V ~ 1.8), so
  the extra efference drive while acting adds little.
- Suppression units: Kraskov et al. 2009 (Neuron): of 64 F5 pyramidal tract neurons about half
  were modulated by watching a grasp, and 17/64 stopped firing completely while watching but fired
  while the monkey grasped. Here S has a tonic drive b_S, is pushed to zero by V (g(b_S - w_VS V)
  = 0 at full view) and rises above baseline with the efference copy of an executed command.
- M1 during watching: Vigneswaran et al. 2013 (Current Biology): 65/132 M1 pyramidal tract
  neurons were mirror-like; facilitation-type ones were only about half as active for observation
  as for execution, with no detectable muscle activity. The adult preset (I = 1.0) puts M1 at
  ~0.42 of full activation against ~0.85 for the infant (I = 0.2): about half, and below
  theta = 0.6, so no movement. The validation checks both fixed points.
- Imitation: Meltzoff & Moore 1977 (Science): infants 12-21 days old imitated facial and manual
  gestures; the facial ones were lip protrusion, mouth opening and tongue protrusion, which are
  the three channels here. (Whether newborns imitate is debated: Oostenbroek et al. 2016, Current
  Biology, found no evidence in a large longitudinal study.) The model's imitation latency
  (expected_imitation_latency(): 0.379 s after a step of the watched gesture, with the defaults)
  comes out of the time constants and delays below; the 1977 study scored gestures over response
  periods after each demonstration and reported no reaction time, so this latency is a demo
  choice, not a claim about infants.
- Rates: F5 and M1 neurons fire at tens of spikes/s when active and a few spikes/s at rest; the
  peaks (30-60 spikes/s) and spontaneous rates (0-5 spikes/s) are round numbers in that range,
  modelling choices. The same holds for the time constants (50-150 ms: the speed of cortical
  population responses and of a facial muscle twitch-to-movement), the delays (60 ms vision, 20 ms
  efference, 50 ms sensed feedback) and every weight: chosen so the qualitative behaviour above
  holds, not fitted to data.
- Spike rasters: N = 20 model neurons per population and channel, each with a fixed lognormal gain
  drawn once from the seed, spiking with probability rate * gain * dt per step (Poisson-like).
  The rates drive nothing from the spikes: they are for the audience's eyes only.

Implementation: explicit Euler is evaluated in chunks of up to d_E + 1 steps. Inside a chunk
every population's input sequence is already known (the only loop goes through the efference
delay), so each first-order filter is one small matrix product; the result is identical to stepping
one dt at a time (tests check it against a plain loop).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from tongue_mirror.core.circuit_params import MODES, POPULATIONS, CircuitParams
from tongue_mirror.values import GestureEvent, NeuralState


def _unit(value: float) -> float:
    value = float(value)
    return 0.0 if not math.isfinite(value) else min(max(value, 0.0), 1.0)


class _Filter:
    """Exact chunked form of the Euler step y <- y + dt/tau (u - y) for up to `size` steps."""

    def __init__(self, dt: float, tau: float, size: int) -> None:
        a = 1.0 - dt / tau
        i = np.arange(size)
        self.decay = a ** (i + 1.0)
        lag = i[:, None] - i[None, :]
        self.kernel = np.where(lag >= 0, (dt / tau) * a ** np.maximum(lag, 0), 0.0)

    def run(self, y0: np.ndarray, inputs: np.ndarray) -> np.ndarray:
        """States after each of len(inputs) steps, shape (n, channels)."""
        n = inputs.shape[0]
        return self.decay[:n, None] * y0[None, :] + self.kernel[:n, :n] @ inputs


class _Ring:
    """Per-step history of one quantity, for delayed reads."""

    def __init__(self, delay: int, chunk: int, channels: int) -> None:
        self.size = 2 * (delay + chunk) + 2  # reads before step 0 land on never-written zeros
        self.data = np.zeros((self.size, channels))

    def write(self, steps: np.ndarray, values: np.ndarray) -> None:
        self.data[steps % self.size] = values

    def read(self, steps: np.ndarray) -> np.ndarray:
        return self.data[steps % self.size]


def _g(u: np.ndarray) -> np.ndarray:
    return np.tanh(np.maximum(u, 0.0))


class MirrorCircuit:
    """The circuit on its own 1 ms clock; frames only say how far to advance it."""

    def __init__(
        self, params: CircuitParams | None = None, seed: int = 0, mode: str = "infant"
    ) -> None:
        self.params = params or CircuitParams()
        p = self.params
        self._seed = int(seed)
        self._inhibition = p.inhibition_for(mode)
        self._n_ch = len(p.channels)
        self._d_visual = p.steps(p.delay_visual)
        self._d_eff = p.steps(p.delay_efference)
        self._d_fb = p.steps(p.delay_feedback)
        self._chunk = self._d_eff + 1
        self._max_steps = p.steps(p.max_catchup)
        self._event_ch = p.channels.index(p.event_channel)
        self._filters = {
            name: _Filter(p.dt, getattr(p, f"tau_{name}"), self._chunk)
            for name in ("visual", "mirror", "suppression", "motor", "muscle")
        }
        ranges = [p.rate_range(pop) for pop in POPULATIONS]
        self._spont = np.array([r[0] for r in ranges])[None, :, None]
        self._span = np.array([r[1] - r[0] for r in ranges])[None, :, None]
        gain_rng = np.random.default_rng([self._seed, 1])
        shape = (len(POPULATIONS), self._n_ch, p.neurons_per_population)
        sigma = p.gain_spread
        self._gains = np.exp(sigma * gain_rng.standard_normal(shape) - sigma**2 / 2)
        self.reset()

    # ---- knobs -------------------------------------------------------------------------------
    @property
    def inhibition(self) -> float:
        """The current inhibition level I."""
        return self._inhibition

    @property
    def mode(self) -> str:
        """"infant" or "adult" when the knob sits on a preset, else ""."""
        for mode in MODES:
            if math.isclose(self._inhibition, self.params.inhibition_for(mode)):
                return mode
        return ""

    def set_inhibition(self, value: float) -> None:
        """Move the knob; the next steps use the new level."""
        value = float(value)
        if not (0.0 <= value <= self.params.inhibition_max):
            raise ValueError(
                f"inhibition must be between 0 and {self.params.inhibition_max}, got {value}"
            )
        self._inhibition = value

    def nudge_inhibition(self, delta: float) -> float:
        """Move the knob by delta, clipped to its range (for the live keys); returns the level."""
        self._inhibition = min(max(self._inhibition + delta, 0.0), self.params.inhibition_max)
        return self._inhibition

    def set_mode(self, mode: str) -> None:
        """Jump to the infant (imitates) or adult (only mirrors) preset."""
        self._inhibition = self.params.inhibition_for(mode)

    def reset(self) -> None:
        """Back to rest for the next person; keeps the inhibition level and the neurons' gains."""
        p = self.params
        zeros = np.zeros(self._n_ch)
        self._state = {name: zeros.copy() for name in ("visual", "mirror", "motor", "muscle")}
        self._state["suppression"] = np.full(self._n_ch, math.tanh(p.suppression_tonic))
        self._visual_in = _Ring(self._d_visual, self._chunk, self._n_ch)
        self._motor_hist = _Ring(self._d_eff, self._chunk, self._n_ch)
        self._muscle_hist = _Ring(self._d_fb, self._chunk, self._n_ch)
        self._held = zeros.copy()
        self._intent = zeros.copy()
        self._step = 0
        self._t_origin: float | None = None
        self._t_last: float | None = None
        self._imitating = False
        self._own = False  # the movement under way was commanded (own action), not imitation
        self._rng = np.random.default_rng([self._seed, 2])

    # ---- the clock ---------------------------------------------------------------------------
    def time_of(self, step: int) -> float:
        """Wall time (the caller's clock) of a step."""
        return (self._t_origin or 0.0) + step * self.params.dt

    def advance_to(
        self, t: float, observed: Mapping[str, float] | None, frame: int = -1,
        intent: Mapping[str, float] | None = None,
    ) -> NeuralState:
        """Run the steps due up to time t, then hold `observed` (seen at t) and `intent` (the
        model's own action, per channel 0..1) for the next ones."""
        t = float(t)
        if not math.isfinite(t):
            raise ValueError(f"time must be finite, got {t}")
        events: list[GestureEvent] = []
        if self._t_origin is None:
            self._t_origin = t - self._step * self.params.dt
        due = math.floor((t - self.time_of(self._step)) / self.params.dt + 1e-6)
        if due < 0 or due > self._max_steps:
            gap = t - (self._t_last if self._t_last is not None else t)
            run = 0 if due < 0 else self._max_steps
            events.append(GestureEvent(t, frame, "circuit_clock_jump", {
                "gap_s": round(gap, 4), "simulated_s": round(run * self.params.dt, 4)}))
            due = run
        acts, signals, new_events = self._run(due, frame)
        events.extend(new_events)
        if events and events[0].event == "circuit_clock_jump":
            self._t_origin = t - self._step * self.params.dt  # re-anchor after the jump
        self._t_last = t
        observed = observed or {}
        self._held = np.array([_unit(observed.get(c, 0.0)) for c in self.params.channels])
        intent = intent or {}
        self._intent = np.array([_unit(intent.get(c, 0.0)) for c in self.params.channels])
        return self._snapshot(t, acts, signals, tuple(events))

    # ---- the dynamics ------------------------------------------------------------------------
    def _command(self, motor: np.ndarray) -> np.ndarray:
        p = self.params
        u = (motor - p.motor_threshold) * (1.0 / (p.motor_full - p.motor_threshold))
        return np.minimum(np.maximum(u, 0.0), 1.0)

    def _run(self, steps: int, frame: int
             ) -> tuple[np.ndarray, dict[str, np.ndarray], list[GestureEvent]]:
        """Advance `steps` steps: activations (steps, populations, channels), signals, events."""
        first = self._step
        parts: list[tuple[np.ndarray, ...]] = []
        done = 0
        while done < steps:
            n = min(self._chunk, steps - done)
            parts.append(self._run_chunk(n))
            done += n
        if not parts:
            return np.zeros((0, len(POPULATIONS), self._n_ch)), {}, []
        acts, feedback, efference, muscle = (np.concatenate(x) for x in zip(*parts, strict=True))
        events = self._imitation_events(muscle[:, self._event_ch], first + 1, frame)
        return acts, {"feedback": feedback, "efference": efference, "muscle": muscle}, events

    def _run_chunk(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        p = self.params
        s = self._step
        ks = np.arange(s, s + n)  # transitions k -> k+1 use the states at k
        js = ks + 1  # the new states
        st = self._state
        self._visual_in.write(ks, np.broadcast_to(self._held, (n, self._n_ch)))
        seen = self._visual_in.read(ks - self._d_visual)
        visual = self._filters["visual"].run(st["visual"], _g(p.gain_visual * seen))
        v_k = np.vstack([st["visual"][None], visual[:-1]])
        eff_k = self._motor_hist.read(ks - self._d_eff)
        mirror = self._filters["mirror"].run(
            st["mirror"], _g(p.w_visual_mirror * v_k + p.w_efference_mirror * eff_k))
        supp = self._filters["suppression"].run(
            st["suppression"],
            _g(p.suppression_tonic + p.w_command_suppression * self._command(eff_k)
               - p.w_visual_suppression * v_k))
        p_k = np.vstack([st["mirror"][None], mirror[:-1]])
        motor = self._filters["motor"].run(
            st["motor"], _g(p.w_mirror_motor * p_k - self._inhibition
                            + p.w_intent_motor * self._intent))
        m_k = np.vstack([st["motor"][None], motor[:-1]])
        muscle = self._filters["muscle"].run(st["muscle"], self._command(m_k))
        self._motor_hist.write(js, motor)
        self._muscle_hist.write(js, muscle)
        feedback = self._muscle_hist.read(js - self._d_fb)
        efference = self._command(self._motor_hist.read(js - self._d_eff))
        self._state = {"visual": visual[-1], "mirror": mirror[-1], "suppression": supp[-1],
                       "motor": motor[-1], "muscle": muscle[-1]}
        self._step = s + n
        acts = np.stack([visual, mirror, supp, motor, feedback], axis=1)
        return acts, feedback, efference, muscle

    def _imitation_events(
        self, movement: np.ndarray, first_step: int, frame: int
    ) -> list[GestureEvent]:
        """imitation_start/_end where the event channel's own movement crosses its hysteresis
        (action_start/_end when the movement was the model's own command, `intent`)."""
        p = self.params
        events = []
        i = 0
        while i < len(movement):
            rest = movement[i:] < p.imitation_off if self._imitating else (
                movement[i:] > p.imitation_on)
            if not rest.any():
                break
            i += int(np.argmax(rest))
            self._imitating = not self._imitating
            if self._imitating:  # the baby's own command is an action, not an imitation
                self._own = bool(self._intent[self._event_ch] > 0)
            kind = "action" if self._own else "imitation"
            name = f"{kind}_start" if self._imitating else f"{kind}_end"
            events.append(GestureEvent(self.time_of(first_step + i), frame, name,
                                       {"channel": p.event_channel}))
        return events

    # ---- the snapshot ------------------------------------------------------------------------
    def _readout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, str]:
        """Feedback, efference, comparator error, attribution and phase at the current step."""
        p = self.params
        feedback = self._muscle_hist.read(np.array([self._step - self._d_fb]))[0]
        efference = self._command(self._motor_hist.read(np.array([self._step - self._d_eff]))[0])
        error = np.abs(feedback - efference)
        own = feedback > p.feedback_on
        other = (self._state["mirror"] > p.mirror_on) & ~own
        attribution = "self" if own.any() else "other" if other.any() else "none"
        command = self._command(self._state["motor"])
        lagging = (command > 0) & ((error > p.error_tolerance) | ~own)
        if lagging.any():
            phase = "imitating"
        else:
            phase = {"self": "self", "other": "other", "none": "watching"}[attribution]
        return feedback, efference, error, attribution, phase

    def _snapshot(
        self, t: float, acts: np.ndarray, signals: dict[str, np.ndarray],
        events: tuple[GestureEvent, ...],
    ) -> NeuralState:
        p = self.params
        feedback, efference, error, attribution, phase = self._readout()
        now = np.stack([self._state["visual"], self._state["mirror"], self._state["suppression"],
                        self._state["motor"], feedback])
        rates = self._spont[0] + self._span[0] * now
        step_rates = self._spont + self._span * acts  # (steps, populations, channels)
        probs = (step_rates * p.dt)[..., None] * self._gains[None]
        # one draw per frame, step-major, so the stream does not depend on the frame times
        spikes = self._rng.random(probs.shape, dtype=np.float32) < probs
        spont, peak = p.rate_range("motor")
        return NeuralState(
            t=t,
            channels=p.channels,
            rates={pop: _frozen(rates[i]) for i, pop in enumerate(POPULATIONS)},
            spikes={pop: _frozen(spikes[:, i]) for i, pop in enumerate(POPULATIONS)},
            movement={c: float(self._state["muscle"][i]) for i, c in enumerate(p.channels)},
            attribution=attribution,
            inhibition=self._inhibition,
            events=events,
            signals={"efference": _frozen(efference), "feedback": _frozen(feedback),
                     "error": _frozen(error)},
            rate_ranges={pop: p.rate_range(pop) for pop in POPULATIONS},
            motor_threshold_rate=spont + (peak - spont) * p.motor_threshold,
            phase=phase,
            mode=self.mode,
            dt=p.dt,
            intent={c: float(v) for c, v in zip(p.channels, self._intent, strict=True) if v > 0},
        )


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def expected_imitation_latency(
    params: CircuitParams | None = None, mode: str = "infant", strength: float = 1.0,
    limit: float = 3.0,
) -> float | None:
    """Seconds from a step of the watched gesture (0 -> strength) to imitation_start, or None."""
    params = params or CircuitParams()
    circuit = MirrorCircuit(params, seed=0, mode=mode)
    observed = {params.event_channel: strength}
    circuit.advance_to(0.0, observed)
    t = 0.0
    while t < limit:
        t = round(t + 0.1, 6)
        for event in circuit.advance_to(t, observed).events:
            if event.event == "imitation_start":
                return event.t
    return None
