"""Built-in instruments, versions, JSON round-trip and clinic overrides (SPEC §1, §3.3)."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    DISEASES,
    PROFILE_CUSTOM,
    PROFILE_JAGA,
    PROFILE_UNIFORM_0_5,
    THRESHOLD_PROFILES,
    FeverBands,
    Instrument,
    Item,
    SleepBands,
    derive_instrument,
    instrument_for,
)

ANCHORS = ("none", "mild", "moderate", "severe", "very severe")
SWALLOWING = Item(
    code="swallowing",
    labels={"en": "Swallowing"},
    anchors={"en": ANCHORS},
)


def test_disease_codes_in_order():
    assert DISEASES == ("CANDLE", "SAVI", "AGS", "OTHER")


@pytest.mark.parametrize(
    ("disease", "codes", "control"),
    [
        (
            "CANDLE",
            ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue"),
            Fraction(1, 2),
        ),
        (
            "SAVI",
            ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue", "respiratory"),
            Fraction(1),
        ),
        (
            "AGS",
            ("fever", "skin", "irritability", "sleep", "feeding", "vomiting", "pain", "fatigue"),
            Fraction(1, 2),
        ),
        (
            "OTHER",
            ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue"),
            Fraction(1, 2),
        ),
    ],
)
def test_builtin_instruments(disease, codes, control):
    instrument = instrument_for(disease)
    assert instrument.disease == disease
    assert instrument.version == 1
    assert instrument.item_codes == codes
    assert tuple(item.code for item in instrument.items) == codes
    assert instrument.n == len(codes)
    assert instrument.control_threshold == control
    assert instrument.remission_threshold == Fraction(3, 20)
    assert instrument.threshold_profile == "JAGA"
    assert instrument_for(disease, 1) is instrument


def test_only_ags_has_sleep_bands():
    assert instrument_for("AGS").sleep_bands is not None
    for disease in ("CANDLE", "SAVI", "OTHER"):
        assert instrument_for(disease).sleep_bands is None
        with pytest.raises(ValueError, match="no sleep bands"):
            instrument_for(disease).sleep_score(5)


@pytest.mark.parametrize("disease", ["CANDLE", "SAVI", "AGS", "OTHER"])
def test_every_item_has_english_and_japanese_text(disease):
    for item in instrument_for(disease).items:
        assert set(item.labels) == {"en", "ja"}
        assert item.label == item.labels["en"]
        for lang in ("en", "ja"):
            assert len(item.anchors_in(lang)) == 5
            assert all(anchor.strip() for anchor in item.anchors_in(lang))
        assert item.label_in("ja") != item.label


def test_language_fallback_to_english():
    fever = instrument_for("CANDLE").items[0]
    assert fever.label_in("ja") == "発熱"
    assert fever.label_in("fr") == "Fever"
    assert fever.anchors_in("fr") == fever.anchors_in("en")
    assert fever.anchors_in("en")[0] == "No fever"


@pytest.mark.parametrize(
    ("disease", "version"),
    [("candle", None), ("SLE", None), ("", None), ("CANDLE", 2), ("AGS", 0)],
)
def test_unknown_disease_or_version(disease, version):
    with pytest.raises(ValueError, match=r"unknown disease|no built-in version"):
        instrument_for(disease, version)


def test_threshold_profiles():
    assert THRESHOLD_PROFILES[PROFILE_JAGA] == {
        "CANDLE": Fraction(1, 2),
        "SAVI": Fraction(1),
        "AGS": Fraction(1, 2),
        "OTHER": Fraction(1, 2),
    }
    assert THRESHOLD_PROFILES[PROFILE_UNIFORM_0_5] == dict.fromkeys(DISEASES, Fraction(1, 2))
    assert (PROFILE_JAGA, PROFILE_UNIFORM_0_5) == ("JAGA", "UNIFORM_0_5")


@pytest.mark.parametrize("disease", ["CANDLE", "SAVI", "AGS", "OTHER"])
def test_json_round_trip(disease):
    instrument = instrument_for(disease)
    data = json.loads(json.dumps(instrument.to_dict()))
    assert Instrument.from_dict(data) == instrument
    assert data["control_threshold"] in {"1/2", "1"}
    assert data["remission_threshold"] == "3/20"
    assert data["fever_bands"] == ["38.0", "38.5", "39.0", "39.5"]


def test_json_round_trip_of_a_derived_instrument():
    derived = derive_instrument(
        instrument_for("AGS"),
        version=2,
        control_threshold=Fraction(2, 5),
        sleep_bands=SleepBands((Decimal("1.5"), Decimal("3"), Decimal("5"), Decimal("7.5"))),
        extra_items=[SWALLOWING],
    )
    again = Instrument.from_dict(json.loads(json.dumps(derived.to_dict())))
    assert again == derived
    assert again.to_dict() == derived.to_dict()
    assert hash(again) == hash(derived)


@pytest.mark.parametrize(
    "change",
    [
        {"disease": "SLE"},
        {"version": 0},
        {"control_threshold": "a half"},
        {"control_threshold": 0.5},
        {"remission_threshold": "1/0"},
        {"fever_bands": ["38.0", "38.5", "39.0"]},
        {"threshold_profile": "NICE"},
        {"items": []},
        {"colour": "red"},
    ],
)
def test_from_dict_rejects_malformed_data(change):
    data = instrument_for("CANDLE").to_dict() | change
    with pytest.raises(ValueError):
        Instrument.from_dict(data)


def test_from_dict_rejects_a_missing_key():
    data = instrument_for("CANDLE").to_dict()
    del data["items"]
    with pytest.raises(ValueError, match="missing keys"):
        Instrument.from_dict(data)


def test_derive_with_uniform_profile():
    savi = derive_instrument(instrument_for("SAVI"), version=2, threshold_profile="UNIFORM_0_5")
    assert savi.version == 2
    assert savi.control_threshold == Fraction(1, 2)
    assert savi.threshold_profile == "UNIFORM_0_5"
    assert savi.items == instrument_for("SAVI").items
    assert instrument_for("SAVI").control_threshold == Fraction(1)


def test_derive_with_custom_thresholds_bands_and_an_extra_item():
    bands = FeverBands((Decimal("37.8"), Decimal("38.5"), Decimal("39.0"), Decimal("40.0")))
    candle = derive_instrument(
        instrument_for("CANDLE"),
        version=3,
        control_threshold=Fraction(3, 5),
        remission_threshold=Fraction(1, 10),
        fever_bands=bands,
        extra_items=[SWALLOWING],
    )
    assert candle.threshold_profile == PROFILE_CUSTOM
    assert (candle.control_threshold, candle.remission_threshold) == (
        Fraction(3, 5),
        Fraction(1, 10),
    )
    assert candle.item_codes[-1] == "swallowing"
    assert candle.n == 6
    assert candle.fever_score(Decimal("37.8")) == 1
    assert instrument_for("CANDLE").fever_score(Decimal("37.8")) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"version": 1}, "must exceed 1"),
        ({"version": 0}, "must exceed 1"),
        ({"version": True}, "must exceed 1"),
        ({"version": 2, "threshold_profile": "NICE"}, "unknown threshold profile"),
        (
            {"version": 2, "threshold_profile": "JAGA", "control_threshold": Fraction(1, 2)},
            "not both",
        ),
        ({"version": 2, "extra_items": [SWALLOWING, SWALLOWING]}, "duplicate item codes"),
        (
            {"version": 2, "extra_items": [instrument_for("CANDLE").items[0]]},
            "duplicate item codes",
        ),
        ({"version": 2, "control_threshold": Fraction(1, 10)}, "remission"),
        ({"version": 2, "control_threshold": Fraction(5)}, "<= 4"),
        ({"version": 2, "control_threshold": 0.5}, "must be a Fraction"),
        ({"version": 2, "sleep_bands": SleepBands(("2", "4", "6", "8"))}, "'sleep' item"),
    ],
)
def test_derive_rejects(options, message):
    with pytest.raises(ValueError, match=message):
        derive_instrument(instrument_for("CANDLE"), **options)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "Fever"}, "lower_snake_case"),
        ({"code": ""}, "lower_snake_case"),
        ({"labels": {"ja": "発熱"}}, "English label"),
        ({"labels": {"en": " "}}, "non-empty"),
        ({"anchors": {"en": ("a", "b", "c", "d")}}, "five"),
        ({"anchors": {"en": "abcde"}}, "five"),
    ],
)
def test_item_validation(fields, message):
    with pytest.raises(ValueError, match=message):
        Item(**({"code": "cough", "labels": {"en": "Cough"}, "anchors": {"en": ANCHORS}} | fields))


def test_instruments_are_immutable():
    instrument = instrument_for("CANDLE")
    with pytest.raises(AttributeError):
        instrument.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        instrument.items[0].labels["en"] = "Temperature"  # type: ignore[index]
