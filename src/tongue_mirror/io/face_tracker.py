"""The only module that imports MediaPipe: Face Landmarker in VIDEO mode, converted once to our values."""

from __future__ import annotations

import ctypes
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from tongue_mirror.errors import UserError
from tongue_mirror.io.assets import verified_model
from tongue_mirror.io.quiet_native import quiet_native_stderr
from tongue_mirror.values import FaceObservation, Frame


@dataclass(frozen=True)
class TrackerConfig:
    """How the landmarker runs."""

    model_path: Path | None = None  # None = the shipped, hash-checked model
    max_faces: int = 1
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_input_side: int = 1280  # downscale larger frames (4K) before the landmarker; 0 = never

    def __post_init__(self) -> None:
        if self.max_faces < 1:
            raise ValueError("max_faces must be >= 1")
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in 0..1")
        if self.max_input_side < 0:
            raise ValueError("max_input_side must be >= 0")


def euler_from_matrix(m: np.ndarray) -> tuple[float, float, float]:
    """Yaw, pitch, roll (radians) from MediaPipe's facial transformation matrix, image convention."""
    r = np.asarray(m, dtype=np.float64)[:3, :3]
    # MediaPipe's canonical face: x to the face's left (image right), y up, z towards the camera.
    pitch = math.atan2(r[2, 1], r[2, 2])
    yaw = math.asin(max(-1.0, min(1.0, -r[2, 0])))
    roll = math.atan2(r[1, 0], r[0, 0])
    return yaw, pitch, -roll


@dataclass(frozen=True)
class RawFace:
    """One face as the landmarker returns it: normalised (x, y, z) per landmark as float32,
    blendshape scores by name, the facial transformation matrix (None when not given)."""

    points: np.ndarray
    blendshapes: dict[str, float]
    matrix: np.ndarray | None


def raw_faces(result: Any) -> list[RawFace]:
    """The faces of a MediaPipe `FaceLandmarkerResult` (its Python objects)."""
    mats = result.facial_transformation_matrixes
    return [RawFace(np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32),
                    {c.category_name: float(c.score)
                     for c in (result.face_blendshapes[i] if result.face_blendshapes else [])},
                    mats[i] if mats else None)
            for i, lms in enumerate(result.face_landmarks or [])]


class ResultReader:
    """Runs the landmarker through MediaPipe's C API and reads its result with numpy.

    MediaPipe's ctypes binding (its Tasks C API, as in 1.2) builds one Python object per
    landmark, 478 a face: 0.6 ms of CPU a frame here, all of it holding the GIL on the thread
    that tracks, while `process` analyses and draws beside it. Here: the same C call, the same
    float32 values, read as one array. `available` is False for a MediaPipe without that
    binding (the older pybind one); the tracker then uses the public API.
    """

    def __init__(self, landmarker: Any) -> None:
        self._landmarker = landmarker
        try:
            import mediapipe as mp
            from mediapipe.tasks.python.components.containers import landmark_c
            from mediapipe.tasks.python.vision import face_landmarker
        except ImportError:
            self.available = False
            return
        result_type = getattr(face_landmarker, "MpFaceLandmarkerResultC", None)
        struct = getattr(landmark_c, "MpNormalizedLandmarkC", None)
        lib = getattr(landmarker, "_lib", None)
        self._result_type: Any = result_type
        # MediaPipe's dispatcher runs every C call on a thread of its own and waits for it: two
        # hand-overs and three GIL acquisitions a call. The library it wraps (`_lib`) is called
        # here directly, from the one thread that tracks; the dispatcher's own purpose, one call at
        # a time per landmarker, still holds (MediaPipe gives each landmarker its own dispatcher).
        raw = getattr(lib, "_lib", None)
        try:
            from mediapipe.tasks.python.core.mediapipe_c_utils import handle_status
        except ImportError:
            handle_status = None
        direct = handle_status is not None and all(callable(getattr(raw, name, None)) for name in (
            "MpFaceLandmarkerDetectForVideo", "MpFaceLandmarkerCloseResult", "MpErrorFree"))
        self._raw: Any = raw if direct else None
        self._handle_status: Any = handle_status
        image_fields = getattr(getattr(mp, "Image", None), "__annotations__", {})
        self.available = (result_type is not None and struct is not None
                          and "_image_ptr" in image_fields and hasattr(landmarker, "_handle")
                          and hasattr(lib, "MpFaceLandmarkerDetectForVideo")
                          and hasattr(lib, "MpFaceLandmarkerCloseResult"))
        if self.available:
            assert struct is not None
            self._point = np.dtype({"names": ["x", "y", "z"], "formats": ["<f4"] * 3,
                                    "offsets": [struct.x.offset, struct.y.offset, struct.z.offset],
                                    "itemsize": ctypes.sizeof(struct)})

    def detect_for_video(self, image: Any, timestamp_ms: int) -> list[RawFace]:
        """The faces in one video frame, as `raw_faces(landmarker.detect_for_video(...))`."""
        landmarker = self._landmarker
        result = self._result_type()
        raw = self._raw
        if raw is None:
            landmarker._lib.MpFaceLandmarkerDetectForVideo(
                landmarker._handle, image._image_ptr, None, timestamp_ms, ctypes.byref(result))
        else:  # what MediaPipe's dispatcher does on its thread, here on this one
            error = ctypes.c_char_p()
            status = raw.MpFaceLandmarkerDetectForVideo(
                landmarker._handle, image._image_ptr, None, timestamp_ms, ctypes.byref(result),
                ctypes.byref(error))
            try:
                self._handle_status(status, error)
            finally:
                if error.value is not None:
                    raw.MpErrorFree(error)
        lib = raw if raw is not None else landmarker._lib
        try:
            return [self._face(result, i) for i in range(result.face_landmarks_count)]
        finally:
            lib.MpFaceLandmarkerCloseResult(ctypes.byref(result))

    def _face(self, result: Any, i: int) -> RawFace:
        marks = result.face_landmarks[i]
        n = marks.landmarks_count
        size = n * self._point.itemsize
        buffer = (ctypes.c_char * size).from_address(ctypes.addressof(marks.landmarks.contents)) \
            if n else b""
        packed = np.frombuffer(buffer, self._point, count=n)
        points = np.stack([packed["x"], packed["y"], packed["z"]], axis=1)
        scores: dict[str, float] = {}
        if i < result.face_blendshapes_count:
            shapes = result.face_blendshapes[i]
            for j in range(shapes.categories_count):
                category = shapes.categories[j]
                # As MediaPipe's Category.from_ctypes decodes it (None for a nameless category).
                name: Any = category.category_name.decode("utf-8") \
                    if category.category_name else None
                scores[name] = float(category.score)
        matrix = None
        if i < result.facial_transformation_matrixes_count:
            matrix = result.facial_transformation_matrixes[i].to_numpy()
        return RawFace(points, scores, matrix)


def observation_from_result(face: RawFace, width: int, height: int,
                            scale: float = 1.0) -> FaceObservation:
    """Converts one face of a MediaPipe result; `scale` maps landmarker input back to the frame."""
    pts = face.points.astype(np.float32)  # a copy: the scaling below must not touch the input
    pts *= np.array([width * scale, height * scale, width * scale], np.float32)
    bs = face.blendshapes
    matrix = face.matrix
    mat = np.asarray(matrix, dtype=np.float32) if matrix is not None else np.eye(4, dtype=np.float32)
    yaw, pitch, roll = euler_from_matrix(mat)
    x0, y0 = pts[:, :2].min(axis=0)
    x1, y1 = pts[:, :2].max(axis=0)
    return FaceObservation(
        landmarks=pts, blendshapes=bs, yaw=yaw, pitch=pitch, roll=roll,
        bbox=(float(x0), float(y0), float(x1), float(y1)),
        image_size=(round(width * scale), round(height * scale)),
    )


def _mediapipe() -> Any:
    """MediaPipe, imported quietly the first time (absl may write to fd 2 as it loads)."""
    if "mediapipe" not in sys.modules:
        with quiet_native_stderr():
            import mediapipe  # noqa: F401
    return sys.modules["mediapipe"]


@dataclass(frozen=True, eq=False)
class TrackerInput:
    """A frame made ready for the landmarker: RGB, at most `max_input_side` on its long side."""

    frame: Frame
    image: Any  # mediapipe.Image of those pixels
    size: tuple[int, int]  # (width, height) of the landmarker's input
    scale: float  # frame pixels per input pixel (1.0 unless the frame was downscaled)


def prepare_input(frame: Frame, max_input_side: int) -> TrackerInput:
    """Colour conversion and downscaling: all the tracker's per-frame work before the landmarker."""
    mp = _mediapipe()
    image = frame.image
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = image.shape[:2]
    scale = 1.0
    if max_input_side and max(h, w) > max_input_side:
        scale = max(h, w) / max_input_side
        image = cv2.resize(image, (round(w / scale), round(h / scale)),
                           interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    ih, iw = rgb.shape[:2]
    mp_image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    return TrackerInput(frame, mp_image, (iw, ih), scale)


class FaceTracker:
    """Wraps MediaPipe Face Landmarker; keeps its timestamps increasing whatever the source does."""

    def __init__(self, config: TrackerConfig = TrackerConfig()) -> None:
        self.config = config
        self._landmarker = None
        self._warm = False
        self._followed: tuple[float, float] | None = None
        self._last_ms = -1
        self._offset_ms = 0.0
        self._fast: ResultReader | None = None

    def __enter__(self) -> FaceTracker:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Loads the model (checked against its hash)."""
        if self._landmarker is not None:
            return
        with quiet_native_stderr():  # absl's "logging before InitGoogle" note comes at import
            from mediapipe.tasks.python import BaseOptions, vision

        model = verified_model(self.config.model_path)
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=vision.RunningMode.VIDEO,
            num_faces=self.config.max_faces,
            min_face_detection_confidence=self.config.min_detection_confidence,
            min_face_presence_confidence=self.config.min_presence_confidence,
            min_tracking_confidence=self.config.min_tracking_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        try:
            with quiet_native_stderr():
                self._landmarker = vision.FaceLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise UserError(f"cannot load face model {model}: {exc}") from exc
        self._warm = False
        reader = ResultReader(self._landmarker)
        self._fast = reader if reader.available else None

    def _detect(self, image: Any, timestamp_ms: int) -> list[RawFace]:
        """The landmarker's faces, read with numpy when MediaPipe allows (ResultReader)."""
        if self._fast is not None:
            return self._fast.detect_for_video(image, timestamp_ms)
        if self._landmarker is None:
            raise RuntimeError("FaceTracker used outside its `with` block")
        return raw_faces(self._landmarker.detect_for_video(image, timestamp_ms))

    def close(self) -> None:
        """Releases the MediaPipe graph (explicitly: its finaliser is noisy at interpreter exit)."""
        self._fast = None
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def _timestamp_ms(self, t: float) -> int:
        """Strictly increasing milliseconds even when the source loops, pauses or reconnects."""
        ms = round(t * 1000.0 + self._offset_ms)
        if ms <= self._last_ms:
            self._offset_ms += self._last_ms + 1 - ms
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    def prepare(self, frame: Frame) -> TrackerInput:
        """The frame made ready for the landmarker; reads only the configuration, so another
        thread may prepare the next frame while this one is tracked (`process` does)."""
        return prepare_input(frame, self.config.max_input_side)

    def track_all(self, frame: Frame) -> list[FaceObservation]:
        """All faces found in a frame, most prominent (largest) first."""
        return self.track_all_prepared(self.prepare(frame))

    def track_all_prepared(self, prepared: TrackerInput) -> list[FaceObservation]:
        """All faces found in a prepared frame, most prominent (largest) first."""
        if self._landmarker is None:
            self.open()
        timestamp_ms = self._timestamp_ms(prepared.frame.t)
        if self._warm:
            found = self._detect(prepared.image, timestamp_ms)
        else:  # the first call logs the delegate and graph set-up to fd 2
            with quiet_native_stderr():
                found = self._detect(prepared.image, timestamp_ms)
            self._warm = True
        iw, ih = prepared.size
        faces = [observation_from_result(face, iw, ih, prepared.scale) for face in found]
        faces.sort(key=lambda f: f.width, reverse=True)
        return faces

    def track(self, frame: Frame) -> FaceObservation | None:
        """The face to follow: the one followed so far unless another is much larger, or None."""
        return self.track_prepared(self.prepare(frame))

    def track_prepared(self, prepared: TrackerInput) -> FaceObservation | None:
        """`track` of a frame `prepare` made ready."""
        faces = self.track_all_prepared(prepared)
        chosen = choose_face(faces, self._followed)
        self._followed = chosen.center if chosen is not None else self._followed
        return chosen

    def forget_face(self) -> None:
        """Next person: follow whoever is most prominent from now on."""
        self._followed = None


SWITCH_RATIO = 1.5  # another face must be this much wider to take over: no flicker between people


def choose_face(faces: list[FaceObservation], followed: tuple[float, float] | None
                ) -> FaceObservation | None:
    """The face nearest the one followed, unless the largest is SWITCH_RATIO times wider."""
    if not faces:
        return None
    largest = max(faces, key=lambda f: f.width)
    if followed is None:
        return largest
    nearest = min(faces, key=lambda f: math.dist(f.center, followed))
    return largest if largest.width > SWITCH_RATIO * nearest.width else nearest


class PhotoTracker:
    """For unrelated photos: a fresh landmarker per photo, because VIDEO-mode tracking carries the
    last face's region into the next frame, and the next photo is another person.

    The one place that rule lives: eval's photos and training's real photos are tracked here.
    """

    def __init__(self, config: TrackerConfig = TrackerConfig()) -> None:
        self.config = config

    def __enter__(self) -> PhotoTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def prepare(self, frame: Frame) -> TrackerInput:
        """The photo made ready for a landmarker, as `FaceTracker.prepare`."""
        return prepare_input(frame, self.config.max_input_side)

    def track(self, frame: Frame) -> FaceObservation | None:
        """The most prominent face of this photo alone."""
        return self.track_prepared(self.prepare(frame))

    def track_prepared(self, prepared: TrackerInput) -> FaceObservation | None:
        """`track` of a photo `prepare` made ready."""
        frame = prepared.frame
        alone = replace(prepared, frame=Frame(frame.image, 0.0, 0, frame.capture_time))
        with FaceTracker(self.config) as tracker:
            return tracker.track_prepared(alone)

    def forget_face(self) -> None:
        """Nothing to forget: no state outlives a photo."""


def tracker_for(kind: str, config: TrackerConfig = TrackerConfig()) -> FaceTracker | PhotoTracker:
    """The tracker a source of this kind needs (`SourceInfo.kind`): a folder of photos gets a
    fresh landmarker per photo; a camera, a clip or a single image one tracker throughout."""
    return PhotoTracker(config) if kind == "images" else FaceTracker(config)
