"""The one H.264 MP4 writer (recording, replay saves, `process`): playable even after Ctrl-C."""

from __future__ import annotations

import math
import numbers
import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np
from av.error import FFmpegError
from av.video.reformatter import VideoReformatter

from tongue_mirror.errors import UserError
from tongue_mirror.io.frame_grid import FrameGrid
from tongue_mirror.io.workers import BackgroundWorker

TIME_BASE = Fraction(1, 90000)  # the MPEG clock: fine enough for any camera's timestamps
# superfast: 12 ms of CPU per 1280x720 frame here against 19.5 ms for veryfast (about twice the
# bytes at crf 23). On a 2-core laptop the encoder shares the CPU with the landmarker, so speed
# wins; a workshop clip of a minute is still a few MB.
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")


class VideoRecorder:
    """`with VideoRecorder(path, fps, (w, h)) as rec: rec.write(image_bgr, t)`: a constant-rate clip.

    Frames sit on a grid of 1/fps by their capture time `t` (FrameGrid): a frame that comes late
    leaves the previous one on screen for the slots it missed, two in one slot keep the first,
    so every pts step is one period and the clip lasts as long as the capture did.
    `threaded` encodes on a worker thread (the caller never runs x264); with `drop_when_busy`
    write() never waits either: a frame the encoder has no room for is left to the grid, which
    holds the previous picture in its slot. `nice` lowers the encoder thread's priority;
    `threads` caps x264's threads (0 = x264's choice, about 1.5 per core).
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], crf: int = 23,
                 preset: str = "superfast", threaded: bool = False, queue_size: int = 8,
                 faststart: bool = True, drop_when_busy: bool = False, nice: int = 0,
                 threads: int = 0) -> None:
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
        if not 0 <= nice <= 19:
            raise ValueError("nice must be in 0..19")
        if threads < 0:
            raise ValueError("threads must be >= 0")
        self.threads: int = threads
        self.path: Path = Path(path)
        self.fps: float = float(fps)
        self.size: tuple[int, int] = (int(size[0]), int(size[1]))
        # yuv420p needs even sides: odd sizes get one replicated pixel row/column.
        self.encoded_size: tuple[int, int] = (self.size[0] + self.size[0] % 2,
                                              self.size[1] + self.size[1] % 2)
        self.crf: int = crf
        self.preset: str = preset
        self.threaded: bool = threaded
        self.drop_when_busy: bool = drop_when_busy
        self.format: str = _container_format(self.path)
        # Written as fragmented MP4 while recording (a crash loses at most the last 2 s), then
        # rewritten with the index first (+faststart) on close, as browsers and phones like it.
        self.faststart: bool = faststart and self.format != "matroska"
        self.frames_written: int = 0  # frames in the file, held ones included (final after close)
        self.frames_held: int = 0  # grid slots filled by keeping the previous picture on screen
        self.frames_dropped: int = 0  # frames not encoded: a second one in a slot, or encoder busy
        self.last_t: float | None = None  # source time of the last frame handed over
        self._queue_size: int = queue_size
        self._nice: int = nice
        self._worker: BackgroundWorker[tuple[np.ndarray, float]] | None = None
        self._error: BaseException | None = None
        self._container: av.container.OutputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None
        self._period: int = max(1, round(1.0 / (self.fps * TIME_BASE)))
        self._grid: FrameGrid = FrameGrid(self.fps)
        self._previous: av.VideoFrame | None = None  # the picture on screen in the last slot
        self._to_yuv: VideoReformatter = VideoReformatter()
        self._unheld_tail: float | None = None  # time of a last frame dropped while busy
        self._closed: bool = False

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
            if self.threads:
                stream.codec_context.thread_count = self.threads
            stream.options = {"crf": str(self.crf), "preset": self.preset}
            stream.codec_context.color_range = 1  # MPEG/limited range: what players assume
        except (FFmpegError, ValueError) as exc:
            container.close()
            raise UserError(f"H.264 encoder unavailable in PyAV: {_reason(exc)}") from None
        self._container, self._stream = container, stream
        if self.threaded:
            self._worker = BackgroundWorker(self._encode_item, max_queue=self._queue_size,
                                            name="recorder", nice=self._nice)

    def close(self) -> None:
        """Flush the encoder and finish the file; safe to call twice, also after an error."""
        if self._closed or self._container is None:
            self._closed = True
            return
        self._closed = True
        if self._worker is not None:
            try:
                self._worker.close()  # everything queued is encoded first
            except Exception as exc:  # a consumer failure the encoder did not catch
                self._error = self._error or exc
            self._worker = None
        if self._unheld_tail is not None and self._previous is not None:
            # The last frames found the encoder busy: the picture stays to their time, so the
            # clip still lasts as long as the capture.
            steps = self._grid.advance(self._unheld_tail)
            for slot in range(self._grid.slot - steps + 1, self._grid.slot + 1):
                self._encode_at(self._previous, slot)
                self.frames_held += 1
        if self._error is None:
            self._encode_safely(None)
        self._previous = None
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
        """Append one BGR frame captured at source time `t` s.

        Threaded, the image is encoded later: the caller must not modify it afterwards.
        """
        if self._container is None:
            raise RuntimeError("VideoRecorder is not open (use it in a with-block)")
        if self._error is not None:
            self.close()  # raises the UserError for the failure
        self._check(image, t)
        self.last_t = t
        if self._worker is None:
            self._encode_item((image, t))
            if self._error is not None:
                self.close()
        elif self.drop_when_busy:
            if self._worker.try_submit((image, t)):
                self._unheld_tail = None
            else:
                self.frames_dropped += 1  # its slot keeps the previous picture
                self._unheld_tail = t
        else:
            self._worker.submit((image, t))

    def _check(self, image: np.ndarray, t: float) -> None:
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

    def _encode_item(self, item: tuple[np.ndarray, float]) -> None:
        """Places one frame on the grid and encodes it (and the held slots before it)."""
        if self._error is not None:
            return  # after a failure, keep draining so writers never hang
        image, t = item
        steps = self._grid.advance(t)
        if steps == 0:
            self.frames_dropped += 1
            return
        first = self._grid.slot - steps + 1
        if self._previous is not None:
            for slot in range(first, self._grid.slot):
                self._encode_at(self._previous, slot)
                self.frames_held += 1
        frame = self._to_video_frame(image)
        self._encode_at(frame, self._grid.slot)
        self._previous = frame

    def _to_video_frame(self, image: np.ndarray) -> av.VideoFrame:
        pad_w, pad_h = self.encoded_size[0] - self.size[0], self.encoded_size[1] - self.size[1]
        if pad_w or pad_h:
            image = cv2.copyMakeBorder(image, 0, pad_h, 0, pad_w, cv2.BORDER_REPLICATE)
        # Wrapped, not copied: the caller hands the image over (write()'s contract).
        frame = av.VideoFrame.from_numpy_buffer(np.ascontiguousarray(image), format="bgr24")
        # Converted once here (swscale, GIL released), so a held frame is not converted again;
        # one swscale context for the clip, on this thread (a pool per frame cost more).
        return self._to_yuv.reformat(frame, format="yuv420p", threads=1)

    def _encode_at(self, frame: av.VideoFrame, slot: int) -> None:
        if self._error is not None:
            return
        frame.pts = slot * self._period
        frame.time_base = TIME_BASE
        if hasattr(frame, "duration"):  # PyAV >= 14: gives the last frame its length too
            frame.duration = self._period
        self._encode_safely(frame)
        if self._error is None:
            self.frames_written += 1

    def _encode_safely(self, frame: av.VideoFrame | None) -> None:
        assert self._stream is not None and self._container is not None
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except (OSError, FFmpegError) as exc:
            self._error = exc

    def _user_error(self) -> UserError:
        assert self._error is not None
        return UserError(f"recording to {self.path} failed: {_reason(self._error)}")

    @property
    def queued(self) -> int:
        """Frames waiting for the encoder thread (0 when not threaded)."""
        return self._worker.pending if self._worker is not None else 0


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
                # PyAV 14 replaced template= by add_stream_from_template; its stubs lack it.
                out_stream = dst.add_stream(template=in_stream)  # type: ignore[call-overload]
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
