"""Border values and the one parser."""

from __future__ import annotations

import pytest

from imagekit.borders import BORDER_NAMES, NA, Fill, Pad, normalize_border


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("reflect", Pad("reflect")),
        ("symmetric", Pad("reflect")),
        ("grid-mirror", Pad("reflect")),
        ("mirror", Pad("mirror")),
        ("nearest", Pad("nearest")),
        ("replicate", Pad("nearest")),
        ("edge", Pad("nearest")),
        ("wrap", Pad("wrap")),
        ("circular", Pad("wrap")),
        ("grid-wrap", Pad("wrap")),
        ("constant", Fill(0)),
        ("grid-constant", Fill(0)),
        ("NA", NA()),
        ("Reflect", Pad("reflect")),
        (0, Fill(0)),
        (2.5, Fill(2.5)),
        (1 + 2j, Fill(1 + 2j)),
        (Fill(3), Fill(3)),
        (NA(), NA()),
        (Pad("wrap"), Pad("wrap")),
    ],
)
def test_every_spec_normalises(spec, expected):
    assert normalize_border(spec) == expected


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="border='bogus' is not one of: reflect, mirror, nearest"):
        normalize_border("bogus")
    assert "circular" in BORDER_NAMES


@pytest.mark.parametrize("spec", [None, True, [0], object()])
def test_non_border_types_raise_type_error(spec):
    with pytest.raises(TypeError, match="border must be a border name, a number or a Border"):
        normalize_border(spec)


def test_fill_needs_a_number_and_pad_a_known_mode():
    with pytest.raises(TypeError, match="Fill value must be a real or complex number"):
        Fill("0")
    with pytest.raises(ValueError, match="Pad mode 'constant' is not one of"):
        Pad("constant")


def test_borders_are_immutable_values():
    f = Fill(1.0)
    with pytest.raises(AttributeError):
        f.value = 2.0
    assert hash(Fill(1.0)) == hash(Fill(1.0))
