"""MediaPipe face-mesh landmark indices, named once so no other module writes a bare number.

"Left"/"right" follow the image (viewer's) side, not the person's.
"""

from __future__ import annotations

from typing import Final

N_LANDMARKS: Final = 478
N_MESH: Final = 468  # without the 10 iris points

# Lips, each an ordered closed loop starting at the image-left corner, lower lip first.
LIPS_OUTER: Final = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375,
                     291, 409, 270, 269, 267, 0, 37, 39, 40, 185)
LIPS_INNER: Final = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324,
                     308, 415, 310, 311, 312, 13, 82, 81, 80, 191)
LOWER_LIP_OUTER: Final = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LOWER_LIP_INNER: Final = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
UPPER_LIP_OUTER: Final = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
UPPER_LIP_INNER: Final = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)

MOUTH_CORNER_LEFT: Final = 61  # outer corner, image left
MOUTH_CORNER_RIGHT: Final = 291
INNER_CORNER_LEFT: Final = 78
INNER_CORNER_RIGHT: Final = 308
UPPER_LIP_TOP: Final = 0
UPPER_LIP_INNER_MID: Final = 13
LOWER_LIP_INNER_MID: Final = 14
LOWER_LIP_BOTTOM: Final = 17

CHIN_TIP: Final = 152
CHIN: Final = (152, 148, 176, 149, 150, 136, 172, 58, 132, 377, 400, 378, 379, 365, 397, 288, 361)
CHIN_FRONT: Final = (199, 175, 152)

NOSE_TIP: Final = 1
NOSE_BOTTOM: Final = 2
FOREHEAD: Final = 10

# Cheek skin patches: flat, rarely covered by beard or hair at their centre, never by the tongue.
CHEEK_LEFT: Final = (50, 101, 118, 117, 123, 187, 205, 36)
CHEEK_RIGHT: Final = (280, 330, 347, 346, 352, 411, 425, 266)

EYE_LEFT_CORNERS: Final = (33, 133)  # image-left eye (the person's right)
EYE_LEFT_LIDS: Final = (159, 145)  # upper, lower
EYE_RIGHT_CORNERS: Final = (362, 263)
EYE_RIGHT_LIDS: Final = (386, 374)
IRIS_LEFT: Final = (468, 469, 470, 471, 472)  # centre first
IRIS_RIGHT: Final = (473, 474, 475, 476, 477)

FACE_OVAL: Final = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379,
                    378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127,
                    162, 21, 54, 103, 67, 109)

# Blendshape names the later stages read (MediaPipe's 52 ARKit-style names).
BS_JAW_OPEN: Final = "jawOpen"
BS_MOUTH_FUNNEL: Final = "mouthFunnel"
BS_MOUTH_PUCKER: Final = "mouthPucker"
BS_LOWER_DOWN_LEFT: Final = "mouthLowerDownLeft"
BS_LOWER_DOWN_RIGHT: Final = "mouthLowerDownRight"
BS_MOUTH_CLOSE: Final = "mouthClose"
BS_SMILE_LEFT: Final = "mouthSmileLeft"
BS_SMILE_RIGHT: Final = "mouthSmileRight"
BS_BLINK_LEFT: Final = "eyeBlinkLeft"
BS_BLINK_RIGHT: Final = "eyeBlinkRight"
BS_BROW_INNER_UP: Final = "browInnerUp"
BS_ROLL_LOWER: Final = "mouthRollLower"
BS_SHRUG_LOWER: Final = "mouthShrugLower"

LOGGED_BLENDSHAPES: Final = (BS_JAW_OPEN, BS_MOUTH_FUNNEL, BS_MOUTH_PUCKER, BS_LOWER_DOWN_LEFT,
                             BS_LOWER_DOWN_RIGHT, BS_MOUTH_CLOSE, BS_SMILE_LEFT, BS_SMILE_RIGHT,
                             BS_BLINK_LEFT, BS_BLINK_RIGHT)

# Tongue detector: the face scale and the mouth region it warps to a canonical patch.
EYE_OUTER_LEFT: Final = 33  # image-left eye, outer corner
EYE_OUTER_RIGHT: Final = 263
# Median (eye-line midpoint → mouth-corner midpoint) / (outer eye-corner distance) on the dev faces:
# lets the vertical face size stand in for the horizontal one when the head turns.
EYE_TO_MOUTH_RATIO: Final = 0.77

BS_JAW_FORWARD: Final = "jawForward"
BS_JAW_LEFT: Final = "jawLeft"
BS_JAW_RIGHT: Final = "jawRight"
BS_ROLL_UPPER: Final = "mouthRollUpper"
BS_STRETCH_LEFT: Final = "mouthStretchLeft"
BS_STRETCH_RIGHT: Final = "mouthStretchRight"
BS_MOUTH_LEFT: Final = "mouthLeft"
BS_MOUTH_RIGHT: Final = "mouthRight"
BS_CHEEK_PUFF: Final = "cheekPuff"
BS_PRESS_LEFT: Final = "mouthPressLeft"
BS_PRESS_RIGHT: Final = "mouthPressRight"

# The blendshapes the tongue detector reads (mouth and jaw; MediaPipe has no tongue output).
DETECTOR_BLENDSHAPES: Final = (BS_JAW_OPEN, BS_LOWER_DOWN_LEFT, BS_LOWER_DOWN_RIGHT, BS_MOUTH_FUNNEL,
                               BS_MOUTH_PUCKER, BS_ROLL_LOWER, BS_ROLL_UPPER, BS_SHRUG_LOWER,
                               BS_MOUTH_CLOSE, BS_SMILE_LEFT, BS_SMILE_RIGHT, BS_JAW_FORWARD,
                               BS_JAW_LEFT, BS_JAW_RIGHT, BS_STRETCH_LEFT, BS_STRETCH_RIGHT,
                               BS_MOUTH_LEFT, BS_MOUTH_RIGHT, BS_CHEEK_PUFF, BS_PRESS_LEFT,
                               BS_PRESS_RIGHT)

# Eyelid margins, corner to corner (image-left eye first), for the synthetic performer's blinks.
EYE_LEFT_UPPER_LID: Final = (33, 246, 161, 160, 159, 158, 157, 173, 133)
EYE_LEFT_LOWER_LID: Final = (33, 7, 163, 144, 145, 153, 154, 155, 133)
EYE_LEFT_CREASE: Final = (130, 247, 30, 29, 27, 28, 56, 190, 243)  # skin just above the upper lid
EYE_RIGHT_UPPER_LID: Final = (362, 398, 384, 385, 386, 387, 388, 466, 263)
EYE_RIGHT_LOWER_LID: Final = (362, 382, 381, 380, 374, 373, 390, 249, 263)
EYE_RIGHT_CREASE: Final = (463, 414, 286, 258, 257, 259, 260, 467, 359)
