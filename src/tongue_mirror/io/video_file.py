"""Video files through PyAV: presentation times, rotation metadata, damage reported not fatal."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.error import FFmpegError
from av.video.reformatter import VideoReformatter

from tongue_mirror.errors import UserError
from tongue_mirror.io.frame_source import DescribedSource, SourceInfo
from tongue_mirror.values import Frame

_MAX_ERROR_MESSAGES = 20


def display_matrix_of(frame: av.VideoFrame) -> tuple[int, ...] | None:
    """The 3×3 display matrix (FFmpeg's 9 int32 layout) a frame carries, if any."""
    for side in frame.side_data:
        side_any: Any = side  # PyAV's stubs type side data as str
        if side_any.type == av.sidedata.sidedata.Type.DISPLAYMATRIX:  # type: ignore[attr-defined]
            values = np.frombuffer(bytes(side_any), dtype="<i4")
            return tuple(int(v) for v in values[:9]) if values.size >= 9 else None
    return None


def apply_display_matrix(image: np.ndarray, matrix: tuple[int, ...] | None) -> np.ndarray:
    """Rotate/flip a decoded image as FFmpeg's autorotate would, so it shows upright."""
    if matrix is None or (matrix[0] == matrix[1] == matrix[3] == matrix[4] == 0):
        return image
    theta = math.degrees(math.atan2(matrix[1], matrix[0])) % 360.0  # clockwise degrees
    if abs(theta - 90) < 1:
        out = np.swapaxes(image, 0, 1) if matrix[3] > 0 else np.rot90(image, k=-1)
    elif abs(theta - 180) < 1:
        out = image
        if matrix[0] < 0:
            out = out[:, ::-1]
        if matrix[4] < 0:
            out = out[::-1]
    elif abs(theta - 270) < 1:
        out = np.rot90(image, k=-1)[::-1] if matrix[3] < 0 else np.rot90(image, k=1)
    elif abs(theta) < 1 or abs(theta - 360) < 1:
        out = image[::-1] if matrix[4] < 0 else image
    else:
        return image  # arbitrary angles are left alone, as FFmpeg does without a rotate filter
    return np.ascontiguousarray(out)


class VideoFileSource(DescribedSource):
    """A video file; after iterating, `lost_frames`, `decode_errors`, `errors` say what was lost.

    Timestamps: `Frame.t` is seconds since the first decoded frame (its presentation time minus
    the first frame's), so a clip starts at t = 0 whatever its container's start offset, and a
    labelled `start_s` means the same instant in `process`, `eval` and training. Frames without a
    presentation time follow the previous one by one frame period.
    """

    def __init__(self, path: str | Path, loop: bool = False) -> None:
        self.path = Path(path)
        self.loop = loop
        self.decode_errors = 0
        self.errors: list[str] = []
        self.decoded = 0  # frames decoded in the first pass
        self.finished = False  # the first pass reached the end of what decodes
        self._container: av.container.InputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._info: SourceInfo | None = None
        self._count_exact = False
        self._first: av.VideoFrame | None = None
        self._frames: Iterator[av.VideoFrame] | None = None
        self._to_bgr24 = VideoReformatter()

    def open(self) -> None:
        if self._container is not None:
            return
        if not self.path.exists():
            raise UserError(f"video file not found: {self.path}")
        if self.path.is_dir():
            raise UserError(f"{self.path} is a folder, not a video file")
        try:
            container = av.open(str(self.path), mode="r")
        except (FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{self.path} is not a readable video ({_reason(exc)})") from None
        if not container.streams.video:
            container.close()
            raise UserError(f"{self.path} has no video stream")
        stream = container.streams.video[0]
        stream.codec_context.thread_type = "AUTO"  # frame + slice threads
        self._container, self._stream = container, stream
        self._frames = self._decode_pass()
        self._first = next(self._frames, None)
        if self._first is None:
            self.close()
            raise UserError(f"{self.path}: no frame could be decoded ({'; '.join(self.errors)})")
        self._info = self._describe(stream, self._first)

    def _describe(self, stream: av.video.stream.VideoStream, first: av.VideoFrame) -> SourceInfo:
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 30.0
        duration = None
        if stream.duration and stream.time_base:
            duration = float(stream.duration * stream.time_base)
        elif self._container is not None and self._container.duration:
            duration = self._container.duration / av.time_base
        count = stream.frames or None
        self._count_exact = count is not None
        if count is None and duration is not None:
            count = round(duration * fps)
        h, w = self._to_bgr(first).shape[:2]
        return SourceInfo(kind="video", name=str(self.path), width=w, height=h, fps=fps,
                          frame_count=count, duration=duration)

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
        self._container = self._stream = None
        self._frames = None

    @property
    def lost_frames(self) -> int:
        """Frames the container announced but that did not decode (0 when the count is unknown)."""
        if not self.finished or not self._count_exact or self._info is None:
            return 0
        return max(0, (self._info.frame_count or 0) - self.decoded)

    def damage_report(self) -> str | None:
        """One line on what could not be decoded, for the CLI; None when nothing was lost."""
        if not self.lost_frames and not self.decode_errors:
            return None
        parts = []
        if self.lost_frames and self._info is not None:
            parts.append(f"{self.lost_frames} of {self._info.frame_count} frames could not be "
                         "decoded (file truncated or damaged)")
        if self.decode_errors:
            parts.append(f"{self.decode_errors} damaged packets skipped")
        return f"{self.path.name}: " + "; ".join(parts)

    def _note(self, message: str) -> None:
        if len(self.errors) < _MAX_ERROR_MESSAGES:
            self.errors.append(message)

    def _decode_pass(self) -> Iterator[av.VideoFrame]:
        """Frames of one pass through the file; damaged packets are counted and skipped."""
        assert self._container is not None and self._stream is not None
        packets = self._container.demux(self._stream)
        while True:
            try:
                packet = next(packets)
            except StopIteration:
                return
            except (FFmpegError, OSError) as exc:
                self._note(f"reading stopped: {_reason(exc)}")
                self.decode_errors += 1
                packet = None
            try:
                # A None packet flushes the decoder so its last buffered frames come out.
                frames = self._stream.decode(packet)
            except (FFmpegError, OSError) as exc:
                self.decode_errors += 1
                self._note(f"undecodable packet: {_reason(exc)}")
                frames = []
            yield from frames
            if packet is None:
                return

    def _restart(self) -> Iterator[av.VideoFrame]:
        assert self._container is not None and self._stream is not None
        self._container.seek(0, backward=True, any_frame=False)
        self._stream.codec_context.flush_buffers()
        return self._decode_pass()

    def _to_bgr(self, frame: av.VideoFrame) -> np.ndarray:
        # One swscale context for the file, on this thread: converts grey, 10-bit, yuv444 … alike.
        image = self._to_bgr24.reformat(frame, format="bgr24", threads=1).to_ndarray()
        return apply_display_matrix(image, display_matrix_of(frame))

    def __iter__(self) -> Iterator[Frame]:
        if self._frames is None or self._info is None:
            raise RuntimeError("open the VideoFileSource (use it in a with-block) before iterating")
        period = 1.0 / self._info.fps
        offset = 0.0  # added to presentation times on later loops
        first_t: float | None = None
        last_raw: float | None = None
        last_t: float | None = None
        index = 0
        pending = self._first
        self._first = None
        frames = self._frames
        first_pass = True
        while True:
            pass_frames = 0
            for frame in _chain(pending, frames):
                raw = frame.time if frame.time is not None else (
                    (last_raw + period) if last_raw is not None else 0.0)
                if first_t is None:
                    first_t = raw
                t = raw - first_t + offset
                if last_t is not None and t <= last_t:
                    self._note(f"timestamp {raw:.3f}s not after the previous one: corrected")
                    t = last_t + period
                try:
                    image = self._to_bgr(frame)
                except (FFmpegError, ValueError) as exc:
                    self.decode_errors += 1
                    self._note(f"frame {index} could not be converted: {_reason(exc)}")
                    continue
                yield Frame(image=image, t=t, index=index, capture_time=time.perf_counter())
                if first_pass:
                    self.decoded += 1
                last_raw, last_t = raw, t
                index += 1
                pass_frames += 1
            pending = None
            self.finished = True
            first_pass = False
            if not self.loop or pass_frames == 0 or self._container is None or last_t is None:
                return
            # Next pass starts one frame period after this pass's last frame.
            offset = last_t + period
            try:
                frames = self._restart()
            except (FFmpegError, OSError) as exc:
                self._note(f"could not loop: {_reason(exc)}")
                return


def _chain(first: av.VideoFrame | None, rest: Iterator[av.VideoFrame]) -> Iterator[av.VideoFrame]:
    if first is not None:
        yield first
    yield from rest


def _reason(exc: BaseException) -> str:
    """FFmpeg's message without the path PyAV repeats, for one-line errors."""
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).splitlines()[0] if text else type(exc).__name__
