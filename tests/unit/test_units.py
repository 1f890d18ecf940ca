"""Size units as operators write them: memory in MiB, disk in GiB, decimal and binary spellings alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alma.units import UnitError, disk_gib, memory_mib


@pytest.mark.parametrize(
    ("written", "mib"),
    [
        ("512MiB", 512),
        ("512M", 512),
        ("512MB", 512),
        ("512mb", 512),
        ("512m", 512),
        ("2GB", 2048),
        ("2G", 2048),
        ("2GiB", 2048),
        ("2g", 2048),
        ("1.5G", 1536),
        ("1.5GiB", 1536),
        ("1T", 1024 * 1024),
        ("1TB", 1024 * 1024),
        ("1TiB", 1024 * 1024),
        ("1024K", 1),
        ("2048KiB", 2),
        (" 2 G ", 2048),
        ("2 GB", 2048),
        ("512", 512),
        (512, 512),
        (2.0, 2),
    ],
)
def test_memory_accepts_every_usual_spelling_of_a_size(written: object, mib: int) -> None:
    assert memory_mib(written) == mib


def test_a_bare_number_of_memory_means_mebibytes() -> None:
    assert memory_mib(4096) == memory_mib("4096") == memory_mib("4G") == 4096


def test_memory_comes_back_as_an_int_not_a_float() -> None:
    assert type(memory_mib("1.5G")) is int
    assert type(memory_mib(2.0)) is int


@pytest.mark.parametrize(
    ("written", "gib"),
    [
        ("10GiB", 10),
        ("10G", 10),
        ("10GB", 10),
        ("10g", 10),
        ("1T", 1024),
        ("1TB", 1024),
        ("1TiB", 1024),
        ("1.5T", 1536),
        ("2048M", 2),
        ("2048MiB", 2),
        ("10", 10),
        (10, 10),
        (2.0, 2),
    ],
)
def test_disk_accepts_every_usual_spelling_of_a_size(written: object, gib: int) -> None:
    assert disk_gib(written) == gib


def test_a_bare_number_of_disk_means_gibibytes() -> None:
    assert disk_gib(20) == disk_gib("20") == disk_gib("20G") == 20


@pytest.mark.parametrize("convert", [memory_mib, disk_gib])
@pytest.mark.parametrize("zero", [0, "0", "0G", "0M", 0.0])
def test_a_size_of_zero_is_refused(convert: Callable[[object], int], zero: object) -> None:
    with pytest.raises(UnitError, match="must be greater than zero") as caught:
        convert(zero)
    assert repr(zero) in str(caught.value)


@pytest.mark.parametrize("convert", [memory_mib, disk_gib])
def test_a_negative_number_is_refused_as_not_greater_than_zero(convert: Callable[[object], int]) -> None:
    with pytest.raises(UnitError, match="must be greater than zero, got -1"):
        convert(-1)


def test_a_negative_size_written_as_text_is_refused_as_not_greater_than_zero() -> None:
    with pytest.raises(UnitError, match="must be greater than zero") as caught:
        memory_mib("-1G")
    assert "'-1G'" in str(caught.value)


@pytest.mark.parametrize("written", [float("inf"), float("nan"), "1e999"])
def test_infinite_or_not_a_number_sizes_are_refused_cleanly(written: object) -> None:
    with pytest.raises(UnitError):
        memory_mib(written)


def test_an_unknown_unit_is_refused_with_the_units_that_exist() -> None:
    with pytest.raises(UnitError) as caught:
        memory_mib("2X")
    message = str(caught.value)
    assert "unknown unit 'X'" in message
    assert "memory '2X'" in message
    assert "M/MB/MiB, G/GB/GiB or T/TB/TiB" in message


def test_an_unknown_disk_unit_names_the_disk() -> None:
    with pytest.raises(UnitError, match=r"unknown unit 'PB' in disk '1PB'"):
        disk_gib("1PB")


@pytest.mark.parametrize("text", ["", "G", "lots", "1e3", "1,024M", "2 G B", "0x10"])
def test_text_that_is_not_a_size_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(UnitError) as caught:
        memory_mib(text)
    message = str(caught.value)
    assert f"cannot read memory {text!r}" in message
    assert "such as '512M' or '2G'" in message


@pytest.mark.parametrize("written", ["1.5M", "1.5", 1.5, "1K", "0.5MiB"])
def test_memory_that_is_not_a_whole_number_of_mebibytes_is_refused(written: object) -> None:
    with pytest.raises(UnitError) as caught:
        memory_mib(written)
    assert str(caught.value) == f"memory {written!r} is not a whole number of MiB"


@pytest.mark.parametrize(
    ("written", "rounded"),
    [("1.5G", "'2G'"), ("1.5", "'2G'"), (1.5, "'2G'"), ("512M", "'1G'"), ("1536M", "'2G'"), ("3.7G", "'4G'")],
)
def test_disk_that_is_not_a_whole_number_of_gibibytes_is_refused_with_a_rounded_suggestion(
    written: object, rounded: str
) -> None:
    with pytest.raises(UnitError) as caught:
        disk_gib(written)
    message = str(caught.value)
    assert message.startswith(f"disk {written!r} is not a whole number of GiB")
    assert f"round it to, say, {rounded}" in message


def test_a_tiny_disk_is_never_rounded_down_to_zero_in_the_suggestion() -> None:
    with pytest.raises(UnitError, match="round it to, say, '1G'"):
        disk_gib("100M")


@pytest.mark.parametrize("convert", [memory_mib, disk_gib])
@pytest.mark.parametrize("flag", [True, False])
def test_a_boolean_is_refused_even_though_python_counts_it_as_a_number(
    convert: Callable[[object], int], flag: bool
) -> None:
    with pytest.raises(UnitError, match="not a boolean"):
        convert(flag)


@pytest.mark.parametrize(
    ("value", "type_name"), [(None, "NoneType"), ([1], "list"), ({"size": 1}, "dict"), (b"2G", "bytes")]
)
def test_a_value_of_the_wrong_type_is_refused_naming_that_type(value: object, type_name: str) -> None:
    with pytest.raises(UnitError) as caught:
        memory_mib(value)
    assert str(caught.value) == f"memory must be a size such as '2G' or a number, not {type_name}"


def test_disk_of_the_wrong_type_says_disk() -> None:
    with pytest.raises(UnitError, match=r"^disk must be a size such as '2G' or a number, not NoneType$"):
        disk_gib(None)


def test_unit_errors_are_value_errors_so_pydantic_reports_them_as_validation_problems() -> None:
    assert issubclass(UnitError, ValueError)
