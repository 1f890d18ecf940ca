"""Terminal tables fold values at spaces and never split one in the middle (issue 11 item 15)."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from alma.cli.tables import ELLIPSIS, cell_len, fold, render, widths, write_table

COLUMNS = ["STACK", "NAME", "TYPE", "PROVIDER", "STATUS", "SPECS", "DEPENDS ON"]
DB = [
    "web-stack",
    "db-01",
    "compute",
    "fake",
    "running",
    "cores=4, disk=40, image=postgres:16, memory=8192, start=True",
    "app-net, db-data",
]


def text_of(lines: list[list[tuple[str, str | None]]]) -> list[str]:
    return ["".join(text for text, _ in segments) for segments in lines]


def test_a_row_wider_than_80_columns_folds_after_its_commas_and_keeps_each_value_whole() -> None:
    lines = text_of(render(COLUMNS, [DB], 80))
    assert max(len(line) for line in lines) <= 80
    body = "\n".join(lines)
    for value in ("image=postgres:16", "cores=4,", "memory=8192,", "app-net,", "db-data"):
        assert value in body, value
    assert not any(line.rstrip().endswith("postgre") for line in lines)


def test_a_table_that_fits_is_one_line_per_row_with_two_spaces_between_columns() -> None:
    lines = text_of(render(["A", "LONGER"], [["x", "y"], ["wide one", "z"]], 80))
    assert lines == ["A         LONGER", "x         y", "wide one  z"]


def test_the_header_is_bold_and_no_line_ends_in_spaces() -> None:
    lines = render(COLUMNS, [DB], 80)
    assert {style for text, style in lines[0] if text.strip()} == {"bold"}
    assert all(not "".join(text for text, _ in segments).endswith(" ") for segments in lines)


def test_a_value_that_cannot_fit_any_width_is_elided_never_split_across_lines() -> None:
    stamp = "2026-12-03T09:25:51.123456+00:00"
    lines = text_of(render(["WHEN", "WHAT"], [[stamp, "a message of several words"]], 20))
    assert all(stamp not in line for line in lines)
    assert any(line.startswith("2026-12-") and ELLIPSIS in line for line in lines)
    assert not any(line.startswith(("09:25", "51.12", "+00")) for line in lines)


def test_fold_breaks_only_at_spaces() -> None:
    assert fold("cores=4, disk=40, image=postgres:16", 18) == ["cores=4, disk=40,", "image=postgres:16"]
    assert fold("", 5) == [""]
    assert fold("one\ntwo", 10) == ["one", "two"]


def test_wide_characters_take_two_columns() -> None:
    assert cell_len("日本") == 4
    assert widths(["N"], [["日本"]], 80) == [4]


def test_written_to_a_pipe_there_are_no_colour_codes_and_the_width_is_80() -> None:
    stream = io.StringIO()
    write_table(COLUMNS, [DB, DB], stream)
    out = stream.getvalue()
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


tokens = st.text(alphabet="abcdefghij=:-0123456789", min_size=1, max_size=14)
cells = st.lists(tokens, min_size=1, max_size=6).map(", ".join)


@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(st.just(n), st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=5))
    ),
    st.integers(min_value=20, max_value=160),
)
def test_every_value_is_shown_whole_or_elided_and_lines_fit_when_the_values_can(
    table: tuple[int, list[list[str]]], width: int
) -> None:
    count, rows = table
    columns = [f"C{i}" for i in range(count)]
    sizes = widths(columns, rows, width)
    lines = render(columns, rows, width)
    shown = {text for segments in lines for text, _ in segments}
    pieces = {piece for text in shown for piece in text.split(" ") if piece}
    for row in rows:
        for index, cell in enumerate(row):
            for token in cell.split(" "):
                if cell_len(token) <= sizes[index]:
                    assert token in pieces, (token, sizes[index])
                else:  # elided: its beginning and an ellipsis, never its rest on another line
                    assert any(p.endswith(ELLIPSIS) and token.startswith(p[:-1]) for p in pieces), token
    longest = [max(len(t) for row in [columns, *rows] for t in row[i].split(" ")) for i in range(count)]
    if sum(longest) + 2 * (count - 1) <= width:
        assert max(len("".join(t for t, _ in segments)) for segments in lines) <= width
