import pytest

from cardservices.sms.segments import count_segments


def test_empty_text_is_no_segment():
    assert count_segments("").segments == 0


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm7_single_is_160_and_parts_are_153(length, segments):
    count = count_segments("a" * length)
    assert (count.encoding, count.segments) == ("GSM-7", segments)


def test_norwegian_letters_are_gsm7():
    count = count_segments("æøåÆØÅ" * 20)
    assert (count.encoding, count.units, count.segments) == ("GSM-7", 120, 1)


def test_extension_characters_cost_two_septets():
    count = count_segments("€" * 80)
    assert (count.encoding, count.units, count.segments) == ("GSM-7", 160, 1)
    assert count_segments("€" * 80 + "a").segments == 2


def test_escape_pair_is_never_split_across_parts():
    # 152 septets, then a two-septet €: it cannot start in part one's last septet.
    text = "a" * 152 + "€" + "a" * 10
    count = count_segments(text)
    assert count.units == 164
    assert count.segments == 2
    assert count_segments("a" * 152 + "€" * 77).segments == 3  # 152 + 154 septets


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_single_is_70_and_parts_are_67(length, segments):
    count = count_segments("ж" * length)
    assert (count.encoding, count.segments) == ("UCS-2", segments)


def test_one_non_gsm_character_makes_all_ucs2():
    count = count_segments("a" * 100 + "ś")
    assert (count.encoding, count.segments) == ("UCS-2", 2)


def test_emoji_counts_two_units_and_is_not_split():
    count = count_segments("😀" * 35)
    assert (count.encoding, count.characters, count.units, count.segments) == (
        "UCS-2",
        35,
        70,
        1,
    )
    assert count_segments("😀" * 35 + "a").segments == 2
    # 66 units then an emoji: the pair goes whole into part two.
    assert count_segments("a" * 66 + "😀").units == 68
    assert count_segments("a" * 66 + "😀" * 34).segments == 3
