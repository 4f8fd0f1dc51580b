"""A simple face icon per gesture, for the cue card: readable at a glance from the back of a room."""

from __future__ import annotations

import cv2
import numpy as np

SKIN = (120, 190, 240)
INK = (40, 40, 60)
TONGUE = (110, 90, 235)
MOUTH = (50, 30, 90)
LIPS = (90, 80, 200)
AA = cv2.LINE_AA


def draw_icon(img: np.ndarray, gesture: str, centre: tuple[int, int], radius: int) -> None:
    """A round face making `gesture` (tongue, mouth or lips), drawn in place."""
    cx, cy = centre
    r = max(8, radius)
    w = max(2, r // 14)
    cv2.circle(img, (cx, cy), r, SKIN, -1, AA)
    cv2.circle(img, (cx, cy), r, INK, w, AA)
    for ex in (-1, 1):  # eyes
        cv2.circle(img, (cx + ex * r * 35 // 100, cy - r * 25 // 100), max(2, r // 11), INK, -1, AA)
    my = cy + r * 35 // 100
    if gesture == "tongue":
        cv2.ellipse(img, (cx, my), (r * 30 // 100, r * 12 // 100), 0, 0, 360, MOUTH, -1, AA)
        tw, th = r * 20 // 100, r * 42 // 100
        cv2.ellipse(img, (cx, my + th // 2), (tw, th // 2 + tw // 2), 0, 0, 360, TONGUE, -1, AA)
        cv2.line(img, (cx, my + r // 20), (cx, my + th * 3 // 4), (80, 60, 190), max(1, w // 2), AA)
        cv2.ellipse(img, (cx, my + th // 2), (tw, th // 2 + tw // 2), 0, 0, 360, INK, w, AA)
    elif gesture == "mouth":
        cv2.ellipse(img, (cx, my), (r * 22 // 100, r * 30 // 100), 0, 0, 360, MOUTH, -1, AA)
        cv2.ellipse(img, (cx, my), (r * 22 // 100, r * 30 // 100), 0, 0, 360, INK, w, AA)
    else:  # lips pushed out: a small rounded pout, the lips thick
        cv2.ellipse(img, (cx, my), (r * 22 // 100, r * 17 // 100), 0, 0, 360, LIPS, -1, AA)
        cv2.ellipse(img, (cx, my), (r * 7 // 100, r * 5 // 100), 0, 0, 360, MOUTH, -1, AA)
        cv2.ellipse(img, (cx, my), (r * 22 // 100, r * 17 // 100), 0, 0, 360, INK, w, AA)
        for side in (-1, 1):  # motion marks: the lips come forward
            x = cx + side * r * 34 // 100
            for dy in (-r // 9, 0, r // 9):
                cv2.line(img, (x, my + dy), (x + side * r // 9, my + dy * 13 // 10), INK, w, AA)
