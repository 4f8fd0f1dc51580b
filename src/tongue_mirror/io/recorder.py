"""The one H.264 MP4 writer (recording, replay saves, `process`): playable even after Ctrl-C."""

from __future__ import annotations

import math
import numbers
import os
import threading
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np
from av.error import FFmpegError

from tongue_mirror.errors import UserError
from tongue_mirror.io.handoff import Handoff

TIME_BASE = Fraction(1, 90000)  # the MPEG clock: fine enough for any camera's timestamps
# superfast: 12 ms of CPU per 1280x720 frame here against 19.5 ms for veryfast (about twice the
# bytes at crf 23). On a 2-core laptop the encoder shares the CPU with the landmarker, so speed
# wins; a workshop clip of a minute is still a few MB.
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")
_STOP = object()  # tells the encoder thread the recording is over


class PresentationClock:
    """Source times to strictly increasing pts in TIME_BASE ticks, keeping the source's gaps.

    A repeated or earlier t (a restarted or looping source) is placed one period after the
    previous frame, and later frames keep their spacing from there.
    """

    def __init__(self, period: int) -> None:
        if period < 1:
            raise ValueError("period must be >= 1 tick")
        self.period = period
        self._t0: float | None = None
        self._offset = 0  # ticks added after time went back
        self._last: int | None = None

    def pts(self, t: float) -> int:
        if self._t0 is None:
            self._t0 = t
        pts = round((t - self._t0) / TIME_BASE) + self._offset
        if self._last is not None and pts <= self._last:
            shift = self._last + self.period - pts
            self._offset += shift
            pts += shift
        self._last = pts
        return pts


class VideoRecorder:
    """`with VideoRecorder(path, fps, (w, h)) as rec: rec.write(image_bgr, t)`; pts follow `t`."""

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], crf: int = 23,
                 preset: str = "superfast", threaded: bool = False, queue_size: int = 8,
                 faststart: bool = True) -> None:
        if not (isinstance(fps, numbers.Real) and math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be a positive number, got {fps!r}")
        integers = all(isinstance(v, numbers.Integral) for v in size)
        if len(size) != 2 or not integers or min(size) < 2:
            raise ValueError(f"size must be (width, height) integers >= 2, got {size!r}")
        if not 0 <= crf <= 51:
            raise ValueError(f"crf must be in 0..51, got {crf}")
        if preset not in X264_PRESETS:
            raise ValueError(f"preset must be one of {', '.join(X264_PRESETS)}, got {preset!r}")
        if queue_size < 1:
            raise ValueError("queue_size must be >= 1")
        self.path = Path(path)
        self.fps = float(fps)
        self.size = (int(size[0]), int(size[1]))
        # yuv420p needs even sides: odd sizes get one replicated pixel row/column.
        self.encoded_size = (self.size[0] + self.size[0] % 2, self.size[1] + self.size[1] % 2)
        self.crf = crf
        self.preset = preset
        self.threaded = threaded
        self.format = _container_format(self.path)
        # Written as fragmented MP4 while recording (a crash loses at most the last 2 s), then
        # rewritten with the index first (+faststart) on close, as browsers and phones like it.
        self.faststart = faststart and self.format != "matroska"
        self.frames_written = 0  # frames handed to the encoder
        self.last_t: float | None = None  # source time of the last frame handed over
        self._queue = Handoff(queue_size)  # Ctrl-C in write() must not deadlock close()
        self._worker: threading.Thread | None = None
        self._error: BaseException | None = None
        self._container: av.container.OutputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._period = max(1, round(1.0 / (self.fps * TIME_BASE)))
        self._clock = PresentationClock(self._period)
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> VideoRecorder:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.close()
        except UserError:
            if exc is None:
                raise  # otherwise the original exception (e.g. KeyboardInterrupt) wins

    def open(self) -> None:
        if self._container is not None:
            return
        options = {"flush_packets": "1"}  # each finished fragment goes to disk at once
        if self.format != "matroska":
            options["movflags"] = "+frag_keyframe+empty_moov+default_base_moof"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            container = av.open(str(self.path), mode="w", format=self.format, options=options)
        except (OSError, FFmpegError) as exc:
            raise UserError(f"cannot write {self.path}: {_reason(exc)}") from None
        try:
            rate = Fraction(self.fps).limit_denominator(1001)
            stream = container.add_stream("libx264", rate=rate)
            stream.width, stream.height = self.encoded_size
            stream.pix_fmt = "yuv420p"
            stream.time_base = TIME_BASE
            stream.codec_context.time_base = TIME_BASE
            stream.codec_context.gop_size = max(1, round(self.fps * 2))  # a keyframe every 2 s
            # No B-frames: pts start at 0 in fragments (no edit list) and x264 adds no delay.
            stream.codec_context.max_b_frames = 0
            stream.options = {"crf": str(self.crf), "preset": self.preset}
            stream.codec_context.color_range = 1  # MPEG/limited range: what players assume
        except (FFmpegError, ValueError) as exc:
            container.close()
            raise UserError(f"H.264 encoder unavailable in PyAV: {_reason(exc)}") from None
        self._container, self._stream = container, stream
        if self.threaded:
            self._worker = threading.Thread(target=self._run, name="recorder", daemon=True)
            self._worker.start()

    def close(self) -> None:
        """Flush the encoder and finish the file; safe to call twice, also after an error."""
        if self._closed or self._container is None:
            self._closed = True
            return
        self._closed = True
        if self._worker is not None:
            self._queue.put_now(_STOP)
            self._worker.join()
            self._worker = None
        elif self._error is None:
            self._encode_safely(None)
        container, self._container = self._container, None
        try:
            container.close()  # writes the last fragment; the file is complete after this
        except (OSError, FFmpegError) as exc:
            self._error = self._error or exc
        if self._error is not None:
            raise self._user_error()
        if not self.frames_written:
            self.path.unlink(missing_ok=True)  # a header without frames plays nowhere
            return
        if self.faststart:
            try:
                _rewrite_index_first(self.path, self.format)
            except (OSError, FFmpegError) as exc:
                self._error = exc
                raise self._user_error() from None

    # -- writing ---------------------------------------------------------------------------
    def write(self, image: np.ndarray, t: float) -> None:
        """Append one BGR frame shown at source time `t` s; threaded, it does not wait for x264."""
        if self._container is None:
            raise RuntimeError("VideoRecorder is not open (use it in a with-block)")
        if self._error is not None:
            self.close()  # raises the UserError for the failure
        frame = self._to_video_frame(image, t)
        if self.threaded:
            self._queue.put(frame)
        else:
            self._encode_safely(frame)
            if self._error is not None:
                self.close()
        self.frames_written += 1

    def _to_video_frame(self, image: np.ndarray, t: float) -> av.VideoFrame:
        if not isinstance(image, np.ndarray):
            raise TypeError(f"image must be a numpy array, got {type(image).__name__}")
        if image.dtype != np.uint8:
            raise ValueError(f"image must be uint8, got {image.dtype}")
        if image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"image must be H×W×3 BGR, got shape {image.shape}")
        if (image.shape[1], image.shape[0]) != self.size:
            raise ValueError(f"image is {image.shape[1]}x{image.shape[0]}, the recording is "
                             f"{self.size[0]}x{self.size[1]}")
        if not math.isfinite(t):
            raise ValueError(f"t must be finite, got {t}")
        pad_w, pad_h = self.encoded_size[0] - self.size[0], self.encoded_size[1] - self.size[1]
        if pad_w or pad_h:
            image = cv2.copyMakeBorder(image, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        frame.pts = self._clock.pts(t)
        frame.time_base = TIME_BASE
        if hasattr(frame, "duration"):  # PyAV >= 14: gives the last frame its length too
            frame.duration = self._period
        self.last_t = t
        return frame

    def _encode_safely(self, frame: av.VideoFrame | None) -> None:
        assert self._stream is not None and self._container is not None
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (OSError, FFmpegError) as exc:
            self._error = exc

    def _run(self) -> None:
        """drains the queue; after a failure it keeps draining so writers never hang."""
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            if self._error is None:
                try:
                    self._encode_safely(item)
                except Exception as exc:  # any failure must reach the writer, not kill the thread
                    self._error = exc
        if self._error is None:
            try:
                self._encode_safely(None)
            except Exception as exc:
                self._error = exc

    def _user_error(self) -> UserError:
        assert self._error is not None
        return UserError(f"recording to {self.path} failed: {_reason(self._error)}")

    @property
    def queued(self) -> int:
        """Frames waiting for the encoder thread (0 when not threaded)."""
        return len(self._queue)


def _container_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".mov": "mov", ".mkv": "matroska"}.get(suffix, "mp4")


def _rewrite_index_first(path: Path, fmt: str) -> None:
    """Remux a finished fragmented MP4 to a plain one with `moov` first; on failure keep it."""
    tmp = path.with_name(f".{path.name}.faststart.tmp")
    try:
        with av.open(str(path)) as src, av.open(str(tmp), mode="w", format=fmt,
                                                options={"movflags": "+faststart"}) as dst:
            in_stream = src.streams.video[0]
            if hasattr(dst, "add_stream_from_template"):
                out_stream = dst.add_stream_from_template(in_stream)
            else:  # PyAV < 14
                out_stream = dst.add_stream(template=in_stream)
            for packet in src.demux(in_stream):
                if packet.dts is None:
                    continue  # the demuxer's end-of-stream marker
                packet.stream = out_stream
                dst.mux(packet)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).splitlines()[0] if text else type(exc).__name__
