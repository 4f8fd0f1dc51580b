"""Story mode: the cards come in the order of the science, and the key cycles through and out."""

from __future__ import annotations

from tongue_mirror.view.story import CARDS, Story


def test_cards_follow_the_science():
    titles = [c.title.lower() for c in CARDS]
    assert "birth" in titles[0] and any("1977" in line for line in CARDS[0].lines)
    assert "same neurons" in titles[1]
    assert "adults" in titles[2] and CARDS[2].mode == "adult"
    assert "me" in titles[3] and CARDS[3].points_at == "feedback"
    assert [c.points_at for c in CARDS] == ["gestures", "mirror", "motor", "feedback"]


def test_key_steps_through_every_card_then_closes_and_remembers_the_mode():
    story = Story()
    assert story.card is None and story.position == ""
    story = story.next(mode_now="adult")
    seen = []
    while story.card is not None:
        seen.append(story.card)
        assert story.position == f"{len(seen)}/{len(CARDS)}"
        story = story.next(mode_now="infant")
    assert seen == list(CARDS)
    assert story.mode_before == "adult"
    assert Story().next().next().close().card is None
